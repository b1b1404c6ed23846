#!/usr/bin/env bash
# End to end: `clusterpki doctor` on a fresh tree, on the tree 400 days later (faketime) and mid-rotation; then the
# status page /ui/ of `clusterpki serve` in a real headless Chromium (Debian's chromium driven by Playwright for
# Python from the venv scripts/test.sh prepares in .build/venv): rows, timelines, the rotation phase, a certificate
# inside its renewal window marked, no secret, refused without an admin certificate; a screenshot under .build/.
# Then the policy's localhost mode. Binary: $CLUSTERPKI or the debug build. Loopback only; servers stopped by PID.
. "$(dirname "$0")/../lib.sh"
BIN="${1:-$(clusterpki_bin)}"
[ -x "$BIN" ] || { echo "no clusterpki binary at $BIN (build it, or set CLUSTERPKI)"; exit 2; }
VENV="${CLUSTERPKI_VENV:-$REPO/.build/venv}"
[ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import playwright' 2>/dev/null \
    || { echo "no Playwright in $VENV (scripts/test.sh installs it from scripts/requirements.txt)"; exit 2; }
command -v chromium >/dev/null || { echo "no chromium (apt-get install chromium)"; exit 2; }
mktemp_dir WORK
K="$WORK/kubernetes"
PKI="$K/pki"
DB="$WORK/state.db"
REPORT="$WORK/rotate-report.json"
SHOTS="$REPO/.build/status-page"
mkdir -p "$SHOTS"

# init with a config file, so doctor checks against the same node name, address and SANs.
cat >"$WORK/kubeadm.yaml" <<'YAML'
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 127.0.0.1
nodeRegistration:
  name: cp-1
YAML
FLAGS=(--kubernetes-dir "$K" --config "$WORK/kubeadm.yaml" --db "$DB")
"$BIN" init "${FLAGS[@]}" >"$WORK/init.log" 2>&1 || { cat "$WORK/init.log"; exit 2; }
"$BIN" rotate "${FLAGS[@]}" --report "$REPORT" >"$WORK/rotate.log" 2>&1 || { cat "$WORK/rotate.log"; exit 2; }
doctor() { "$BIN" doctor "${FLAGS[@]}" --rotate-report "$REPORT" "$@"; }

# 1. A fresh tree: everything ok, exit 0; JSON is the versioned report.
rc=0; doctor >"$WORK/doctor-fresh.txt" 2>&1 || rc=$?
check_eq "doctor on a fresh tree exits 0" 0 "$rc"
check "doctor on a fresh tree: worst ok" grep -q 'worst ok, exit status 0' "$WORK/doctor-fresh.txt"
check_not "doctor on a fresh tree: no warning, error or critical line" grep -Eq '^\[[a-z-]+\] +(warning|error|critical) ' "$WORK/doctor-fresh.txt"
doctor -o json >"$WORK/doctor-fresh.json" 2>&1 || true
check "doctor -o json is a HealthReport (clusterpki.io/v1alpha1)" python3 -c '
import json, sys; r = json.load(open(sys.argv[1]))
assert r["kind"] == "HealthReport" and r["apiVersion"] == "clusterpki.io/v1alpha1" and r["worst"] == "ok", r["worst"]
assert len(r["certificates"]) >= 15' "$WORK/doctor-fresh.json"
"$BIN" doctor --kubernetes-dir "$K" --config "$WORK/kubeadm.yaml" --db "$WORK/absent/state.db" --rotate-report "$REPORT" >"$WORK/doctor-nodb.txt" 2>&1 || true
check "doctor with a --db that does not exist creates nothing" test ! -e "$WORK/absent"
check "doctor with a --db that does not exist says so (info)" grep -Eq '^\[state\] +info ' "$WORK/doctor-nodb.txt"

# 2. 400 days later: expired leaves and kubeconfig client certificates, each with its fix; exit 3.
later="$(date -u -d '+400 days' '+%Y-%m-%d %H:%M:%S')"
rc=0; faketime "$later" "$BIN" doctor "${FLAGS[@]}" --rotate-report "$REPORT" >"$WORK/doctor-aged.txt" 2>&1 || rc=$?
check_eq "doctor 400 days later exits 3 (critical)" 3 "$rc"
check "400 days later: apiserver expired" grep -Eq '^\[expiry\] +critical +apiserver: expired on' "$WORK/doctor-aged.txt"
check "400 days later: admin.conf's client certificate expired" grep -Eq '^\[expiry\] +critical +admin.conf: expired on' "$WORK/doctor-aged.txt"
check "400 days later: the fix renews it" grep -q "fix: clusterpki certs renew apiserver --kubernetes-dir $K --config $WORK/kubeadm.yaml --db $DB" "$WORK/doctor-aged.txt"
check "400 days later: the rotate report is stale" grep -Eq '^\[rotate-report\] +warning' "$WORK/doctor-aged.txt"

# 3. Tokens for the page: one with a <script> description; a leaf inside its renewal window (renewed 340 days "ago").
TOKEN=$("$BIN" token create --db "$DB" --kubernetes-dir "$K" --description "<script>alert(1)</script>")
"$BIN" token create --db "$DB" --kubernetes-dir "$K" --ttl 30m >/dev/null
earlier="$(date -u -d '-340 days' '+%Y-%m-%d %H:%M:%S')"
faketime "$earlier" "$BIN" certs renew front-proxy-client "${FLAGS[@]}" >"$WORK/renew.log" 2>&1 || { cat "$WORK/renew.log"; exit 2; }
rc=0; doctor >"$WORK/doctor-due.txt" 2>&1 || rc=$?
check_eq "a certificate inside its renewal window: doctor exits 1 (warning)" 1 "$rc"
check "front-proxy-client is a warning with its renew command" grep -Eq '^\[expiry\] +warning +front-proxy-client: expires on' "$WORK/doctor-due.txt"

# 4. Mid-rotation: prepare done; doctor says what switch waits for.
"$BIN" ca rotate ca --phase prepare "${FLAGS[@]}" >"$WORK/prepare.log" 2>&1 || { cat "$WORK/prepare.log"; exit 2; }
rc=0; doctor >"$WORK/doctor-rotation.txt" 2>&1 || rc=$?
check_eq "mid-rotation (and one certificate due): doctor exits 1" 1 "$rc"
check "mid-rotation: the rotation is prepared and waits for every node to trust both CAs" \
    grep -Eq '^\[rotation\] +info +ca: rotation prepared on .*switch waits for every node and component to trust both the current and the next ca' "$WORK/doctor-rotation.txt"
check "mid-rotation: the next step is switch" grep -q "fix: clusterpki ca rotate ca --phase switch --kubernetes-dir $K" "$WORK/doctor-rotation.txt"

# 5. The status page in Chromium, served with the admin client certificate of admin.conf.
grep 'client-certificate-data' "$K/admin.conf" | awk '{print $2}' | base64 -d >"$WORK/admin.crt"
grep 'client-key-data' "$K/admin.conf" | awk '{print $2}' | base64 -d >"$WORK/admin.key"
serve() {  # serve PIDVAR PORT [flags...]
    local var="$1" port="$2"; shift 2
    spawn "$var" "$WORK/serve-$port.log" "$BIN" serve --listen "127.0.0.1:$port" "${FLAGS[@]}" --node-name cp-1 \
        --rotate-report "$REPORT" "$@"
    for _ in $(seq 1 100); do
        curl -s --cacert "$PKI/ca.crt" "https://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    cat "$WORK/serve-$port.log"; return 1
}
PORT=$(free_port)
serve SERVER_PID "$PORT" || exit 2
URL="https://127.0.0.1:$PORT"
check "the serving certificate verifies with ca.crt (curl)" curl -sf --cacert "$PKI/ca.crt" --cert "$WORK/admin.crt" --key "$WORK/admin.key" "$URL/ui/" -o "$WORK/page.html"
check_eq "without a client certificate /ui/ is 403 (curl)" 403 "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.crt" "$URL/ui/")"
check "/metrics counts the findings by severity" bash -c "curl -sf --cacert '$PKI/ca.crt' '$URL/metrics' | grep -q 'clusterpki_health_findings{severity=\"warning\"}'"
SHOT="$SHOTS/status-page.png"
out="$("$VENV/bin/python" "$REPO/scripts/e2e/status_page.py" "$URL" "$WORK/admin.crt" "$WORK/admin.key" "$SHOT" front-proxy-client "${TOKEN#*.}" 2>&1)" && rc=0 || rc=$?
printf '%s\n' "$out" | sed 's/^/    /'
while IFS= read -r line; do
    case "$line" in
        PASS\ *) pass "chromium: ${line#PASS }" ;;
        FAIL\ *) fail "chromium: ${line#FAIL }" ;;
    esac
done <<<"$out"
check_eq "the browser run ended cleanly" 0 "$rc"
check "screenshot kept at $SHOT" test -s "$SHOT"
stop_pid "$SERVER_PID"

# 6. Localhost mode (policy server.statusPage.localhostWithoutCertificate): a browser without a certificate on this
#    machine gets the page; it stays off by default (checked above).
sed 's/^server:$/server:\n  statusPage:\n    localhostWithoutCertificate: true/' "$REPO/policies/kubeadm.yaml" >"$WORK/localhost-policy.yaml"
PORT2=$(free_port)
serve SERVER2_PID "$PORT2" --policy "$WORK/localhost-policy.yaml" || exit 2
check_eq "localhost mode: /ui/ without a certificate from 127.0.0.1 is 200" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.crt" "https://127.0.0.1:$PORT2/ui/")"
stop_pid "$SERVER2_PID"
echo "screenshot: $SHOT"
finish

#!/usr/bin/env bash
# API conformance: schemathesis (PyPI) against a live `clusterpki serve` with openapi.yaml, every check on, in two
# passes: as an admin (the admin.conf client certificate) and as a bootstrap token. 0 failures expected.
#   SCHEMATHESIS_SECONDS=90 (time budget of each pass)   SCHEMATHESIS_SEED=13
# The certificate pass leaves out `ignored_auth` only: it removes the credentials schemathesis knows how to remove
# (headers), and a TLS client certificate is not one, so every route would look as if it ignored authentication. The
# token pass runs it. Token brute-force back-off is raised out of the way (negative tests send wrong tokens on purpose;
# the back-off has its own tests). Loopback only; the server is stopped by PID.
. "$(dirname "$0")/../lib.sh"
BIN="${1:-$(clusterpki_bin)}"
VENV="${CLUSTERPKI_VENV:-$REPO/.build/venv}"
ST="$VENV/bin/schemathesis"
SECONDS_PER_PASS="${SCHEMATHESIS_SECONDS:-90}"
SEED="${SCHEMATHESIS_SEED:-13}"
[[ -x "$ST" ]] || { fail "schemathesis is installed in $VENV (scripts/test.sh installs it from PyPI)"; finish; exit 1; }
require_cmd curl python3
mktemp_dir W
K="$W/k"
DB="$W/state.db"
"$BIN" init --kubernetes-dir "$K" --db "$DB" --node-name cp-1 --apiserver-advertise-address 127.0.0.1 \
    --encryption-algorithm ECDSA-P256 --upload-certs >"$W/init.log" 2>&1 || { cat "$W/init.log"; exit 2; }
sed -e "s/^  maxFailures: 5$/  maxFailures: 1000000/" -e "s/^    maxWatchSeconds: 1800$/    maxWatchSeconds: 1/" "$REPO/policies/kubeadm.yaml" >"$W/policy.yaml"
grep -q '^  maxFailures: 1000000$' "$W/policy.yaml" && grep -q '^    maxWatchSeconds: 1$' "$W/policy.yaml" \
    || { fail "policy fixture: tokenAuthentication.maxFailures and maxWatchSeconds found in kubeadm.yaml"; finish; exit 1; }
python3 - "$K/admin.conf" "$W" <<'PY'
import base64, sys, yaml
user = yaml.safe_load(open(sys.argv[1]))["users"][0]["user"]
open(sys.argv[2] + "/admin.crt", "wb").write(base64.b64decode(user["client-certificate-data"]))
open(sys.argv[2] + "/admin.key", "wb").write(base64.b64decode(user["client-key-data"]))
PY
PORT="$(free_port)"
U="https://127.0.0.1:$PORT"
spawn SERVER "$W/serve.log" "$BIN" serve --listen "127.0.0.1:$PORT" --kubernetes-dir "$K" --db "$DB" --policy "$W/policy.yaml" \
    --node-name cp-1 --log-level warning
check "serve listens" wait_port 127.0.0.1 "$PORT" 60 "$SERVER"

run_pass() {  # run_pass NAME schemathesis-args...
    local name="$1"; shift
    local rc=0
    "$ST" --config-file "$REPO/scripts/schemathesis.toml" --no-color run "$REPO/openapi.yaml" --url "$U" --tls-verify "$K/pki/ca.crt" \
        --checks all --max-time "$SECONDS_PER_PASS" --seed "$SEED" --workers 1 --request-timeout 20 "$@" >"$W/$name.txt" 2>&1 || rc=$?
    sed -n '/=* SUMMARY =*/,$p' "$W/$name.txt" | sed 's/^/    /'
    # The failures section whole (each failure's schema path, value, response and curl reproduction), so that a CI log
    # that shows only this script's output still says what failed.
    [[ $rc -eq 0 ]] || sed -n '/=* FAILURES =*/,/=* SUMMARY =*/p' "$W/$name.txt" | head -n 200 | sed 's/^/    /'
    if [[ $rc -eq 0 ]]; then pass "schemathesis ($name pass): 0 failures"
    else fail "schemathesis ($name pass): 0 failures" "$(grep -E '^(_{3,}| *- ST|Unsupported|    Expected|    Received|\[[0-9]{3}\])' "$W/$name.txt" | head -60)"; fi
    cp "$W/$name.txt" "${SCHEMATHESIS_REPORT_DIR:-$W}/" 2>/dev/null || true
}
run_pass admin --request-cert "$W/admin.crt" --request-cert-key "$W/admin.key" --exclude-checks ignored_auth
TOKEN="$("$BIN" token create --db "$DB" --kubernetes-dir "$K" --description "api-conformance")"
run_pass token --header "Authorization: Bearer $TOKEN"
check "serve is still running after both passes" kill -0 "$SERVER"
check "no request made the server log an error" bash -c "! grep -E ' (error|critical) ' '$W/serve.log'"
stop_pid "$SERVER"
finish

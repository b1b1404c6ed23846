#!/usr/bin/env bash
# Phased CA rotation end to end with the real peers, on 127.0.0.1 (issue 6 acceptance):
#   `clusterpki init` (+ token), a real etcd on the tree's etcd certificates over mTLS, `clusterpki serve`, a worker
#   joined with token + hash. Then etcd-ca, front-proxy-ca and ca each go through prepare -> switch -> finish; after
#   every phase etcd is restarted (stopped by PID, started on the same data dir) and
#     - etcdctl endpoint health (healthcheck-client) and put/get (apiserver-etcd-client) work
#     - kubectl with admin.conf reaches the same, never restarted, `clusterpki serve` (/version, secrets)
#     - cluster-info's CA data equals ca.crt and its JWS verifies for the token
#     - every leaf and every kubeconfig client certificate verifies against its CA bundle (openssl verify)
#     - `clusterpki ca status` shows the phase
#   Every phase is first started and SIGKILLed at a random moment (KILL_MS), then run again: the checks hold after
#   the re-run (scripts/e2e/ca-rotation-crash.sh does the many-kills version without the peers).
#   During the ca rotation: both discovery hashes are printed at prepare and a node pinning the new one joins; a
#   control-plane node joining mid-rotation gets byte-identical shared files (the .next ones too); workers run
#   `clusterpki kubelet renew` after prepare (trust) and after switch (a certificate from the new CA); finish
#   refuses while a node still holds only an old certificate; after finish old-CA client certificates are refused.
#
#   CLUSTERPKI=/path/to/clusterpki scripts/e2e/ca-rotation.sh     (ends with "N passed, N failed")
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_cmd etcd etcdctl kubectl openssl python3 curl

BIN="$(clusterpki_bin)"
[[ -x "$BIN" ]] || { fail "clusterpki binary exists at $BIN"; finish; exit 1; }
ALGO="${ALGO:-ECDSA-P256}"
START=$SECONDS
mktemp_dir W ca-rotation
K="$W/cp1"; PKI="$K/pki"; DB="$W/state.db"

out="$("$BIN" init --kubernetes-dir "$K" --db "$DB" --node-name cp1 --apiserver-advertise-address 127.0.0.1 \
       --encryption-algorithm "$ALGO" 2>&1)" || { fail "clusterpki init" "$out"; finish; exit 1; }
TOKEN="$(sed -n 's/^\[bootstrap-token\] Using token: //p' <<<"$out")"
HASH="$("$BIN" certs ca-hash --kubernetes-dir "$K")"
check "init made a token and the CA hash" test -n "$TOKEN" -a -n "$HASH"

# --- the peers ----------------------------------------------------------------------------------------------
CPORT="$(free_port)"; PPORT="$(free_port)"; while [[ "$PPORT" == "$CPORT" ]]; do PPORT="$(free_port)"; done
EPID=""
start_etcd() {
    spawn EPID "$W/etcd.log" etcd --name cp1 --data-dir "$W/etcd-data" \
        --listen-client-urls "https://127.0.0.1:$CPORT" --advertise-client-urls "https://127.0.0.1:$CPORT" \
        --listen-peer-urls "https://127.0.0.1:$PPORT" --initial-advertise-peer-urls "https://127.0.0.1:$PPORT" \
        --initial-cluster "cp1=https://127.0.0.1:$PPORT" --initial-cluster-state new \
        --cert-file "$PKI/etcd/server.crt" --key-file "$PKI/etcd/server.key" --trusted-ca-file "$PKI/etcd/ca.crt" --client-cert-auth \
        --peer-cert-file "$PKI/etcd/peer.crt" --peer-key-file "$PKI/etcd/peer.key" \
        --peer-trusted-ca-file "$PKI/etcd/ca.crt" --peer-client-cert-auth --logger zap --log-outputs stderr
    wait_port 127.0.0.1 "$CPORT" 30 "$EPID"
}
# Not through `check`: spawn must run in this shell (not a command substitution) so that EPID and the PID list
# stay right; etcd_up then reports the result.
restart_etcd() { stop_pid "$EPID"; start_etcd || true; }
etcd_up() { kill -0 "$EPID" 2>/dev/null && wait_port 127.0.0.1 "$CPORT" 5 "$EPID"; }
ectl() {  # ectl CERT-BASE (relative to pki, or absolute without .crt) args...
    local base="$1"; shift
    [[ "$base" == /* ]] || base="$PKI/$base"
    timeout 20 etcdctl --endpoints "https://127.0.0.1:$CPORT" --dial-timeout 3s --command-timeout 5s \
        --cacert "$PKI/etcd/ca.crt" --cert "$base.crt" --key "$base.key" "$@"
}
start_etcd || true
check "etcd (PID $EPID, mTLS) starts on the tree's etcd certificates" etcd_up

PORT="$(free_port)"
URL="https://127.0.0.1:$PORT"
spawn SERVER "$W/serve.log" "$BIN" serve --listen "127.0.0.1:$PORT" --kubernetes-dir "$K" --db "$DB" --node-name cp1
check "clusterpki serve (PID $SERVER) listens on 127.0.0.1:$PORT" wait_port 127.0.0.1 "$PORT" 30 "$SERVER"

join() {  # join NAME extra-args...
    local name="$1"; shift
    "$BIN" join "127.0.0.1:$PORT" --token "$TOKEN" --node-name "$name" \
        --kubernetes-dir "$W/$name/etc" --kubelet-dir "$W/$name/kubelet" --timeout 60s "$@" >"$W/join-$name.log" 2>&1
}
check "worker-1 joins with the token and the CA hash" join worker-1 --discovery-token-ca-cert-hash "$HASH"
W1_PEM="$W/worker-1/kubelet/pki/kubelet-client-current.pem"
cp "$W1_PEM" "$W/worker-1-old.pem"

# --- the checks after every phase -------------------------------------------------------------------------
kc() { KUBECONFIG="$1" kubectl --cache-dir "$(mktemp -d -p "$W")" --server "$URL" --request-timeout 10s "${@:2}" </dev/null; }
all_leaves_verify() { pki_leaves_verify "${1:-$K}" "$W/clients"; }  # [KDIR]: every leaf and kubeconfig client certificate
keys_match() { pki_keys_match "$PKI"; }
cluster_info_ok() {  # cluster-info's CA data is ca.crt byte for byte and the JWS verifies for the token
    curl -sf --cacert "$PKI/ca.crt" "$URL/api/v1/namespaces/kube-public/configmaps/cluster-info" -o "$W/ci.json" || return 1
    python3 - "$W/ci.json" "$PKI/ca.crt" "$TOKEN" <<'PY'
import base64, hashlib, hmac, json, sys, yaml
data = json.load(open(sys.argv[1]))["data"]
kubeconfig = data["kubeconfig"]
ca = base64.b64decode(yaml.safe_load(kubeconfig)["clusters"][0]["cluster"]["certificate-authority-data"])
assert ca == open(sys.argv[2], "rb").read(), "certificate-authority-data differs from ca.crt"
tid, secret = sys.argv[3].split(".")
header, _, signature = data["jws-kubeconfig-" + tid].split(".")
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
expected = b64(hmac.new(secret.encode(), (header + "." + b64(kubeconfig.encode())).encode(), hashlib.sha256).digest())
assert hmac.compare_digest(expected, signature), "JWS does not verify"
PY
}
wait_cluster_info() { local i; for i in $(seq 1 50); do cluster_info_ok >/dev/null 2>&1 && return 0; sleep 0.2; done; cluster_info_ok; }
etcd_ok() {
    local i out
    for i in $(seq 1 30); do
        out="$(ectl etcd/healthcheck-client endpoint health 2>&1)" && grep -q "is healthy" <<<"$out" && break
        sleep 0.5
    done
    grep -q "is healthy" <<<"$out" || { echo "$out"; tail -n 5 "$W/etcd.log"; return 1; }
    local value="v-$RANDOM-$SECONDS"
    ectl apiserver-etcd-client put /clusterpki/rotation "$value" >/dev/null || return 1
    [[ "$(ectl apiserver-etcd-client get /clusterpki/rotation --print-value-only)" == "$value" ]]
}
status_is() { "$BIN" ca status --kubernetes-dir "$K" --db "$DB" | grep -q "^$1: phase $2[ ;]"; }

after_phase() {  # after_phase CA PHASE-RECORDED
    local L="$1 $2"
    local before="$EPID"
    restart_etcd
    check "$L: etcd restarted by PID ($before stopped, $EPID started) on the same data dir" bash -c "! kill -0 $before 2>/dev/null && kill -0 $EPID"
    check "$L: etcd (PID $EPID) listens" etcd_up
    check "$L: etcdctl endpoint health (healthcheck-client) and put/get (apiserver-etcd-client)" etcd_ok
    check "$L: kubectl --kubeconfig admin.conf get --raw /version (serve not restarted, PID $SERVER)" kc "$K/admin.conf" get --raw /version
    check "$L: kubectl -n kube-system get secrets with admin.conf lists the token" \
        bash -c "KUBECONFIG='$K/admin.conf' kubectl --cache-dir '$(mktemp -d -p "$W")' --server '$URL' -n kube-system get secrets </dev/null | grep -q bootstrap-token-${TOKEN%%.*}"
    check "$L: cluster-info CA data equals ca.crt and its JWS verifies for the token" wait_cluster_info
    check "$L: every leaf and kubeconfig client certificate verifies against its CA bundle" all_leaves_verify
    check "$L: every key matches its certificate" keys_match
    check "$L: ca status shows phase $2" status_is "$1" "$2"
}
rotate() { "$BIN" ca rotate "$1" --phase "$2" --kubernetes-dir "$K" --db "$DB" >"$W/rotate-$1-$2.log" 2>&1; }
# killed_first CA PHASE: the phase is first started and SIGKILLed after a random 0..KILL_MS ms (by its PID), so every
# phase below is a re-run after a crash; the checks after it are the same. KILL_MS=0 turns this off.
KILL_MS="${KILL_MS:-150}"
KILLS_LANDED=0
killed_first() {
    ((KILL_MS > 0)) || return 0
    local delay=$((RANDOM % KILL_MS)) pid state
    "$BIN" ca rotate "$1" --phase "$2" --kubernetes-dir "$K" --db "$DB" >"$W/killed-$1-$2.log" 2>&1 &
    pid=$!
    sleep "$(awk -v m="$delay" 'BEGIN{printf "%.3f", m/1000}')"
    state="$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null || echo gone)"
    if [[ "$state" != Z && "$state" != gone ]] && kill -KILL "$pid" 2>/dev/null; then
        KILLS_LANDED=$((KILLS_LANDED + 1)); info "$1 $2: SIGKILL after $delay ms, mid-run; re-running"
    else
        info "$1 $2: the run had finished before the SIGKILL at $delay ms; re-running"
    fi
    wait "$pid" 2>/dev/null || true
}
renew() { "$BIN" kubelet renew --kubernetes-dir "$W/$1/etc" --timeout 30s >"$W/renew-$1-$2.log" 2>&1; }

after_phase ca none

# --- etcd-ca and front-proxy-ca -----------------------------------------------------------------------------
for CA in etcd-ca front-proxy-ca; do
    [[ "$CA" == etcd-ca ]] && cp "$PKI/etcd/healthcheck-client.crt" "$W/old-hc.crt" && cp "$PKI/etcd/healthcheck-client.key" "$W/old-hc.key"
    for PHASE in prepare switch finish; do
        killed_first "$CA" "$PHASE"
        check "$CA: ca rotate --phase $PHASE (re-run after a SIGKILL)" rotate "$CA" "$PHASE"
        case $PHASE in prepare) rec=prepared ;; switch) rec=switched ;; finish) rec=finished ;; esac
        after_phase "$CA" "$rec"
    done
done
check "etcd-ca finished: etcd/ca.crt holds one certificate" test "$(grep -c 'BEGIN CERTIFICATE' "$PKI/etcd/ca.crt")" -eq 1
out="$(ectl "$W/old-hc" endpoint health 2>&1)" && rc=0 || rc=$?
if [[ $rc -ne 0 ]] && ! grep -q "is healthy" <<<"$out"; then pass "etcd-ca finished: etcd refuses the old CA's healthcheck-client"
else fail "etcd-ca finished: etcd refuses the old CA's healthcheck-client" "$out"; fi

# --- ca ----------------------------------------------------------------------------------------------------
cp "$K/admin.conf" "$W/admin-old.conf"
killed_first ca prepare
check "ca: ca rotate --phase prepare (re-run after a SIGKILL)" rotate ca prepare
NEWHASH="$(sed -n 's/.*--discovery-token-ca-cert-hash \(sha256:[0-9a-f]*\) or \(sha256:[0-9a-f]*\)$/\2/p' "$W/rotate-ca-prepare.log")"
OLDHASH="$(sed -n 's/.*--discovery-token-ca-cert-hash \(sha256:[0-9a-f]*\) or \(sha256:[0-9a-f]*\)$/\1/p' "$W/rotate-ca-prepare.log")"
check_eq "ca prepare: prints the current discovery hash" "$HASH" "$OLDHASH"
check_eq "ca prepare: prints the new CA's discovery hash" \
    "sha256:$(openssl x509 -in "$PKI/ca.next.crt" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -c1-64)" "$NEWHASH"
after_phase ca prepared
check "ca prepared: worker-2 joins pinning only the new CA's hash" join worker-2 --discovery-token-ca-cert-hash "$NEWHASH"

KEY="$("$BIN" upload-certs --kubernetes-dir "$K" --db "$DB" | tail -1)"
check "ca prepared: cp2 joins as a control-plane node with a fresh upload" \
    join cp2 --discovery-token-ca-cert-hash "$HASH" --control-plane --certificate-key "$KEY" --apiserver-advertise-address 127.0.0.2
for f in ca.crt ca.key ca.next.crt ca.next.key front-proxy-ca.crt front-proxy-ca.key sa.key sa.pub etcd/ca.crt etcd/ca.key; do
    check "ca prepared: cp2's $f is byte-identical to cp1's" cmp -s "$PKI/$f" "$W/cp2/etc/pki/$f"
done
cp "$W/cp2/etc/pki/ca.crt" "$W/cp2-ca-after-join.crt"
check "ca prepared: cp2's own apiserver certificate verifies against the bundle" openssl verify -CAfile "$PKI/ca.crt" "$W/cp2/etc/pki/apiserver.crt"

check "ca prepared: worker-1 kubelet renew" renew worker-1 prepared
check "  ... refreshed its trust" grep -q "trust updated, client certificate kept" "$W/renew-worker-1-prepared.log"
check_eq "  ... kubelet.conf CA data is ca.crt (old + new)" "$(base64 -w0 "$PKI/ca.crt")" \
    "$(python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["clusters"][0]["cluster"]["certificate-authority-data"])' "$W/worker-1/etc/kubelet.conf")"

killed_first ca switch
check "ca: ca rotate --phase switch (re-run after a SIGKILL)" rotate ca switch
check "ca switch: the closing line no longer asks to restart clusterpki serve" grep -q "clusterpki serve follows by itself" "$W/rotate-ca-switch.log"
after_phase ca switched
check "ca switched: serve presents a certificate from the new CA (reloaded without restart)" bash -c \
    "openssl s_client -connect 127.0.0.1:$PORT </dev/null 2>/dev/null | openssl x509 >'$W/served.crt' && openssl verify -CAfile '$PKI/ca.next.crt' '$W/served.crt'"
renew_cp1() { "$BIN" kubelet renew --kubernetes-dir "$K" --server "$URL" --timeout 30s >"$W/renew-cp1.log" 2>&1; }
# cp1 holds ca.key: switch re-issued its own kubelet.conf from the local CA (no serve needed for it; the line saying
# so is checked by e2e/node-credential.sh, as the run here may have been killed before it printed).
check "ca switched: cp1's kubelet.conf was re-issued by the new CA at switch" \
    bash -c "openssl verify -CAfile '$PKI/ca.next.crt' <(sed -n 's/^ *client-certificate-data: //p' '$K/kubelet.conf' | base64 -d)"
check "ca switched: cp1's kubelet renew through serve has nothing left to do" renew_cp1
rc=0; rotate ca finish || rc=$?
if [[ $rc -ne 0 ]] && grep -q "system:node:worker-1" "$W/rotate-ca-finish.log" && grep -q "clusterpki kubelet renew" "$W/rotate-ca-finish.log"; then
    pass "ca switched: finish refuses while worker-1 holds only an old certificate, naming it and saying how to proceed"
else fail "ca switched: finish refuses while worker-1 holds only an old certificate" "$(cat "$W/rotate-ca-finish.log")"; fi
check "  ... and changed nothing (ca.crt still holds two certificates)" test "$(grep -c 'BEGIN CERTIFICATE' "$PKI/ca.crt")" -eq 2

for node in worker-1 worker-2 cp2; do
    check "ca switched: $node kubelet renew" renew "$node" switched
    check "  ... $node's new certificate verifies with the new CA alone" openssl verify -CAfile "$PKI/ca.next.crt" "$W/$node/kubelet/pki/kubelet-client-current.pem"
done

# cp2, joined after prepare, follows by hand: the switched files from cp1 (through an upload), then the same phase.
cp2() { "$BIN" "$@" --kubernetes-dir "$W/cp2/etc" >>"$W/cp2-phases.log" 2>&1; }
KEY="$("$BIN" upload-certs --kubernetes-dir "$K" --db "$DB" | tail -1)"
# (download-certs reads cp1's database here, so it runs with cp1's --kubernetes-dir and writes into cp2's --cert-dir)
cp2_download() { "$BIN" download-certs --certificate-key "$1" --kubernetes-dir "$K" --db "$DB" --cert-dir "$W/cp2/etc/pki" >>"$W/cp2-phases.log" 2>&1; }
check "ca switched: cp2's ca.crt is untouched by its kubelet renew (a control-plane node's CA file)" cmp -s "$W/cp2/etc/pki/ca.crt" "$W/cp2-ca-after-join.crt"
check "ca switched: cp2 downloads the switched files from a new upload" cp2_download "$KEY"
check "  ... cp2's ca.crt, ca.key, ca.next.* are cp1's" bash -c "for f in ca.crt ca.key ca.next.crt ca.next.key; do cmp -s '$PKI/'\$f '$W/cp2/etc/pki/'\$f || exit 1; done"
check "ca switched: cp2 runs switch itself (its own database)" cp2 ca rotate ca --phase switch --db "$W/cp2.db"
check "  ... cp2's own apiserver certificate verifies with the new CA alone" openssl verify -CAfile "$PKI/ca.next.crt" "$W/cp2/etc/pki/apiserver.crt"
check "  ... every cp2 leaf and kubeconfig client certificate verifies against its bundle" all_leaves_verify "$W/cp2/etc"

killed_first ca finish
check "ca: ca rotate --phase finish (re-run after a SIGKILL)" rotate ca finish
after_phase ca finished
check "ca finished: ca.crt holds only the new CA" cmp -s "$PKI/ca.crt" <(openssl x509 -in "$PKI/ca.crt")
check_not "ca finished: ca.next.* are gone" test -e "$PKI/ca.next.crt"
KEY="$("$BIN" upload-certs --kubernetes-dir "$K" --db "$DB" | tail -1)"
check "ca finished: cp2 downloads the finished files (stale ca.next.* removed)" cp2_download "$KEY"
check "  ... cp2's ca.crt is cp1's, its ca.next.* are gone" bash -c "cmp -s '$PKI/ca.crt' '$W/cp2/etc/pki/ca.crt' && ! test -e '$W/cp2/etc/pki/ca.next.crt' && ! test -e '$W/cp2/etc/pki/ca.next.key'"
check "ca finished: cp2 runs finish itself" cp2 ca rotate ca --phase finish --db "$W/cp2.db"
check "  ... every cp2 leaf and kubeconfig client certificate verifies against the new CA alone" all_leaves_verify "$W/cp2/etc"
check "  ... cp2's admin.conf trusts the new CA only" bash -c "grep -q \"certificate-authority-data: \$(base64 -w0 '$PKI/ca.crt')\" '$W/cp2/etc/admin.conf'"
check "ca finished: worker-1 kubelet renew refreshes its trust to the new CA only" renew worker-1 finished
check_eq "  ... kubelet.conf CA data is ca.crt" "$(base64 -w0 "$PKI/ca.crt")" \
    "$(python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["clusters"][0]["cluster"]["certificate-authority-data"])' "$W/worker-1/etc/kubelet.conf")"
force_renew() { "$BIN" kubelet renew --kubernetes-dir "$W/worker-1/etc" --timeout 30s --force >"$W/renew-forced.log" 2>&1; }
check "ca finished: worker-1's renewed certificate still authenticates (a forced renewal through serve)" force_renew
check "  ... and the result verifies with the new CA" openssl verify -CAfile "$PKI/ca.crt" "$W1_PEM"
code="$(curl -s -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.crt" --cert "$W/worker-1-old.pem" --key "$W/worker-1-old.pem" \
        "$URL/apis/certificates.k8s.io/v1/certificatesigningrequests" 2>/dev/null || true)"
if [[ "$code" != 2* ]]; then pass "ca finished: serve refuses worker-1's old-CA client certificate (HTTP/TLS result: ${code:-none})"
else fail "ca finished: serve refuses worker-1's old-CA client certificate" "HTTP $code"; fi
sed "s#^\(    certificate-authority-data: \).*#\1$(base64 -w0 "$PKI/ca.crt")#" "$W/admin-old.conf" >"$W/admin-old-trusting-new.conf"
check_not "ca finished: serve refuses the pre-switch admin.conf client certificate" kc "$W/admin-old-trusting-new.conf" -n kube-system get secrets

check_not "the serve log holds no token secret" grep -q "${TOKEN#*.}" "$W/serve.log"
check "clusterpki serve ran through the whole rotation without a restart (PID $SERVER alive)" kill -0 "$SERVER"
stop_pid "$SERVER"
stop_pid "$EPID"
info "$KILLS_LANDED of 9 phases were killed mid-run before their re-run"
info "ran in $((SECONDS - START)) s"
finish

#!/usr/bin/env bash
# The node's own credential (issue 14 item 5), on a tree aged with faketime:
#   - `kubelet renew` on a worker whose client certificate expired fails at once (no retry loop until --timeout),
#     exits non-zero, says "expired on DATE" and how to fix it (join again; on a control-plane node `clusterpki rotate`);
#   - `rotate` on the control-plane node re-issues its own expired kubelet.conf from the local CA;
#   - a single-node CA rotation (prepare, switch, finish) completes without `clusterpki serve`: switch re-issues
#     kubelet.conf itself and says so.
#
#   CLUSTERPKI=/path/to/clusterpki scripts/e2e/node-credential.sh        (ends with "N passed, N failed")
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_cmd faketime openssl python3
export TZ=UTC  # libfaketime reads its timestamps in local time
# The faketime wrapper, not LD_PRELOAD by hand: a Swift binary preloaded with libfaketime without the wrapper's shared
# memory (FAKETIME_SHARED) sees an empty argv and prints its top-level help. "@" starts the faked clock running.
faked() { faketime -f "@$LATER" "$@"; }
# spawn_faked VAR LOG cmd...: the wrapper forks and does not forward SIGTERM, so VAR is its child (the server itself),
# remembered for cleanup like spawn's PIDs; the wrapper exits with it.
spawn_faked() {
    local __var="$1" __log="$2" __wrapper __child="" i; shift 2
    spawn __wrapper "$__log" faketime -f "@$LATER" "$@"
    for ((i = 0; i < 50; i++)); do __child="$(pgrep -P "$__wrapper" | head -1)" && [[ -n "$__child" ]] && break; sleep 0.1; done
    [[ -n "$__child" ]] || { fail "faketime started $1" "$(cat "$__log")"; finish; exit 1; }
    _PIDS+=("$__child")
    printf -v "$__var" '%s' "$__child"
}
BIN="$(clusterpki_bin)"
mktemp_dir W node-credential
K="$W/cp1"
DB="$W/state.db"
PORT="$(free_port)"
out="$("$BIN" init --kubernetes-dir "$K" --db "$DB" --node-name cp1 --apiserver-advertise-address 127.0.0.1 \
       --encryption-algorithm ECDSA-P256 --serve-listen "127.0.0.1:$PORT" 2>&1)" || { fail "clusterpki init" "$out"; finish; exit 1; }
TOKEN="$(sed -n 's/^\[bootstrap-token\] Using token: //p' <<<"$out")"
HASH="$("$BIN" certs ca-hash --kubernetes-dir "$K")"
spawn SERVER "$W/serve.log" "$BIN" serve --kubernetes-dir "$K" --db "$DB" --node-name cp1
check "serve listens where init recorded (127.0.0.1:$PORT)" wait_port 127.0.0.1 "$PORT" 30 "$SERVER"
check "worker-1 joins" "$BIN" join "127.0.0.1:$PORT" --token "$TOKEN" --discovery-token-ca-cert-hash "$HASH" --node-name worker-1 \
    --kubernetes-dir "$W/worker-1/etc" --kubelet-dir "$W/worker-1/kubelet" --timeout 60s
PEM="$W/worker-1/kubelet/pki/kubelet-client-current.pem"
not_after="$(openssl x509 -in "$PEM" -noout -enddate | cut -d= -f2)"
expired_at="$(date -u -d "@$(enddate_epoch "$PEM")" +%Y-%m-%dT%H:%M:%SZ)"
LATER_EPOCH=$(($(enddate_epoch "$PEM") + 86400))
LATER="$(date -u -d "@$LATER_EPOCH" '+%Y-%m-%d %H:%M:%S')"
stop_pid "$SERVER"

# --- kubelet renew with an expired certificate, a year later (serve runs in the same future) ---------------------
spawn_faked SERVER "$W/serve-later.log" "$BIN" serve --kubernetes-dir "$K" --db "$DB" --node-name cp1
check "serve (faked +1y) listens" wait_port 127.0.0.1 "$PORT" 60 "$SERVER"
t0=$SECONDS
rc=0; faked "$BIN" kubelet renew --kubernetes-dir "$W/worker-1/etc" --timeout 120s >"$W/renew.log" 2>&1 || rc=$?
elapsed=$((SECONDS - t0))
check_eq "kubelet renew with an expired certificate exits 1" 1 "$rc"
check "  ... at once: ${elapsed}s, far below --timeout 120s" test "$elapsed" -lt 60
check "  ... saying it expired on $expired_at" grep -q "expired on $expired_at" "$W/renew.log"
check "  ... saying to join again with a token" grep -q "join the node again with a new token" "$W/renew.log"
check "  ... and how a control-plane node re-issues kubelet.conf" grep -q "clusterpki rotate --kubernetes-dir" "$W/renew.log"
check_not "  ... without the old retry/timeout advice" grep -q "raise --timeout" "$W/renew.log"
check "  ... and left the expired certificate in place" test "$(openssl x509 -in "$PEM" -noout -enddate | cut -d= -f2)" = "$not_after"
stop_pid "$SERVER"

# --- rotate on the control-plane node re-issues its own expired kubelet.conf -------------------------------------
kubelet_conf_cert() { sed -n 's/^ *client-certificate-data: //p' "$K/kubelet.conf" | base64 -d >"$W/kubelet-conf.crt"; }
kubelet_conf_cert
old_serial="$(openssl x509 -in "$W/kubelet-conf.crt" -noout -serial)"
rc=0; faked "$BIN" rotate --kubernetes-dir "$K" --db "$DB" --report "$W/rotate.json" >"$W/rotate.log" 2>&1 || rc=$?
check_eq "rotate a year later exits 0" 0 "$rc"
kubelet_conf_cert
check "  ... re-issued cp1's kubelet.conf (new serial)" test "$(openssl x509 -in "$W/kubelet-conf.crt" -noout -serial)" != "$old_serial"
check "  ... NotAfter is later than the faked now" test "$(enddate_epoch "$W/kubelet-conf.crt")" -gt "$LATER_EPOCH"
check "  ... signed by the cluster CA" openssl verify -CAfile "$K/pki/ca.crt" -attime "$LATER_EPOCH" "$W/kubelet-conf.crt"
check_eq "  ... subject is the node's" "CN=system:node:cp1, O=system:nodes" \
    "$(openssl x509 -in "$W/kubelet-conf.crt" -noout -subject -nameopt RFC2253 | sed 's/^subject=//; s/,/, /')"
check "  ... and the report lists kubelet.conf as renewed" python3 -c \
    'import json,sys; sys.exit(0 if any(r["name"] == "kubelet.conf" for r in json.load(open(sys.argv[1]))["renewed"]) else 1)' "$W/rotate.json"

# --- a single-node CA rotation without serve -----------------------------------------------------------------------
S="$W/single"
check "single node: init" "$BIN" init --kubernetes-dir "$S" --db "$W/single.db" --node-name solo --apiserver-advertise-address 127.0.0.1 \
    --encryption-algorithm ECDSA-P256
for phase in prepare switch finish; do
    check "single node: ca rotate ca --phase $phase (no serve running)" \
        bash -c "'$BIN' ca rotate ca --phase $phase --kubernetes-dir '$S' --db '$W/single.db' >'$W/single-$phase.log' 2>&1"
done
check "single node: switch said it re-issued this node's kubelet.conf itself" \
    grep -q "this node's own kubelet client certificate (kubelet.conf) re-issued" "$W/single-switch.log"
check "single node: ca.crt holds only the new CA" test "$(grep -c 'BEGIN CERTIFICATE' "$S/pki/ca.crt")" -eq 1
check "single node: kubelet.conf's certificate verifies with the new CA alone" \
    bash -c "openssl verify -CAfile '$S/pki/ca.crt' <(sed -n 's/^ *client-certificate-data: //p' '$S/kubelet.conf' | base64 -d)"
finish

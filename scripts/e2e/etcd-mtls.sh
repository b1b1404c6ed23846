#!/usr/bin/env bash
# End-to-end: a real etcd (Debian etcd-server) on 127.0.0.1 serving clusterpki's etcd certificates
# with client-certificate auth on the client and peer ports.
#   - etcdctl with etcd/healthcheck-client: endpoint health is healthy
#   - etcdctl with apiserver-etcd-client: put + get
#   - openssl s_client: the server cert verifies against etcd/ca.crt for IP 127.0.0.1
#   - a client cert from another CA, and no client cert at all, are refused
#
#   CLUSTERPKI=/path/to/clusterpki ALGOS="ECDSA-P256 RSA-2048" scripts/e2e/etcd-mtls.sh
#   TREE_CMD=baseline   use scripts/baseline/openssl-tree.sh instead of clusterpki (self-test)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_cmd etcd etcdctl openssl python3

ALGOS="${ALGOS:-ECDSA-P256 RSA-2048}"
BIN="$(clusterpki_bin)"
if [[ "${TREE_CMD:-clusterpki}" == baseline ]]; then
    info "making trees with scripts/baseline/openssl-tree.sh (TREE_CMD=baseline)"
else
    [[ -x "$BIN" ]] || { fail "clusterpki binary exists at $BIN"; finish; exit 1; }
    info "clusterpki: $BIN"
fi
mktemp_dir T clusterpki-etcd

# make_tree KDIR ALGO NODE
make_tree() {
    if [[ "${TREE_CMD:-clusterpki}" == baseline ]]; then
        NODE_NAME="$3" ADVERTISE_ADDRESS=127.0.0.1 "$REPO/scripts/baseline/openssl-tree.sh" "$1" "$2" >/dev/null
    else
        timeout 300 "$BIN" certs generate all --kubernetes-dir "$1" --encryption-algorithm "$2" \
            --node-name "$3" --apiserver-advertise-address 127.0.0.1 >"$1.log" 2>&1 || { cat "$1.log"; return 1; }
    fi
}

ectl() {   # ectl PKI CLIENT-BASE args...   (client base relative to PKI, e.g. etcd/healthcheck-client)
    local pki="$1" client="$2"; shift 2
    timeout 20 etcdctl --endpoints "https://127.0.0.1:$CPORT" --dial-timeout 3s --command-timeout 5s \
        --cacert "$PKI/etcd/ca.crt" --cert "$pki/$client.crt" --key "$pki/$client.key" "$@"
}

for ALGO in $ALGOS; do
    L="etcd/$ALGO"
    K="$T/$ALGO-k"; OTHER="$T/$ALGO-other"
    if ! out="$(make_tree "$K" "$ALGO" etcd-e2e 2>&1)"; then fail "$L: generate the tree" "$out"; continue; fi
    if ! out="$(make_tree "$OTHER" "$ALGO" etcd-e2e 2>&1)"; then fail "$L: generate a second tree (other CA)" "$out"; continue; fi
    pass "$L: generated two trees (two different etcd CAs)"
    PKI="$K/pki"

    CPORT="$(free_port 127.0.0.1)"
    PPORT="$(free_port 127.0.0.1)"
    while [[ "$PPORT" == "$CPORT" ]]; do PPORT="$(free_port 127.0.0.1)"; done
    info "$L: etcd client port $CPORT, peer port $PPORT"
    spawn EPID "$T/etcd-$ALGO.log" etcd --name e2e --data-dir "$T/data-$ALGO" \
        --listen-client-urls "https://127.0.0.1:$CPORT" --advertise-client-urls "https://127.0.0.1:$CPORT" \
        --listen-peer-urls "https://127.0.0.1:$PPORT" --initial-advertise-peer-urls "https://127.0.0.1:$PPORT" \
        --initial-cluster "e2e=https://127.0.0.1:$PPORT" --initial-cluster-state new \
        --cert-file "$PKI/etcd/server.crt" --key-file "$PKI/etcd/server.key" \
        --trusted-ca-file "$PKI/etcd/ca.crt" --client-cert-auth \
        --peer-cert-file "$PKI/etcd/peer.crt" --peer-key-file "$PKI/etcd/peer.key" \
        --peer-trusted-ca-file "$PKI/etcd/ca.crt" --peer-client-cert-auth \
        --logger zap --log-outputs stderr
    if ! wait_port 127.0.0.1 "$CPORT" 30 "$EPID"; then
        fail "$L: etcd (PID $EPID) listens on 127.0.0.1:$CPORT" "$(tail -n 15 "$T/etcd-$ALGO.log")"
        stop_pid "$EPID"; continue
    fi
    pass "$L: etcd (PID $EPID) started with etcd/server, etcd/peer, etcd/ca and client-cert auth"

    healthy=0
    for _ in $(seq 1 30); do
        if out="$(ectl "$PKI" etcd/healthcheck-client endpoint health 2>&1)" && grep -q "is healthy" <<<"$out"; then healthy=1; break; fi
        sleep 0.5
    done
    if [[ $healthy == 1 ]]; then pass "$L: etcdctl endpoint health with etcd/healthcheck-client: $out"
    else fail "$L: etcdctl endpoint health with etcd/healthcheck-client is healthy" "$out"$'\n'"$(tail -n 8 "$T/etcd-$ALGO.log")"; fi

    value="clusterpki-$ALGO-$RANDOM"
    check "$L: etcdctl put with apiserver-etcd-client" ectl "$PKI" apiserver-etcd-client put /clusterpki/e2e "$value"
    got="$(ectl "$PKI" apiserver-etcd-client get /clusterpki/e2e --print-value-only 2>&1 || true)"
    check_eq "$L: etcdctl get with apiserver-etcd-client returns the value" "$value" "$got"

    # the server certificate, seen by openssl as a TLS client
    sc="$(timeout 10 openssl s_client -connect "127.0.0.1:$CPORT" -CAfile "$PKI/etcd/ca.crt" -verify_return_error \
            -verify_ip 127.0.0.1 -cert "$PKI/etcd/healthcheck-client.crt" -key "$PKI/etcd/healthcheck-client.key" \
            </dev/null 2>&1 || true)"
    check "$L: openssl s_client verifies etcd's server cert for IP 127.0.0.1 (Verify return code: 0)" \
        grep -q "Verify return code: 0 (ok)" <<<"$sc"

    # refused: a client cert of another CA, and no client cert
    out="$(ectl "$OTHER/pki" etcd/healthcheck-client endpoint health 2>&1)" && rc=0 || rc=$?
    if [[ $rc -ne 0 ]] && ! grep -q "is healthy" <<<"$out"; then pass "$L: client cert from another etcd CA is refused"
    else fail "$L: client cert from another etcd CA is refused" "exit $rc: $out"; fi
    out="$(ectl "$OTHER/pki" apiserver-etcd-client get /clusterpki/e2e 2>&1)" && rc=0 || rc=$?
    if [[ $rc -ne 0 ]] && ! grep -q "$value" <<<"$out"; then pass "$L: apiserver-etcd-client of another CA cannot read"
    else fail "$L: apiserver-etcd-client of another CA cannot read" "exit $rc: $out"; fi
    out="$(timeout 20 etcdctl --endpoints "https://127.0.0.1:$CPORT" --dial-timeout 3s --command-timeout 5s \
            --cacert "$PKI/etcd/ca.crt" get /clusterpki/e2e 2>&1)" && rc=0 || rc=$?
    if [[ $rc -ne 0 ]] && ! grep -q "$value" <<<"$out"; then pass "$L: no client cert is refused"
    else fail "$L: no client cert is refused" "exit $rc: $out"; fi
    # a server cert of another CA must not be trusted by a client holding our CA
    check_not "$L: s_client rejects the other tree's etcd CA as trust anchor" bash -c \
        'timeout 10 openssl s_client -connect "127.0.0.1:$1" -CAfile "$2" -verify_return_error </dev/null 2>&1 | grep -q "Verify return code: 0 (ok)"' \
        _ "$CPORT" "$OTHER/pki/etcd/ca.crt"

    stop_pid "$EPID"
    check "$L: etcd stopped by PID $EPID" bash -c '! kill -0 "$1" 2>/dev/null' _ "$EPID"
done
finish

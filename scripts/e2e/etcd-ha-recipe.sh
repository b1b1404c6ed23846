#!/usr/bin/env bash
# End-to-end: the seed guide's "create a highly available etcd cluster with kubeadm" recipe, done
# with clusterpki, then a real three-member etcd cluster on 127.0.0.1, 127.0.0.2 and 127.0.0.3.
#
# Guide steps mirrored here (HOSTn = 127.0.0.1..3, /tmp/HOSTn -> $T/HOSTn, /etc/kubernetes -> $T/etc-kubernetes,
# /etc/kubernetes/pki -> $T/pki, written into each kubeadmcfg.yaml as certificatesDir):
#   1. a kubeadmcfg.yaml per host (kubeadm.k8s.io/v1beta3 ClusterConfiguration, etcd.local serverCertSANs /
#      peerCertSANs = [HOST], extraArgs as in the guide)
#   2. `certs generate etcd-ca` once
#   3. per host (HOST2, HOST1, HOST0 as in the guide): certs generate etcd-server, etcd-peer,
#      etcd-healthcheck-client, apiserver-etcd-client --config HOSTn/kubeadmcfg.yaml; cp -R pki HOSTn/;
#      find pki -not -name ca.crt -not -name ca.key -type f -delete   (not after HOST0)
#   4. find HOST1/HOST2 -name ca.key -delete
#   5. start etcd on each host with that host's files; etcdctl endpoint health (all three) and member list
#
#   CLUSTERPKI=/path/to/clusterpki scripts/e2e/etcd-ha-recipe.sh
#   TREE_CMD=baseline   make the certificates with scripts/baseline/openssl-tree.sh (self-test)
#   ALGO=RSA-2048       key algorithm (default ECDSA-P256; passed as --encryption-algorithm)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_cmd etcd etcdctl openssl python3

ALGO="${ALGO:-ECDSA-P256}"
BIN="$(clusterpki_bin)"
if [[ "${TREE_CMD:-clusterpki}" == baseline ]]; then
    info "making certificates with scripts/baseline/openssl-tree.sh (TREE_CMD=baseline)"
else
    [[ -x "$BIN" ]] || { fail "clusterpki binary exists at $BIN"; finish; exit 1; }
    info "clusterpki: $BIN"
fi
mktemp_dir T clusterpki-etcd-ha
HOSTS=(127.0.0.1 127.0.0.2 127.0.0.3)
NAMES=(infra0 infra1 infra2)
KDIR="$T/etc-kubernetes"     # stands for /etc/kubernetes
PKI="$T/pki"                 # stands for /etc/kubernetes/pki (certificatesDir)
mkdir -p "$KDIR"

# --- ports: 2379/2380 when free on all three addresses, else one free pair shared by all three
pick_ports() {
    local c p h ok try
    for try in 0 $(seq 1 50); do
        if [[ $try == 0 ]]; then c=2379 p=2380; else c="$(free_port 127.0.0.1)" p="$(free_port 127.0.0.1)"; fi
        [[ "$c" == "$p" ]] && continue
        ok=1
        for h in "${HOSTS[@]}"; do port_free "$h" "$c" && port_free "$h" "$p" || { ok=0; break; }; done
        if [[ $ok == 1 ]]; then CPORT=$c PPORT=$p; return 0; fi
    done
    return 1
}
pick_ports || { fail "found a client/peer port pair free on 127.0.0.1-3"; finish; exit 1; }
info "etcd client port $CPORT, peer port $PPORT on ${HOSTS[*]}"

# --- 1. kubeadmcfg.yaml per host (the guide's heredoc, plus certificatesDir and our ports)
for i in "${!HOSTS[@]}"; do
    HOST=${HOSTS[$i]} NAME=${NAMES[$i]}
    mkdir -p "$T/$HOST"
    cat <<YAML >"$T/$HOST/kubeadmcfg.yaml"
apiVersion: "kubeadm.k8s.io/v1beta3"
kind: ClusterConfiguration
certificatesDir: "$PKI"
encryptionAlgorithm: "$ALGO"
etcd:
    local:
        serverCertSANs:
        - "${HOST}"
        peerCertSANs:
        - "${HOST}"
        extraArgs:
            initial-cluster: ${NAMES[0]}=https://${HOSTS[0]}:$PPORT,${NAMES[1]}=https://${HOSTS[1]}:$PPORT,${NAMES[2]}=https://${HOSTS[2]}:$PPORT
            initial-cluster-state: new
            name: ${NAME}
            listen-peer-urls: https://${HOST}:$PPORT
            listen-client-urls: https://${HOST}:$CPORT
            advertise-client-urls: https://${HOST}:$CPORT
            initial-advertise-peer-urls: https://${HOST}:$PPORT
YAML
done
pass "wrote kubeadmcfg.yaml for ${HOSTS[*]}"

# gen NAME [HOST] : `kubeadm init phase certs NAME [--config HOST/kubeadmcfg.yaml]`
gen() {
    local name="$1" host="${2:-}"
    if [[ "${TREE_CMD:-clusterpki}" == baseline ]]; then
        CERTS="$name" ETCD_SERVER_SANS="$host" ETCD_PEER_SANS="$host" \
            "$REPO/scripts/baseline/openssl-tree.sh" "$(dirname "$PKI")" "$ALGO" >/dev/null 2>&1
    elif [[ -z "$host" ]]; then
        timeout 120 "$BIN" certs generate "$name" --kubernetes-dir "$KDIR" --cert-dir "$PKI" --encryption-algorithm "$ALGO"
    else
        timeout 120 "$BIN" certs generate "$name" --kubernetes-dir "$KDIR" --config "$T/$host/kubeadmcfg.yaml"
    fi
}

# --- 2. one etcd CA
check "certs generate etcd-ca" gen etcd-ca
check "etcd CA at certificatesDir/etcd/ca.{crt,key}" test -f "$PKI/etcd/ca.crt" -a -f "$PKI/etcd/ca.key"
CA_SUM="$(sha256sum <"$PKI/etcd/ca.crt")"

# --- 3. per host, in the guide's order
for idx in 2 1 0; do
    HOST=${HOSTS[$idx]}
    for name in etcd-server etcd-peer etcd-healthcheck-client apiserver-etcd-client; do
        check "HOST$idx ($HOST): certs generate $name --config $HOST/kubeadmcfg.yaml" gen "$name" "$HOST"
    done
    check "HOST$idx: certificates written to certificatesDir ($PKI), not KDIR/pki" \
        test -f "$PKI/etcd/server.crt" -a ! -e "$KDIR/pki/etcd/server.crt"
    for base in server peer; do
        check "HOST$idx: etcd/$base.crt covers IP $HOST (-checkip)" bash -c \
            'openssl x509 -in "$1" -noout -checkip "$2" | grep -q "does match"' _ "$PKI/etcd/$base.crt" "$HOST"
        check "HOST$idx: etcd/$base.crt verifies against the shared etcd CA" \
            openssl verify -x509_strict -CAfile "$PKI/etcd/ca.crt" "$PKI/etcd/$base.crt"
    done
    if [[ $idx != 0 ]]; then
        cp -R "$PKI" "$T/$HOST/"
        find "$PKI" -not -name ca.crt -not -name ca.key -type f -delete
    fi
done
check_eq "etcd CA unchanged by the per-host runs" "$CA_SUM" "$(sha256sum <"$PKI/etcd/ca.crt")"
# --- 4. no CA key on the other hosts
find "$T/${HOSTS[2]}" -name ca.key -type f -delete
find "$T/${HOSTS[1]}" -name ca.key -type f -delete

# the guide's file lists
pkidir() { if [[ $1 == 0 ]]; then echo "$PKI"; else echo "$T/${HOSTS[$1]}/pki"; fi; }
WANT_COMMON="apiserver-etcd-client.crt apiserver-etcd-client.key etcd etcd/ca.crt"
WANT_TAIL="etcd/healthcheck-client.crt etcd/healthcheck-client.key etcd/peer.crt etcd/peer.key etcd/server.crt etcd/server.key"
for i in 0 1 2; do
    if [[ $i == 0 ]]; then want="$WANT_COMMON etcd/ca.key $WANT_TAIL"; else want="$WANT_COMMON $WANT_TAIL"; fi
    got="$(cd "$(pkidir $i)" && find . -mindepth 1 | sed 's|^\./||' | sort | paste -sd' ' -)"
    check_eq "HOST$i: pki holds exactly the guide's files" "$want" "$got"
    check "HOST$i: every cert matches its key" all_pairs_match "$(pkidir $i)"
done

# --- 5. three etcd members
PIDS=()
for i in 0 1 2; do
    HOST=${HOSTS[$i]} P="$(pkidir $i)"
    spawn pid "$T/etcd-$i.log" etcd --name "${NAMES[$i]}" --data-dir "$T/data-$i" \
        --listen-client-urls "https://$HOST:$CPORT" --advertise-client-urls "https://$HOST:$CPORT" \
        --listen-peer-urls "https://$HOST:$PPORT" --initial-advertise-peer-urls "https://$HOST:$PPORT" \
        --initial-cluster "${NAMES[0]}=https://${HOSTS[0]}:$PPORT,${NAMES[1]}=https://${HOSTS[1]}:$PPORT,${NAMES[2]}=https://${HOSTS[2]}:$PPORT" \
        --initial-cluster-state new --snapshot-count 10000 \
        --cert-file "$P/etcd/server.crt" --key-file "$P/etcd/server.key" \
        --trusted-ca-file "$P/etcd/ca.crt" --client-cert-auth=true \
        --peer-cert-file "$P/etcd/peer.crt" --peer-key-file "$P/etcd/peer.key" \
        --peer-trusted-ca-file "$P/etcd/ca.crt" --peer-client-cert-auth=true \
        --logger zap --log-outputs stderr
    PIDS+=("$pid")
done
for i in 0 1 2; do
    if wait_port "${HOSTS[$i]}" "$CPORT" 30 "${PIDS[$i]}"; then pass "etcd ${NAMES[$i]} (PID ${PIDS[$i]}) listens on ${HOSTS[$i]}:$CPORT"
    else fail "etcd ${NAMES[$i]} (PID ${PIDS[$i]}) listens on ${HOSTS[$i]}:$CPORT" "$(tail -n 12 "$T/etcd-$i.log")"; fi
done

ENDPOINTS="https://${HOSTS[0]}:$CPORT,https://${HOSTS[1]}:$CPORT,https://${HOSTS[2]}:$CPORT"
ectl() {
    timeout 30 etcdctl --endpoints "$ENDPOINTS" --dial-timeout 3s --command-timeout 8s \
        --cacert "$PKI/etcd/ca.crt" --cert "$PKI/etcd/healthcheck-client.crt" --key "$PKI/etcd/healthcheck-client.key" "$@"
}
ok=0
for _ in $(seq 1 40); do
    if out="$(ectl endpoint health 2>&1)" && [[ "$(grep -c "is healthy" <<<"$out")" == 3 ]]; then ok=1; break; fi
    sleep 0.5
done
if [[ $ok == 1 ]]; then pass "etcdctl endpoint health: all three members healthy (healthcheck-client cert)"; log "$out" | sed 's/^/     /'
else fail "etcdctl endpoint health: all three members healthy" "$out"$'\n'"$(tail -n 6 "$T"/etcd-*.log)"; fi
out="$(ectl member list 2>&1 || true)"
check_eq "etcdctl member list: 3 started members" 3 "$(grep -c ', started, ' <<<"$out" || true)"
log "$out" | sed 's/^/     /'
out="$(ectl endpoint health --cluster 2>&1 || true)"
check_eq "etcdctl endpoint health --cluster: 3 healthy" 3 "$(grep -c 'is healthy' <<<"$out" || true)"

# replication with each host's apiserver-etcd-client: write on infra2, read on infra0
v="ha-$RANDOM"
check "put via ${HOSTS[2]} with HOST2's apiserver-etcd-client" timeout 20 etcdctl --endpoints "https://${HOSTS[2]}:$CPORT" \
    --dial-timeout 3s --cacert "$T/${HOSTS[2]}/pki/etcd/ca.crt" --cert "$T/${HOSTS[2]}/pki/apiserver-etcd-client.crt" \
    --key "$T/${HOSTS[2]}/pki/apiserver-etcd-client.key" put /ha/e2e "$v"
got="$(timeout 20 etcdctl --endpoints "https://${HOSTS[0]}:$CPORT" --dial-timeout 3s --cacert "$PKI/etcd/ca.crt" \
    --cert "$PKI/apiserver-etcd-client.crt" --key "$PKI/apiserver-etcd-client.key" get /ha/e2e --print-value-only 2>&1 || true)"
check_eq "get via ${HOSTS[0]} with HOST0's apiserver-etcd-client returns it" "$v" "$got"

for i in 0 1 2; do stop_pid "${PIDS[$i]}"; done
check "all three etcd processes stopped by PID" bash -c 'for p; do kill -0 "$p" 2>/dev/null && exit 1; done; exit 0' _ "${PIDS[@]}"
finish

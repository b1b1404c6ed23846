#!/usr/bin/env bash
# End-to-end (issue 12): an HA control plane on etcd. A three-member etcd on 127.0.0.1, 127.0.0.2 and 127.0.0.3 (the
# members' certificates made with the seed guide's HA recipe: one etcd CA, a kubeadmcfg.yaml per host), three
# control-plane nodes that share it as their state store, and `clusterpki serve --store etcd://...` on each address.
#
#   1. node 1: `certs generate all --store etcd://` (clusterpki-etcd-client), `init --store etcd:// --upload-certs`
#   2. nodes 2 and 3 join the control plane (through replicas 1 and 2): same state key, own etcd client; then serve
#   3. a token created through replica 1 (kubectl create -f with node 1's admin.conf)
#   4. a `--max-uses 5` token raced by 30 authenticated requests spread over the replicas: exactly 5 succeed
#   5. a `--ttl 10s` token: accepted at once, refused by every replica after it expired; a token every replica has
#      accepted is refused by all three as soon as `token delete` returns
#   6. JOINERS (300) protocol-level joiners round-robin over the replicas + REAL_JOINERS (10) `clusterpki join`
#      processes given all three servers; mid-load replica 2 is killed with -9 and etcd member 3 is stopped:
#      0 failures, distinct serials, every issued certificate in the ledger exactly once, and every CSR that returned
#      a certificate readable through each surviving replica
#   7. `upload-certs` on node 1, `join --control-plane` through replica 3: byte-identical shared files, same state key
#   8. `ca rotate ca --phase prepare` on node 1 is shown by `ca status` on node 3
#   9. nothing under /registry/; `store status` names the endpoints
#
#   scripts/e2e/ha-etcd.sh [CLUSTERPKI_BINARY]     JOINERS=300 REAL_JOINERS=10 KEEP_TMP=1
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_cmd etcd etcdctl openssl python3 curl timeout kubectl
python3 -c 'import cryptography' 2>/dev/null || { fail "python3 cryptography is installed (apt-get install -y python3-cryptography)"; finish; exit 1; }

BIN="${1:-$(clusterpki_bin)}"
[[ -x "$BIN" ]] || { fail "clusterpki binary exists at $BIN"; finish; exit 1; }
JOINERS="${JOINERS:-300}"
REAL_JOINERS="${REAL_JOINERS:-10}"
ALGO=ECDSA-P256
mktemp_dir T clusterpki-ha-etcd
HOSTS=(127.0.0.1 127.0.0.2 127.0.0.3)
NAMES=(infra0 infra1 infra2)
info "binary: $BIN; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- ports free on all three addresses: etcd client, etcd peer, serve
pick_ports() {
    local try c p s h ok
    for try in $(seq 1 50); do
        c="$(free_port 127.0.0.1)" p="$(free_port 127.0.0.1)" s="$(free_port 127.0.0.1)"
        [[ "$c" != "$p" && "$c" != "$s" && "$p" != "$s" ]] || continue
        ok=1
        for h in "${HOSTS[@]}"; do port_free "$h" "$c" && port_free "$h" "$p" && port_free "$h" "$s" || { ok=0; break; }; done
        if [[ $ok == 1 ]]; then CPORT=$c PPORT=$p SPORT=$s; return 0; fi
    done
    return 1
}
pick_ports || { fail "found ports free on 127.0.0.1-3"; finish; exit 1; }
info "etcd client port $CPORT, peer port $PPORT, serve port $SPORT on ${HOSTS[*]}"
STORE="etcd://127.0.0.1:$CPORT,127.0.0.2:$CPORT,127.0.0.3:$CPORT"
SERVERS="127.0.0.1:$SPORT,127.0.0.2:$SPORT,127.0.0.3:$SPORT"
N1="$T/n1" N2="$T/n2" N3="$T/n3"

# --- 1a. node 1's tree, with clusterpki's own client of the stacked etcd
check "node 1: certs generate all --store etcd:// (the tree and clusterpki-etcd-client)" \
    "$BIN" certs generate all --kubernetes-dir "$N1" --node-name cp-1 --apiserver-advertise-address 127.0.0.1 \
    --encryption-algorithm "$ALGO" --store "$STORE"
check "clusterpki-etcd-client verifies against etcd/ca.crt" \
    openssl verify -x509_strict -CAfile "$N1/pki/etcd/ca.crt" "$N1/pki/clusterpki-etcd-client.crt"
check "clusterpki-etcd-client: CN=clusterpki-etcd-client, clientAuth only" bash -c \
    'openssl x509 -in "$1" -noout -subject | grep -q "CN *= *clusterpki-etcd-client" &&
     [[ "$(openssl x509 -in "$1" -noout -ext extendedKeyUsage | tail -n 1 | tr -d " ")" == "TLSWebClientAuthentication" ]]' \
    _ "$N1/pki/clusterpki-etcd-client.crt"

# --- 1b. the etcd members' certificates, per host as the seed guide's recipe makes them (one shared etcd CA)
for i in 0 1 2; do
    HOST=${HOSTS[$i]} D="$T/etcd-$i"
    mkdir -p "$D/pki/etcd"
    cp "$N1/pki/etcd/ca.crt" "$N1/pki/etcd/ca.key" "$D/pki/etcd/"
    cat <<YAML >"$D/kubeadmcfg.yaml"
apiVersion: "kubeadm.k8s.io/v1beta3"
kind: ClusterConfiguration
certificatesDir: "$D/pki"
encryptionAlgorithm: "$ALGO"
etcd:
    local:
        serverCertSANs:
        - "${HOST}"
        peerCertSANs:
        - "${HOST}"
YAML
    check "etcd member $i ($HOST): certs generate etcd-server etcd-peer --config kubeadmcfg.yaml" \
        "$BIN" certs generate etcd-server etcd-peer --kubernetes-dir "$D" --config "$D/kubeadmcfg.yaml"
    rm -f "$D/pki/etcd/ca.key"
done

ETCD_PIDS=()
start_member() {   # start_member INDEX [new|existing]
    local i=$1 HOST=${HOSTS[$1]} D="$T/etcd-$1" pid
    spawn pid "$T/etcd-$i.log" etcd --name "${NAMES[$i]}" --data-dir "$D/data" \
        --listen-client-urls "https://$HOST:$CPORT" --advertise-client-urls "https://$HOST:$CPORT" \
        --listen-peer-urls "https://$HOST:$PPORT" --initial-advertise-peer-urls "https://$HOST:$PPORT" \
        --initial-cluster "${NAMES[0]}=https://${HOSTS[0]}:$PPORT,${NAMES[1]}=https://${HOSTS[1]}:$PPORT,${NAMES[2]}=https://${HOSTS[2]}:$PPORT" \
        --initial-cluster-state "${2:-new}" \
        --cert-file "$D/pki/etcd/server.crt" --key-file "$D/pki/etcd/server.key" \
        --trusted-ca-file "$D/pki/etcd/ca.crt" --client-cert-auth=true \
        --peer-cert-file "$D/pki/etcd/peer.crt" --peer-key-file "$D/pki/etcd/peer.key" \
        --peer-trusted-ca-file "$D/pki/etcd/ca.crt" --peer-client-cert-auth=true \
        --logger zap --log-outputs stderr
    ETCD_PIDS[$i]=$pid
}
for i in 0 1 2; do start_member "$i"; done
ectl() {
    timeout 30 etcdctl --endpoints "https://127.0.0.1:$CPORT,https://127.0.0.2:$CPORT,https://127.0.0.3:$CPORT" \
        --dial-timeout 3s --command-timeout 8s --cacert "$N1/pki/etcd/ca.crt" \
        --cert "$N1/pki/clusterpki-etcd-client.crt" --key "$N1/pki/clusterpki-etcd-client.key" "$@"
}
healthy=0
for _ in $(seq 1 60); do
    if out="$(ectl endpoint health 2>&1)" && [[ "$(grep -c "is healthy" <<<"$out")" == 3 ]]; then healthy=1; break; fi
    sleep 0.5
done
if [[ $healthy == 1 ]]; then pass "three etcd members healthy (etcdctl with clusterpki-etcd-client)"
else fail "three etcd members healthy" "$out"$'\n'"$(tail -n 5 "$T"/etcd-*.log)"; finish; exit 1; fi

# --- 1c. init on the etcd store: kubeconfigs (ledger in etcd), a token, the upload carrying the state key
TOKEN="$("$BIN" token generate)"
KEY="$("$BIN" certs certificate-key)"
check "node 1: init --store etcd:// --upload-certs" \
    "$BIN" init --kubernetes-dir "$N1" --node-name cp-1 --apiserver-advertise-address 127.0.0.1 \
    --encryption-algorithm "$ALGO" --store "$STORE" --token "$TOKEN" --token-ttl 2h --upload-certs --certificate-key "$KEY"
HASH="$("$BIN" certs ca-hash --kubernetes-dir "$N1")"
check_eq "node 1: the state key is 0600" 600 "$(stat -c %a "$N1/pki/clusterpki-state.key")"
KEYS="$(ectl get --prefix /clusterpki/ --keys-only 2>&1 || true)"
check "the token and the upload are under /clusterpki/ in etcd" bash -c \
    'grep -q "^/clusterpki/tokens/${1%%.*}$" <<<"$2" && grep -q "^/clusterpki/uploads/kubeadm-certs$" <<<"$2"' _ "$TOKEN" "$KEYS"

REPLICA_PIDS=()
serve_replica() {   # serve_replica INDEX DIR
    local i=$1 dir=$2 HOST=${HOSTS[$1]} pid
    spawn pid "$T/serve-$i.log" "$BIN" serve --kubernetes-dir "$dir" --store "$STORE" --listen "$HOST:$SPORT" \
        --advertise-url "https://127.0.0.1:$SPORT" --node-name "cp-$((i + 1))" --log-level warning
    REPLICA_PIDS[$i]=$pid
    if wait_port "$HOST" "$SPORT" 90 "$pid"; then pass "replica $((i + 1)) serves on $HOST:$SPORT (store $STORE)"
    else fail "replica $((i + 1)) serves on $HOST:$SPORT" "$(tail -n 20 "$T/serve-$i.log")"; finish; exit 1; fi
}
serve_replica 0 "$N1"

# --- 2. nodes 2 and 3 join the control plane, then serve
join_cp() {   # join_cp NAME DIR ADDRESS SERVERS KEY
    timeout 180 "$BIN" join "$4" --token "$TOKEN" --discovery-token-ca-cert-hash "$HASH" --control-plane \
        --certificate-key "$5" --node-name "$1" --apiserver-advertise-address "$3" --kubernetes-dir "$2" \
        --kubelet-dir "$2-kubelet" --timeout 2m
}
check "node 2: join --control-plane through replica 1" join_cp cp-2 "$N2" 127.0.0.2 "127.0.0.1:$SPORT" "$KEY"
check "node 2: the same state key as node 1" cmp "$N1/pki/clusterpki-state.key" "$N2/pki/clusterpki-state.key"
check "node 2: its own clusterpki-etcd-client" openssl verify -CAfile "$N1/pki/etcd/ca.crt" "$N2/pki/clusterpki-etcd-client.crt"
serve_replica 1 "$N2"
check "node 3: join --control-plane through replica 2" join_cp cp-3 "$N3" 127.0.0.3 "127.0.0.2:$SPORT" "$KEY"
check "node 3: the same state key as node 1" cmp "$N1/pki/clusterpki-state.key" "$N3/pki/clusterpki-state.key"
serve_replica 2 "$N3"

# --- 3. a token created through replica 1, with kubectl and node 1's admin.conf
admin() {   # admin REPLICA-INDEX kubectl-args...
    local host=${HOSTS[$1]}; shift
    KUBECONFIG="$N1/admin.conf" kubectl --cache-dir "$(mktemp -d -p "$T")" --server "https://$host:$SPORT" \
        "$@" </dev/null
}
LOAD_TOKEN="$("$BIN" token generate)"
cat >"$T/load-token.yaml" <<YAML
apiVersion: v1
kind: Secret
metadata:
  name: bootstrap-token-${LOAD_TOKEN%%.*}
  namespace: kube-system
type: bootstrap.kubernetes.io/token
stringData:
  token-id: "${LOAD_TOKEN%%.*}"
  token-secret: "${LOAD_TOKEN#*.}"
  usage-bootstrap-authentication: "true"
  usage-bootstrap-signing: "true"
  auth-extra-groups: system:bootstrappers:kubeadm:default-node-token
YAML
check "kubectl create -f bootstrap-token Secret through replica 1" admin 0 create -f "$T/load-token.yaml"
# csr_list REPLICA-INDEX TOKEN [SOURCE-IP] -> HTTP code of an authenticated request (it consumes one use). Refusals
# count against the client address: the races send from their own 127.0.0.x so that 127.0.0.1 stays unlocked.
csr_list() {
    curl -s -o /dev/null -w '%{http_code}' --max-time 20 --cacert "$N1/pki/ca.crt" --interface "${3:-127.0.0.1}" \
        -H "Authorization: Bearer $2" "https://${HOSTS[$1]}:$SPORT/apis/certificates.k8s.io/v1/certificatesigningrequests"
}
for i in 0 1 2; do check_eq "replica $((i + 1)) accepts the token created through replica 1" 200 "$(csr_list "$i" "$LOAD_TOKEN")"; done

# --- 4. --max-uses 5 raced across the replicas
LIMITED="$("$BIN" token create --kubernetes-dir "$N1" --store "$STORE" --max-uses 5 --ttl 1h --description race)"
mkdir -p "$T/race"
RACE=()
for n in $(seq 0 29); do ({ csr_list $((n % 3)) "$LIMITED" 127.0.0.9; echo; } >"$T/race/$n") & RACE+=($!); done
wait "${RACE[@]}"
ok="$(cat "$T"/race/* | grep -c '^200$' || true)"; refused="$(cat "$T"/race/* | grep -cE '^(401|429)$' || true)"
check_eq "--max-uses 5 token, 30 racing requests over three replicas: exactly 5 accepted" 5 "$ok"
check_eq "... and the other 25 refused (401, or 429 once the failures lock the token id out)" 25 "$refused"

# --- 5. --ttl 10s: refused by every replica once expired
SHORT="$("$BIN" token create --kubernetes-dir "$N1" --store "$STORE" --ttl 10s)"
check_eq "--ttl 10s token accepted by replica 3 at once" 200 "$(csr_list 2 "$SHORT")"
# Meanwhile: a token every replica has just accepted (each may answer from its watched copy) is refused by all three
# as soon as `token delete` has returned.
GONE="$("$BIN" token create --kubernetes-dir "$N1" --store "$STORE" --ttl 1h)"
for round in 1 2 3; do for i in 0 1 2; do
    check_eq "token to delete accepted by replica $((i + 1)) (round $round)" 200 "$(csr_list "$i" "$GONE" 127.0.0.7)"
done; done
check "token delete through node 1" "$BIN" token delete "$GONE" --kubernetes-dir "$N1" --store "$STORE"
for i in 0 1 2; do check_eq "deleted token refused by replica $((i + 1)) once the delete returned" 401 "$(csr_list "$i" "$GONE" 127.0.0.7)"; done
sleep 11
for i in 0 1 2; do check_eq "expired --ttl 10s token refused by replica $((i + 1))" 401 "$(csr_list "$i" "$SHORT" 127.0.0.8)"; done

# --- 6. the load, with a replica killed and an etcd member stopped in the middle
CERTS_DIR="$T/certs"; mkdir -p "$CERTS_DIR" "$T/real"
T0=$SECONDS
python3 "$REPO/scripts/load/joiners.py" --server "$SERVERS" --token "$LOAD_TOKEN" --ca-hash "$HASH" --count "$JOINERS" \
    --out "$CERTS_DIR" --prefix load --timeout 240 >"$T/joiners.json" 2>"$T/joiners.err" &
PY_PID=$!; _PIDS+=("$PY_PID")
REAL_PIDS=()
for ((i = 0; i < REAL_JOINERS; i++)); do
    mkdir -p "$T/real/$i"
    timeout --kill-after=10 300 "$BIN" join "${HOSTS[0]}:$SPORT" "${HOSTS[1]}:$SPORT" "${HOSTS[2]}:$SPORT" --token "$LOAD_TOKEN" \
        --discovery-token-ca-cert-hash "$HASH" --node-name "real-$i" --kubernetes-dir "$T/real/$i/etc" \
        --kubelet-dir "$T/real/$i/kubelet" --timeout 4m >"$T/real/$i/join.log" 2>&1 &
    REAL_PIDS+=($!); _PIDS+=($!)
done
# Once a tenth of the certificates were issued: kill -9 replica 2, stop etcd member 3 (quorum stays).
for _ in $(seq 1 600); do
    [[ "$(find "$CERTS_DIR" -name '*.pem' | wc -l)" -ge $((JOINERS / 10)) ]] && break
    sleep 0.2
done
info "$(find "$CERTS_DIR" -name '*.pem' | wc -l) certificates issued after $((SECONDS - T0))s: kill -9 replica 2, stop etcd member 3"
kill -9 "${REPLICA_PIDS[1]}"
stop_pid "${ETCD_PIDS[2]}"
real_failed=0
for i in "${!REAL_PIDS[@]}"; do
    wait "${REAL_PIDS[$i]}" || { real_failed=$((real_failed + 1)); info "join real-$i failed: $(tail -n 3 "$T/real/$i/join.log" | tr '\n' ' ')"; }
done
py_rc=0; wait "$PY_PID" || py_rc=$?
info "load: $((SECONDS - T0))s; python joiners: $(cat "$T/joiners.json" 2>/dev/null)"
[[ -s "$T/joiners.err" ]] && head -n 10 "$T/joiners.err"
check_eq "$JOINERS protocol-level joiners over three replicas (one killed, one etcd member stopped): exit 0" 0 "$py_rc"
check_eq "$JOINERS joiners: 0 errors" 0 "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["errors"])' "$T/joiners.json" 2>/dev/null || echo "no summary")"
check_eq "$REAL_JOINERS clusterpki join processes given all three servers: 0 failed" 0 "$real_failed"

CERTS=("$CERTS_DIR"/*.pem)
for ((i = 0; i < REAL_JOINERS; i++)); do CERTS+=("$T/real/$i/kubelet/pki/kubelet-client-current.pem"); done
present=0; for c in "${CERTS[@]}"; do [[ -s "$c" ]] && present=$((present + 1)); done
TOTAL=$((JOINERS + REAL_JOINERS))
check_eq "a certificate for every joiner ($JOINERS + $REAL_JOINERS)" "$TOTAL" "$present"
check_eq "openssl verify -CAfile ca.crt accepts every certificate" "$TOTAL" \
    "$(openssl verify -CAfile "$N1/pki/ca.crt" "${CERTS[@]}" 2>/dev/null | grep -c ': OK$' || true)"
python3 - "${CERTS[@]}" >"$T/serials.txt" <<'PY'
import sys
from cryptography import x509
for path in sys.argv[1:]:
    try: print(format(x509.load_pem_x509_certificates(open(path, "rb").read())[0].serial_number, "x"))
    except (OSError, ValueError): pass
PY
sort -o "$T/serials.txt" "$T/serials.txt"
check_eq "all serials distinct" "$TOTAL" "$(sort -u "$T/serials.txt" | wc -l)"

# The ledger (read through node 3, whose etcd member is down): exactly the issued node certificates, once each.
"$BIN" kubeconfig list -o json --kubernetes-dir "$N3" --store "$STORE" >"$T/ledger.json" 2>"$T/ledger.err" || true
python3 - "$T/ledger.json" "$T/serials.txt" >"$T/ledger-check.txt" 2>&1 <<'PY' || true
import json, sys
rows = json.load(open(sys.argv[1]))
rows = rows.get("items", rows) if isinstance(rows, dict) else rows
issued = set(open(sys.argv[2]).read().split())
node_rows = [r for r in rows if str(r.get("commonName", "")).startswith(("system:node:load-", "system:node:real-"))]
serials = [str(r.get("serial", "")).lower().lstrip("0") or "0" for r in node_rows]
print(len(node_rows), len(set(serials)), len(set(serials) & issued), len(issued))
PY
check_eq "ledger: one row per issued joiner certificate, no duplicate, no stranger (rows distinct matched issued)" \
    "$TOTAL $TOTAL $TOTAL $TOTAL" "$(tail -n 1 "$T/ledger-check.txt")"

# Every CSR that returned a certificate, read through each surviving replica.
for i in 0 2; do
    admin "$i" get csr -o json >"$T/csrs-$i.json" 2>"$T/csrs-$i.err" || true
    got="$(python3 - "$T/csrs-$i.json" "$T/serials.txt" <<'PY' 2>&1 || true
import base64, json, sys
from cryptography import x509
issued = set(open(sys.argv[2]).read().split())
found = set()
for item in json.load(open(sys.argv[1])).get("items", []):
    pem = (item.get("status") or {}).get("certificate")
    if pem:
        found.add(format(x509.load_pem_x509_certificates(base64.b64decode(pem))[0].serial_number, "x"))
print(len(issued & found))
PY
)"
    check_eq "replica $((i + 1)) lists every issued CSR with its certificate" "$TOTAL" "$got"
done

# --- 7. upload through node 1, control-plane join through replica 3
KEY2="$("$BIN" certs certificate-key)"
check "node 1: upload-certs --store etcd://" "$BIN" upload-certs --kubernetes-dir "$N1" --store "$STORE" --certificate-key "$KEY2"
N4="$T/n4"
check "node 4: join --control-plane through replica 3 only" join_cp cp-4 "$N4" 127.0.0.4 "127.0.0.3:$SPORT" "$KEY2"
same=1
for f in ca.crt ca.key front-proxy-ca.crt front-proxy-ca.key sa.key sa.pub etcd/ca.crt etcd/ca.key clusterpki-state.key; do
    cmp -s "$N1/pki/$f" "$N4/pki/$f" || { same=0; info "differs: $f"; }
done
check_eq "node 4: shared files and state key byte-identical to node 1's" 1 "$same"

# --- 8. a rotation phase recorded on node 1 is what node 3 sees
check "node 1: ca rotate ca --phase prepare --store etcd://" \
    "$BIN" ca rotate ca --phase prepare --kubernetes-dir "$N1" --store "$STORE"
check "node 3: ca status shows ca prepared" bash -c \
    '"$1" ca status --kubernetes-dir "$2" --store "$3" | grep -q "^ca: phase prepared"' _ "$BIN" "$N3" "$STORE"

# --- 9. co-tenancy and status
check_eq "nothing under /registry/" "" "$(ectl get --prefix /registry/ --keys-only 2>/dev/null | tr -d '\n' || true)"
"$BIN" store status --kubernetes-dir "$N1" --store "$STORE" >"$T/status.txt" 2>&1 || true
check "store status: two members answer, the stopped one is named unreachable" bash -c \
    '[[ "$(grep -c "healthy version=" "$1")" == 2 ]] && grep -q "127.0.0.3:[0-9]*: unreachable" "$1" && grep -q "^counts: tokens=" "$1"' _ "$T/status.txt"
info "$(cat "$T/status.txt")"

for i in 0 2; do stop_pid "${REPLICA_PIDS[$i]}"; done
for i in 0 1; do stop_pid "${ETCD_PIDS[$i]}"; done
finish

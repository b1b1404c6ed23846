#!/usr/bin/env bash
# `clusterpki join` end to end against one `clusterpki serve` on 127.0.0.1: three workers and one extra
# control-plane node join in their own directories (the ledger lists the client certificates the new control-plane
# node minted); a wrong CA hash, an expired token and a wrong certificate key each fail with their own message and
# write nothing.
. "$(dirname "$0")/../lib.sh"
BIN="$(clusterpki_bin)"
mktemp_dir W
K="$W/cp1"
DB="$W/state.db"
out="$("$BIN" init --kubernetes-dir "$K" --db "$DB" --upload-certs --node-name cp1 \
       --apiserver-advertise-address 127.0.0.1 --encryption-algorithm ECDSA-P256)"
TOKEN="$(sed -n 's/^\[bootstrap-token\] Using token: //p' <<<"$out")"
CERT_KEY="$(grep -A1 '^\[upload-certs\] Using certificate key:' <<<"$out" | tail -1)"
HASH="$("$BIN" certs ca-hash --kubernetes-dir "$K")"
PORT="$(free_port)"
spawn SERVER "$W/serve.log" "$BIN" serve --listen "127.0.0.1:$PORT" --kubernetes-dir "$K" --db "$DB" --node-name cp1
check "clusterpki serve listens on 127.0.0.1:$PORT" wait_port 127.0.0.1 "$PORT" 30

join() {  # join NAME extra-args...
    local name="$1"; shift
    "$BIN" join "127.0.0.1:$PORT" --token "$TOKEN" --discovery-token-ca-cert-hash "$HASH" --node-name "$name" \
        --kubernetes-dir "$W/$name/etc" --kubelet-dir "$W/$name/kubelet" --timeout 60s "$@" >"$W/$name.log" 2>&1
}

# Three workers at once.
pids=()
for n in 1 2 3; do join "worker-$n" --node-ip "127.0.0.$((10 + n))" & pids+=($!); done
for i in 0 1 2; do
    n=$((i + 1)); rc=0; wait "${pids[$i]}" || rc=$?
    check_eq "worker-$n joins (exit status)" 0 "$rc"
    pem="$W/worker-$n/kubelet/pki/kubelet-client-current.pem"
    check "worker-$n: kubelet client cert verifies against the cluster CA" openssl verify -CAfile "$K/pki/ca.crt" "$pem"
    check_eq "worker-$n: subject is the node identity" "CN=system:node:worker-$n, O=system:nodes" \
        "$(openssl x509 -in "$pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//; s/,/, /')"
    check "worker-$n: the client key matches the certificate" \
        bash -c "diff <(openssl pkey -in '$pem' -pubout) <(openssl x509 -in '$pem' -pubkey -noout)"
    check_eq "worker-$n: the key file is 0600" 600 "$(stat -c %a "$pem")"
    check "worker-$n: kubectl reads kubelet.conf" kubectl --kubeconfig "$W/worker-$n/etc/kubelet.conf" config view --raw
    check "worker-$n: progress lines are kubeadm-like" grep -q '^\[discovery\] Cluster info signature and contents are valid' "$W/worker-$n.log"
done
serials="$(for n in 1 2 3; do openssl x509 -in "$W/worker-$n/kubelet/pki/kubelet-client-current.pem" -noout -serial; done | sort -u | wc -l)"
check_eq "the three kubelet certificates have distinct serials" 3 "$serials"

# Issue 13: an attacker hammers the published token id from 127.0.0.99 with 2,000 wrong secrets (one curl, keep-alive)
# while a real joiner, from 127.0.0.1, joins: the wrong secrets put the attacker's address in back-off (429), never
# the token; the server logs one line per client, not one per attempt.
ID="${TOKEN%%.*}"
python3 - "$PORT" "$ID" >"$W/attack.curl" <<'PY'
import sys
port, token_id = sys.argv[1], sys.argv[2]
for i in range(2000):
    print(f'url = "https://127.0.0.1:{port}/apis/certificates.k8s.io/v1/certificatesigningrequests"')
    print(f'header = "Authorization: Bearer {token_id}.{i:016x}"')
    print('insecure')
    print('interface = "127.0.0.99"')
    print('output = "/dev/null"')
    print('write-out = "%{http_code}\\n"')
    print('next')
PY
curl -s -K "$W/attack.curl" >"$W/attack.codes" 2>"$W/attack.err" & ATTACK=$!
sleep 1
rc=0; join worker-4 --node-ip 127.0.0.14 || rc=$?
wait "$ATTACK" || true
check_eq "worker-4 joins while the published id is under attack" 0 "$rc"
check_eq "the attacker got 2,000 answers" 2000 "$(wc -l <"$W/attack.codes")"
check_eq "  ... five 401s, then its address is in back-off" 5 "$(grep -c '^401$' "$W/attack.codes")"
check_eq "  ... and 429 for the rest" 1995 "$(grep -c '^429$' "$W/attack.codes")"
check "worker-4: kubelet client cert verifies" openssl verify -CAfile "$K/pki/ca.crt" "$W/worker-4/kubelet/pki/kubelet-client-current.pem"
code="$(curl -sk --interface 127.0.0.98 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    "https://127.0.0.1:$PORT/apis/certificates.k8s.io/v1/certificatesigningrequests")"
check "the right secret still authenticates from a neighbour address (got $code)" test "$code" != 401 -a "$code" != 429
attack_lines="$(grep -c 'client=127.0.0.99' "$W/serve.log" || true)"
# The first failure, the first refusal, and at most one summary a minute.
check "the server logged the attack in at most four lines (not 2,000): $attack_lines" test "$attack_lines" -le 4

# An extra control-plane node.
rc=0; join cp2 --control-plane --certificate-key "$CERT_KEY" --apiserver-advertise-address 127.0.0.2 || rc=$?
check_eq "cp2 joins as a control-plane node" 0 "$rc"
for f in ca.crt ca.key front-proxy-ca.crt front-proxy-ca.key sa.key sa.pub etcd/ca.crt etcd/ca.key; do
    check "cp2: shared $f is byte-identical to cp1's" cmp -s "$K/pki/$f" "$W/cp2/etc/pki/$f"
done
check "cp2: its own apiserver certificate verifies" openssl verify -CAfile "$K/pki/ca.crt" "$W/cp2/etc/pki/apiserver.crt"
check "cp2: its apiserver certificate names its own address" \
    bash -c "openssl x509 -in '$W/cp2/etc/pki/apiserver.crt' -noout -ext subjectAltName | grep -q 'IP Address:127.0.0.2'"
check "cp2: admin.conf was written" test -s "$W/cp2/etc/admin.conf"
check "cp2: kubelet client cert verifies" openssl verify -CAfile "$K/pki/ca.crt" "$W/cp2/kubelet/pki/kubelet-client-current.pem"

# Every client certificate cp2 minted for its kubeconfigs is in cp1's ledger, with the serial of cp2's file.
ledger_lists() {  # ledger_lists SERIAL CLIENT-NAME
    "$BIN" kubeconfig list --db "$DB" --kubernetes-dir "$K" | awk -v s="$1" -v n="$2" '$1 == s && $2 == n { found = 1 } END { exit !found }'
}
for pair in admin.conf=kubernetes-admin controller-manager.conf=system:kube-controller-manager scheduler.conf=system:kube-scheduler; do
    file="${pair%%=*}" name="${pair#*=}"
    serial="$(sed -n 's/^ *client-certificate-data: //p' "$W/cp2/etc/$file" | base64 -d | openssl x509 -noout -serial \
        | sed 's/^serial=//' | tr 'A-F' 'a-f' | sed 's/^0*//')"
    check "cp1's ledger lists cp2's $file certificate ($name, serial ${serial:-none})" ledger_lists "$serial" "$name"
done

# Failures write nothing.
wrong="sha256:$(printf '%064d' 0)"
rc=0; "$BIN" join "127.0.0.1:$PORT" --token "$TOKEN" --discovery-token-ca-cert-hash "$wrong" --node-name bad1 \
    --kubernetes-dir "$W/bad1/etc" --kubelet-dir "$W/bad1/kubelet" --timeout 20s >"$W/bad1.log" 2>&1 || rc=$?
check_eq "a wrong --discovery-token-ca-cert-hash fails" 1 "$rc"
check "  ... saying the CA key is not pinned" grep -q 'none of the public keys' "$W/bad1.log"
check_not "  ... and writes nothing" test -e "$W/bad1"

expired="$("$BIN" token create --ttl 1s --db "$DB" --kubernetes-dir "$K")"
sleep 2
rc=0; "$BIN" join "127.0.0.1:$PORT" --token "$expired" --discovery-token-ca-cert-hash "$HASH" --node-name bad2 \
    --kubernetes-dir "$W/bad2/etc" --kubelet-dir "$W/bad2/kubelet" --timeout 8s >"$W/bad2.log" 2>&1 || rc=$?
check_eq "an expired token fails" 1 "$rc"
check "  ... saying the token is invalid or expired" grep -q 'is invalid for this cluster or it has expired' "$W/bad2.log"
check_not "  ... and writes nothing" test -e "$W/bad2"

rc=0; join bad3 --control-plane --certificate-key "$(printf '%064d' 7)" --apiserver-advertise-address 127.0.0.3 || rc=$?
check_eq "a wrong certificate key fails" 1 "$rc"
check "  ... saying the key does not decrypt" grep -q 'does not decrypt' "$W/bad3.log"
check_eq "  ... and writes nothing" "" "$(find "$W/bad3" -type f 2>/dev/null | head -1)"

check_not "the server log holds no token secret" grep -q "${TOKEN#*.}" "$W/serve.log"
stop_pid "$SERVER"
finish

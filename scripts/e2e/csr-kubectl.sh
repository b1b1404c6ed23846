#!/usr/bin/env bash
# kubectl's CSR verbs against `clusterpki serve` (issue 14 item 7), with the real kubectl: a kubelet-serving CSR that
# names an address not recorded at join stays Pending (policy default, as kubeadm); `kubectl certificate approve`
# (a PUT of the approval subresource, seen at -v=8) gets it signed and audited; `kubectl certificate deny` records
# Denied; `kubectl delete csr` removes one at once; a node cannot approve its own.
#
#   CLUSTERPKI=/path/to/clusterpki scripts/e2e/csr-kubectl.sh        (ends with "N passed, N failed")
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_cmd kubectl openssl python3 sqlite3
BIN="$(clusterpki_bin)"
mktemp_dir W csr-kubectl
K="$W/cp1"
DB="$W/state.db"
PORT="$(free_port)"
URL="https://127.0.0.1:$PORT"
out="$("$BIN" init --kubernetes-dir "$K" --db "$DB" --node-name cp1 --apiserver-advertise-address 127.0.0.1 \
       --encryption-algorithm ECDSA-P256 --serve-listen "127.0.0.1:$PORT" 2>&1)" || { fail "clusterpki init" "$out"; finish; exit 1; }
line="$(sed -n 's/^  clusterpki join //p' <<<"$out" | tail -1)"
spawn SERVER "$W/serve.log" "$BIN" serve --kubernetes-dir "$K" --db "$DB"
check "serve listens" wait_port 127.0.0.1 "$PORT" 30 "$SERVER"
# shellcheck disable=SC2086
check "worker-1 joins (node IP 127.0.0.1 recorded)" bash -c \
    "'$BIN' join $line --node-name worker-1 --node-ip 127.0.0.1 --kubernetes-dir '$W/worker-1/etc' --kubelet-dir '$W/worker-1/kubelet' --timeout 60s >'$W/join.log' 2>&1"

kc() {  # kc KUBECONFIG args...: kubectl against serve with a fresh cache
    KUBECONFIG="$1" kubectl --cache-dir "$(mktemp -d -p "$W")" --server "$URL" --request-timeout 15s "${@:2}" </dev/null
}
ADMIN="$K/admin.conf"
NODE="$W/worker-1/etc/kubelet.conf"
serving_csr() {  # serving_csr NAME IP: a kubelet-serving CSR of worker-1 for IP, created with worker-1's own credential
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/$1.key" -out "$W/$1.csr" \
        -subj "/O=system:nodes/CN=system:node:worker-1" -addext "subjectAltName=DNS:worker-1,IP:$2" 2>/dev/null
    cat >"$W/$1.yaml" <<YAML
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: $1
spec:
  request: $(base64 -w0 "$W/$1.csr")
  signerName: kubernetes.io/kubelet-serving
  usages: [digital signature, server auth]
YAML
    kc "$NODE" create -f "$W/$1.yaml"
}
condition() { kc "$ADMIN" get csr "$1" -o jsonpath='{.status.conditions[*].type}'; }

check "worker-1 creates a serving CSR naming its recorded address" serving_csr serving-own 127.0.0.1
check_eq "  ... approved at once" "Approved" "$(condition serving-own)"
check "worker-1 creates a serving CSR naming an address not recorded at its join" serving_csr serving-extra 10.99.0.1
check_eq "  ... left Pending (no condition) for an admin" "" "$(condition serving-extra)"

check_not "worker-1 cannot approve its own CSR" kc "$NODE" certificate approve serving-extra
check "kubectl certificate approve serving-extra (admin.conf)" bash -c \
    "KUBECONFIG='$ADMIN' kubectl --cache-dir '$(mktemp -d -p "$W")' --server '$URL' -v=8 certificate approve serving-extra </dev/null >'$W/approve.log' 2>&1"
check "  ... kubectl printed it approved" grep -q "certificatesigningrequest.certificates.k8s.io/serving-extra approved" "$W/approve.log"
check "  ... by a PUT of the approval subresource" grep -q "PUT $URL/apis/certificates.k8s.io/v1/certificatesigningrequests/serving-extra/approval" "$W/approve.log"
check_eq "  ... the CSR is Approved" "Approved" "$(condition serving-extra)"
kc "$ADMIN" get csr serving-extra -o jsonpath='{.status.certificate}' | base64 -d >"$W/serving-extra.crt" || true
check "  ... and signed: the certificate verifies against the cluster CA" openssl verify -CAfile "$K/pki/ca.crt" "$W/serving-extra.crt"
check "  ... naming the approved address" bash -c "openssl x509 -in '$W/serving-extra.crt' -noout -ext subjectAltName | grep -q 'IP Address:10.99.0.1'"
check "  ... for the CSR's key" bash -c "diff <(openssl pkey -in '$W/serving-extra.key' -pubout) <(openssl x509 -in '$W/serving-extra.crt' -pubkey -noout)"
serial="$(openssl x509 -in "$W/serving-extra.crt" -noout -serial | sed 's/^serial=//' | tr 'A-F' 'a-f' | sed 's/^0*//')"
check "  ... recorded in the ledger" bash -c "'$BIN' kubeconfig list --db '$DB' | awk '{print \$1}' | grep -qx '$serial'"
check "  ... and audited with the approving admin" bash -c \
    "sqlite3 '$DB' \"select detail from auditEvent where action = 'csr.approve'\" | grep -q 'serving-extra serial=.* approvedBy=kubernetes-admin'"

check "worker-1 creates another unrecorded serving CSR" serving_csr serving-deny 10.99.0.2
check "kubectl certificate deny serving-deny" bash -c "KUBECONFIG='$ADMIN' kubectl --cache-dir '$(mktemp -d -p "$W")' --server '$URL' certificate deny serving-deny </dev/null | grep -q denied"
check_eq "  ... the CSR is Denied" "Denied" "$(condition serving-deny)"
check_eq "  ... and has no certificate" "" "$(kc "$ADMIN" get csr serving-deny -o jsonpath='{.status.certificate}')"
check_not "approving a denied CSR is refused" kc "$ADMIN" certificate approve serving-deny

check "kubectl delete csr serving-deny" bash -c "KUBECONFIG='$ADMIN' kubectl --cache-dir '$(mktemp -d -p "$W")' --server '$URL' delete csr serving-deny </dev/null | grep -q deleted"
err="$(kc "$ADMIN" get csr serving-deny 2>&1)" && rc=0 || rc=$?
check "  ... it is gone (NotFound)" bash -c "[[ $rc -ne 0 ]] && grep -q NotFound <<<'$err'"
check_not "worker-1 cannot delete a CSR" kc "$NODE" delete csr serving-extra --wait=false
stop_pid "$SERVER"
finish

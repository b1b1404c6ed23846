#!/usr/bin/env bash
# End to end: real kubectl against `clusterpki serve` on 127.0.0.1 (issue 5 acceptance, kubectl part).
# Binary: $CLUSTERPKI, default $(swift build --show-bin-path)/clusterpki. Loopback only; the server is stopped by PID.
. "$(dirname "$0")/../lib.sh"
BIN="${1:-$(clusterpki_bin)}"
[ -x "$BIN" ] || { echo "no clusterpki binary at $BIN (build it, or set CLUSTERPKI)"; exit 2; }
mktemp_dir WORK
K="$WORK/kubernetes"
PKI="$K/pki"
DB="$WORK/state.db"

# The tree, kubeconfigs and state made by `clusterpki init`.
"$BIN" init --kubernetes-dir "$K" --db "$DB" --node-name cp-1 --apiserver-advertise-address 127.0.0.1 >"$WORK/init.log" 2>&1 \
    || { cat "$WORK/init.log"; exit 2; }

# A join token before the server starts (shared SQLite store).
TOKEN=$("$BIN" token create --db "$DB" --kubernetes-dir "$K" --description "e2e join token")
TOKEN_ID=${TOKEN%%.*}

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
URL="https://127.0.0.1:$PORT"
spawn SERVER_PID "$WORK/serve.log" "$BIN" serve --listen "127.0.0.1:$PORT" --kubernetes-dir "$K" --db "$DB" --policy kubeadm \
    --node-name cp-1 --log-level info
for _ in $(seq 1 100); do
    curl -s --cacert "$PKI/ca.crt" "$URL/readyz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
check "serve answers /readyz over TLS verified by ca.crt" curl -sf --cacert "$PKI/ca.crt" "$URL/readyz" -o /dev/null

kc() { KUBECONFIG="$WORK/empty.conf" kubectl --cache-dir "$(mktemp -d -p "$WORK")" --server "$URL" --certificate-authority "$PKI/ca.crt" "$@" </dev/null; }
admin() { KUBECONFIG="$K/admin.conf" kubectl --cache-dir "$(mktemp -d -p "$WORK")" --server "$URL" "$@" </dev/null; }
: >"$WORK/empty.conf"

# 1. Anonymous cluster-info with a JWS per signing token that verifies with the token secret.
kc --username anonymous get configmap cluster-info -n kube-public -o yaml >"$WORK/cluster-info.yaml" 2>"$WORK/kubectl.err"
check "kubectl get configmap cluster-info -n kube-public -o yaml (anonymous)" grep -q "jws-kubeconfig-$TOKEN_ID" "$WORK/cluster-info.yaml"
kc --username anonymous get configmap cluster-info -n kube-public -o json >"$WORK/cluster-info.json" 2>>"$WORK/kubectl.err"
jws_ok() {
    python3 - "$WORK/cluster-info.json" "$TOKEN" "$URL" <<'PY'
import base64, hashlib, hmac, json, sys
data = json.load(open(sys.argv[1]))["data"]
token_id, secret = sys.argv[2].split(".")
kubeconfig = data["kubeconfig"]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
header = b64(json.dumps({"alg": "HS256", "kid": token_id}, separators=(",", ":")).encode())
payload = b64(kubeconfig.encode())
sig = b64(hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest())
assert data[f"jws-kubeconfig-{token_id}"] == f"{header}..{sig}", "JWS mismatch"
assert f"server: {sys.argv[3]}\n" in kubeconfig and 'name: ""' in kubeconfig and "users: null" in kubeconfig
PY
}
check "cluster-info JWS verifies with the token secret; kubeconfig has kubeadm's shape" jws_ok

# 2. admin.conf lists the bootstrap tokens.
admin -n kube-system get secrets >"$WORK/secrets.txt" 2>>"$WORK/kubectl.err"
check "kubectl -n kube-system get secrets (admin.conf) lists the join token" grep -q "bootstrap-token-$TOKEN_ID" "$WORK/secrets.txt"
check "anonymous cannot list secrets" bash -c "! KUBECONFIG=$WORK/empty.conf kubectl --cache-dir $(mktemp -d -p "$WORK") --server $URL --certificate-authority $PKI/ca.crt --username anonymous -n kube-system get secrets </dev/null >/dev/null 2>&1"

# 3. kubectl create -f of a bootstrap-token Secret; the token then authenticates.
cat >"$WORK/token-secret.yaml" <<'YAML'
apiVersion: v1
kind: Secret
metadata:
  name: bootstrap-token-07401b
  namespace: kube-system
type: bootstrap.kubernetes.io/token
stringData:
  description: "created with kubectl"
  token-id: 07401b
  token-secret: f395accd246ae52d
  usage-bootstrap-authentication: "true"
  usage-bootstrap-signing: "true"
  auth-extra-groups: system:bootstrappers:kubeadm:default-node-token
YAML
admin create -f "$WORK/token-secret.yaml" >"$WORK/create-secret.txt" 2>>"$WORK/kubectl.err"
check "kubectl create -f bootstrap-token Secret" grep -q "secret/bootstrap-token-07401b created" "$WORK/create-secret.txt"
authenticates() { kc --token 07401b.f395accd246ae52d get csr >/dev/null 2>&1; }
check "the created token authenticates (kubectl get csr with --token)" authenticates
check "the created token appears in token list" bash -c "'$BIN' token list --db '$DB' --kubernetes-dir '$K' | grep -q '^07401b\.'"
check "a wrong token secret is refused" bash -c "! KUBECONFIG=$WORK/empty.conf kubectl --cache-dir $(mktemp -d -p "$WORK") --server $URL --certificate-authority $PKI/ca.crt --token 07401b.0000000000000000 get csr </dev/null >/dev/null 2>&1"

# 4. A bootstrap token creates a kubelet client CSR; the issued certificate verifies against ca.crt.
make_csr() { # make_csr NAME SUBJECT SIGNER FILE
    openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/$1.key" 2>/dev/null
    openssl req -new -key "$WORK/$1.key" -subj "$2" -out "$WORK/$1.csr" 2>/dev/null
    cat >"$4" <<YAML
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: $1
  annotations:
    clusterpki.io/node-ip: 127.0.0.1
spec:
  request: $(base64 -w0 "$WORK/$1.csr")
  signerName: $3
  usages: ["digital signature", "client auth"]
YAML
}
make_csr node-csr-worker-1 "/O=system:nodes/CN=system:node:worker-1" kubernetes.io/kube-apiserver-client-kubelet "$WORK/csr.yaml"
kc --token "$TOKEN" create -f "$WORK/csr.yaml" >"$WORK/create-csr.txt" 2>>"$WORK/kubectl.err"
check "kubectl create -f csr.yaml with the bootstrap token" grep -q "certificatesigningrequest.certificates.k8s.io/node-csr-worker-1 created" "$WORK/create-csr.txt"
issued_verifies() {
    kc --token "$TOKEN" get csr node-csr-worker-1 -o jsonpath='{.status.certificate}' | base64 -d >"$WORK/worker-1.crt" &&
        openssl verify -CAfile "$PKI/ca.crt" "$WORK/worker-1.crt" | grep -q ': OK' &&
        openssl x509 -in "$WORK/worker-1.crt" -noout -subject | grep -q 'CN *= *system:node:worker-1'
}
check "kubectl get csr -o jsonpath status.certificate | openssl verify -CAfile ca.crt" issued_verifies
key_matches() {
    [ "$(openssl x509 -in "$WORK/worker-1.crt" -noout -pubkey)" = "$(openssl pkey -in "$WORK/node-csr-worker-1.key" -pubout)" ]
}
check "the certificate is for the CSR's key" key_matches
check "kubectl get csr lists it (admin)" bash -c "KUBECONFIG=$K/admin.conf kubectl --cache-dir $(mktemp -d -p "$WORK") --server $URL get csr </dev/null | grep -q node-csr-worker-1"

# 5. A system:masters CSR is denied and never signed.
make_csr masters "/O=system:masters/CN=system:node:evil" kubernetes.io/kube-apiserver-client-kubelet "$WORK/masters.yaml"
kc --token "$TOKEN" create -f "$WORK/masters.yaml" >/dev/null 2>>"$WORK/kubectl.err"
denied() {
    [ "$(kc --token "$TOKEN" get csr masters -o jsonpath='{.status.conditions[0].type}')" = Denied ] &&
        [ "$(kc --token "$TOKEN" get csr masters -o jsonpath='{.status.conditions[0].reason}')" = PrivilegedOrganization ] &&
        [ -z "$(kc --token "$TOKEN" get csr masters -o jsonpath='{.status.certificate}')" ]
}
check "a system:masters CSR is Denied (PrivilegedOrganization) without a certificate" denied
make_csr other-signer "/CN=jane" kubernetes.io/kube-apiserver-client "$WORK/other.yaml"
kc --token "$TOKEN" create -f "$WORK/other.yaml" >/dev/null 2>>"$WORK/kubectl.err"
check "a CSR for another signer is Denied" bash -c "[ \"\$(KUBECONFIG=$WORK/empty.conf kubectl --cache-dir $(mktemp -d -p "$WORK") --server $URL --certificate-authority $PKI/ca.crt --token $TOKEN get csr other-signer -o jsonpath='{.status.conditions[0].reason}' </dev/null)\" = SignerNotAllowed ]"
# kubectl --chunk-size pages the CSR list with limit/continue: three one-item pages, every CSR once, in name order.
admin get csr --chunk-size=1 -o name -v=6 >"$WORK/chunked.txt" 2>"$WORK/chunked.err"
check_eq "kubectl get csr --chunk-size=1 lists the three CSRs once each" \
    "$(printf 'certificatesigningrequest.certificates.k8s.io/%s\n' masters node-csr-worker-1 other-signer)" "$(cat "$WORK/chunked.txt")"
check_eq "kubectl get csr --chunk-size=1 reads three pages (limit=1, then continue)" 3 \
    "$(grep -c 'certificatesigningrequests?.*limit=1.* 200 OK' "$WORK/chunked.err")"
check "kubectl follows the continue token" grep -q 'certificatesigningrequests?continue=.*limit=1' "$WORK/chunked.err"

# 6. kubeadm-certs: 404 with the re-upload hint, then an admin upload, then a token download.
no_upload() { grep -q "might have expired" <<<"$(kc --token "$TOKEN" -n kube-system get secret kubeadm-certs 2>&1)"; }
check "kubeadm-certs without an upload: NotFound with kubeadm's hint" no_upload
upload() {
    curl -sf --cacert "$PKI/ca.crt" --cert <(base64 -d <<<"$(grep client-certificate-data "$K/admin.conf" | awk '{print $2}')") \
        --key <(base64 -d <<<"$(grep client-key-data "$K/admin.conf" | awk '{print $2}')") \
        -H 'Content-Type: application/json' -d '{}' "$URL/apis/clusterpki.io/v1alpha1/certificateuploads" >"$WORK/upload.json" &&
        grep -q '"certificateKey"' "$WORK/upload.json"
}
check "admin upload of the shared certificates (POST certificateuploads)" upload
check "the bootstrap token downloads kubeadm-certs" bash -c "KUBECONFIG=$WORK/empty.conf kubectl --cache-dir $(mktemp -d -p "$WORK") --server $URL --certificate-authority $PKI/ca.crt --token $TOKEN -n kube-system get secret kubeadm-certs -o jsonpath='{.data.ca\.key}' </dev/null | grep -q ."

# 7. Delete the kubectl-made token; it stops authenticating.
admin -n kube-system delete secret bootstrap-token-07401b >"$WORK/delete.txt" 2>>"$WORK/kubectl.err"
check "kubectl delete secret bootstrap-token-07401b" grep -q 'secret "bootstrap-token-07401b" deleted' "$WORK/delete.txt"
check "the deleted token is refused" bash -c "! KUBECONFIG=$WORK/empty.conf kubectl --cache-dir $(mktemp -d -p "$WORK") --server $URL --certificate-authority $PKI/ca.crt --token 07401b.f395accd246ae52d get csr </dev/null >/dev/null 2>&1"

# 8. Health and metrics through kubectl --raw; serving certificate and logs.
check "kubectl get --raw /healthz = ok" bash -c "[ \"\$(KUBECONFIG=$K/admin.conf kubectl --cache-dir $(mktemp -d -p "$WORK") --server $URL get --raw /healthz </dev/null)\" = ok ]"
curl -s --cacert "$PKI/ca.crt" "$URL/metrics" >"$WORK/metrics.txt"
check "/metrics counts signed and denied CSRs" bash -c "grep -q '^clusterpki_csrs_signed_total' $WORK/metrics.txt && grep -q '^clusterpki_csrs_denied_total' $WORK/metrics.txt"
check "/metrics has expiry gauges for the tree" grep -q 'clusterpki_certificate_expiry_timestamp_seconds{name="apiserver",ca="ca"}' "$WORK/metrics.txt"
check "serving certificate clusterpki-server.crt verifies against ca.crt" bash -c "openssl verify -CAfile $PKI/ca.crt $PKI/clusterpki-server.crt | grep -q ': OK' && [ \"\$(stat -c %a $PKI/clusterpki-server.key)\" = 600 ]"
check "no token secret in the server log" bash -c "! grep -q -e '${TOKEN#*.}' -e f395accd246ae52d $WORK/serve.log"

# 9. SIGTERM: graceful shutdown, exit 0.
kill -TERM "$SERVER_PID"
rc=0; wait "$SERVER_PID" || rc=$?
check_eq "SIGTERM stops the server gracefully (exit 0)" 0 "$rc"

if [ "$FAILED" -gt 0 ]; then
    echo "--- kubectl stderr"; tail -n 30 "$WORK/kubectl.err"
    echo "--- serve log"; tail -n 30 "$WORK/serve.log"
fi
finish

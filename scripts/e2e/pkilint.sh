#!/usr/bin/env bash
# pkilint (PyPI, lint_pkix_cert: RFC 5280) over every certificate clusterpki issues: `init` (the tree and the
# kubeconfigs' client certificates), `kubeconfig user`, the admin user-kubeconfig route, CSR signing (a joining
# kubelet's client certificate, then its serving certificate) and the server's own certificate; for RSA-2048 and
# ECDSA-P256 under the kubeadm policy, and for the hardened policy. No FATAL, and no ERROR except the three that
# kubeadm's own profile causes (ALLOWED below, each with its reason). Loopback only; servers are stopped by PID.
. "$(dirname "$0")/../lib.sh"
BIN="${1:-$(clusterpki_bin)}"
VENV="${CLUSTERPKI_VENV:-$REPO/.build/venv}"
LINT="$VENV/bin/lint_pkix_cert"
[[ -x "$LINT" ]] || { fail "pkilint is installed in $VENV (scripts/test.sh installs it from PyPI)"; finish; exit 1; }
require_cmd openssl curl python3
mktemp_dir W

# ALLOWED findings, and why each is kubeadm's and not ours to fix (see README "Certificate profile and pkilint"):
#   pkix.invalid_domain_name_syntax             for a single-label DNS SAN only: kubeadm puts the node name,
#                                               `kubernetes`, `localhost` and each CA's own name in SANs; a dotted
#                                               name must still be a valid domain name.
#   pkix.key_usage_value_prohibited_for_ec      keyEncipherment on an EC key: kubeadm's profile sets it whatever the
#                                               key type; allowed for the kubeadm policy only (hardened drops it).
#   pkix.rdn_contains_duplicate_attribute_types several O values in one RDN, as Go's crypto/x509 writes a Name with
#                                               several Organizations (client-go and kubeadm do the same).
unexpected_findings() {  # unexpected_findings CERT ALLOW_EC_KEY_ENCIPHERMENT(0|1): prints what is not allowed
    "$LINT" lint -f JSON "$1" | python3 -c '
import json, re, sys
allow_ec = sys.argv[1] == "1"
for result in json.load(sys.stdin).get("results", []):
    for f in result.get("finding_descriptions", []):
        if f["severity"] not in ("FATAL", "ERROR"):
            continue
        code, message = f["code"], f.get("message") or ""
        name = re.search(r"\"(.*)\"", message)
        if code == "pkix.invalid_domain_name_syntax" and name and re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", name.group(1)):
            continue
        if code == "pkix.key_usage_value_prohibited_for_ec" and allow_ec and message.endswith(": keyEncipherment"):
            continue
        if code == "pkix.rdn_contains_duplicate_attribute_types" and "\"2.5.4.10\"" in message:
            continue
        print(f["severity"], code, "at", result["node_path"] + ":", message)
' "$2"
}
LINTED=0
lint() {  # lint LABEL CERT_FILE ALLOW_EC
    local out
    out="$(unexpected_findings "$2" "$3" 2>&1)" || true
    LINTED=$((LINTED + 1))
    if [[ -z "$out" ]]; then pass "pkilint: $1"; else fail "pkilint: $1" "$out"; fi
}
first_cert() { openssl x509 -in "$1" 2>/dev/null; }

scenario() {  # scenario POLICY ALGORITHM ALLOW_EC
    local policy="$1" alg="$2" allow="$3" d="$W/$1-$2" port token hash f
    mkdir -p "$d"
    local label="$policy/$alg"
    local out
    out="$("$BIN" init --kubernetes-dir "$d/k" --db "$d/state.db" --policy "$policy" --encryption-algorithm "$alg" \
        --node-name cp-1 --apiserver-advertise-address 127.0.0.1 --control-plane-endpoint cp.example.com:6443 2>&1)" \
        || { fail "$label: clusterpki init" "$out"; return; }
    token="$(sed -n 's/^\[bootstrap-token\] Using token: //p' <<<"$out")"
    while IFS= read -r f; do lint "$label init ${f#"$d/k/"}" "$f" "$allow"; done < <(find "$d/k/pki" -name '*.crt' | sort)
    for f in admin super-admin controller-manager scheduler kubelet; do
        kubeconfig_client_cert "$d/k/$f.conf" >"$d/$f.conf.crt"
        lint "$label init $f.conf client certificate" "$d/$f.conf.crt" "$allow"
    done

    "$BIN" kubeconfig user --client-name alice --org dev --org ops --kubernetes-dir "$d/k" --db "$d/state.db" \
        --policy "$policy" >"$d/alice.conf" 2>"$d/alice.err" || { fail "$label: kubeconfig user" "$(cat "$d/alice.err")"; return; }
    kubeconfig_client_cert "$d/alice.conf" >"$d/alice.crt"
    lint "$label kubeconfig user (two O values)" "$d/alice.crt" "$allow"

    port="$(free_port)"
    spawn SERVER "$d/serve.log" "$BIN" serve --listen "127.0.0.1:$port" --kubernetes-dir "$d/k" --db "$d/state.db" \
        --policy "$policy" --node-name cp-1
    wait_port 127.0.0.1 "$port" 60 "$SERVER" || { fail "$label: serve starts" "$(tail -5 "$d/serve.log")"; stop_pid "$SERVER"; return; }
    lint "$label serve clusterpki-server.crt" "$d/k/pki/clusterpki-server.crt" "$allow"

    # The admin route mints a user kubeconfig (client certificate from admin.conf).
    python3 - "$d/k/admin.conf" "$d" <<'PY'
import base64, sys, yaml
user = yaml.safe_load(open(sys.argv[1]))["users"][0]["user"]
open(sys.argv[2] + "/admin.crt", "wb").write(base64.b64decode(user["client-certificate-data"]))
open(sys.argv[2] + "/admin.key", "wb").write(base64.b64decode(user["client-key-data"]))
PY
    curl -sS --fail-with-body --cacert "$d/k/pki/ca.crt" --cert "$d/admin.crt" --key "$d/admin.key" \
        -H 'Content-Type: application/json' -o "$d/route.json" \
        -d '{"apiVersion":"clusterpki.io/v1alpha1","kind":"UserKubeconfig","metadata":{"name":"bob"},"spec":{"groups":["dev","ops"]}}' \
        "https://127.0.0.1:$port/apis/clusterpki.io/v1alpha1/userkubeconfigs" 2>"$d/route.err" \
        || fail "$label: POST userkubeconfigs" "$(cat "$d/route.err" "$d/route.json" 2>/dev/null)"
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"]["kubeconfig"])' "$d/route.json" >"$d/bob.conf" 2>/dev/null
    kubeconfig_client_cert "$d/bob.conf" >"$d/bob.crt" 2>/dev/null
    lint "$label user-kubeconfig route (two O values)" "$d/bob.crt" "$allow"

    # CSR signing: a kubelet joins (client CSR with the bootstrap token), then asks for its serving certificate with it.
    hash="$("$BIN" certs ca-hash --kubernetes-dir "$d/k")"
    "$BIN" join "127.0.0.1:$port" --token "$token" --discovery-token-ca-cert-hash "$hash" --node-name worker-1 \
        --kubernetes-dir "$d/w/etc" --kubelet-dir "$d/w/kubelet" --timeout 60s >"$d/join.log" 2>&1 \
        || fail "$label: join" "$(tail -5 "$d/join.log")"
    local client="$d/w/kubelet/pki/kubelet-client-current.pem"
    first_cert "$client" >"$d/kubelet-client.crt"
    lint "$label CSR signing: kubelet client certificate" "$d/kubelet-client.crt" "$allow"
    if [[ "$alg" == RSA-* ]]; then openssl genrsa -out "$d/serving.key" 2048 2>/dev/null
    else openssl ecparam -name prime256v1 -genkey -noout -out "$d/serving.key"; fi
    openssl req -new -key "$d/serving.key" -subj "/O=system:nodes/CN=system:node:worker-1" \
        -addext "subjectAltName=DNS:worker-1,IP:127.0.0.1" -out "$d/serving.csr" 2>/dev/null
    local usages='"digital signature","server auth"'
    [[ "$alg" == RSA-* ]] && usages='"digital signature","key encipherment","server auth"'
    printf '{"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest","metadata":{"name":"csr-serving-worker-1"},"spec":{"request":"%s","signerName":"kubernetes.io/kubelet-serving","usages":[%s]}}' \
        "$(base64 -w0 "$d/serving.csr")" "$usages" >"$d/serving.json"
    curl -sS --cacert "$d/k/pki/ca.crt" --cert "$client" --key "$client" -H 'Content-Type: application/json' \
        -d @"$d/serving.json" -o "$d/serving-csr.json" "https://127.0.0.1:$port/apis/certificates.k8s.io/v1/certificatesigningrequests"
    python3 -c 'import base64,json,sys; print(base64.b64decode(json.load(open(sys.argv[1]))["status"]["certificate"]).decode())' \
        "$d/serving-csr.json" >"$d/kubelet-serving.crt" 2>/dev/null || fail "$label: kubelet-serving CSR signed" "$(cat "$d/serving-csr.json")"
    lint "$label CSR signing: kubelet serving certificate" "$d/kubelet-serving.crt" "$allow"
    stop_pid "$SERVER"
}

scenario kubeadm RSA-2048 1
scenario kubeadm ECDSA-P256 1
scenario hardened ECDSA-P256 0
info "$LINTED certificates linted with $("$VENV/bin/python" -c 'import importlib.metadata as m; print("pkilint", m.version("pkilint"))')"
finish

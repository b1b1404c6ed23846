#!/usr/bin/env bash
# The kubeadm certificate tree made with the openssl CLI only: the baseline for scripts/bench.sh
# and a fixture for the end-to-end scripts.
#
#   scripts/baseline/openssl-tree.sh OUTDIR [ALGO]      ALGO: RSA-2048 (default) RSA-3072 RSA-4096 ECDSA-P256 ECDSA-P384
#
# Writes OUTDIR/pki/... exactly like `clusterpki certs generate all --kubernetes-dir OUTDIR` with the
# kubeadm policy: ca, apiserver, apiserver-kubelet-client, front-proxy-ca, front-proxy-client,
# etcd/{ca,server,peer,healthcheck-client}, apiserver-etcd-client, sa.{key,pub}.
# Inputs (environment, all optional): NODE_NAME (default: hostname), ADVERTISE_ADDRESS (127.0.0.1),
# SERVICE_IP (10.96.0.1, the first IP of the service CIDR), DNS_DOMAIN (cluster.local),
# CONTROL_PLANE_ENDPOINT (host[:port]), EXTRA_SANS (comma-separated, for apiserver),
# ETCD_SERVER_SANS / ETCD_PEER_SANS (comma-separated), CERTS (space-separated kubeadm names to make,
# default: all of them; CAs not listed must already exist, as with `kubeadm init phase certs NAME`).
#
# Written the way a script author would: for every certificate one openssl process makes the
# key, one the CSR and one signs it (for CAs: one makes the key, one self-signs).
set -euo pipefail

OUT="${1:?usage: openssl-tree.sh OUTDIR [RSA-2048|RSA-3072|RSA-4096|ECDSA-P256|ECDSA-P384]}"
ALGO="${2:-RSA-2048}"
NODE_NAME="${NODE_NAME:-$(hostname)}"
ADVERTISE_ADDRESS="${ADVERTISE_ADDRESS:-127.0.0.1}"
SERVICE_IP="${SERVICE_IP:-10.96.0.1}"
DNS_DOMAIN="${DNS_DOMAIN:-cluster.local}"
CONTROL_PLANE_ENDPOINT="${CONTROL_PLANE_ENDPOINT:-}"
EXTRA_SANS="${EXTRA_SANS:-}"
ETCD_SERVER_SANS="${ETCD_SERVER_SANS:-}"
ETCD_PEER_SANS="${ETCD_PEER_SANS:-}"

DIGEST=sha256
case "$ALGO" in
    RSA-2048|RSA-3072|RSA-4096) BITS="${ALGO#RSA-}" ;;
    ECDSA-P256) CURVE=prime256v1 ;;
    ECDSA-P384) CURVE=secp384r1; DIGEST=sha384 ;;
    *) echo "openssl-tree.sh: unknown algorithm '$ALGO'" >&2; exit 2 ;;
esac

PKI="$OUT/pki"
umask 077                              # keys 0600, directories 0700
mkdir -p "$PKI/etcd"
CNF="$(mktemp "${TMPDIR:-/tmp}/openssl-tree.XXXXXX.cnf")"
trap 'rm -f "$CNF" "$PKI"/*.csr "$PKI"/etcd/*.csr' EXIT

# san_list "DNS or IP entries..." -> "DNS:a,IP:b" (DNS names sorted and de-duplicated like kubeadm)
san_list() {
    local e dns=() ips=()
    for e in "$@"; do
        [[ -z "$e" ]] && continue
        if [[ "$e" =~ ^[0-9.]+$ || "$e" == *:* ]]; then ips+=("IP:$e"); else dns+=("DNS:$e"); fi
    done
    local IFS=,
    local sorted
    sorted="$(printf '%s\n' "${dns[@]}" | sort -u | paste -sd, -)"
    # IPs: first occurrence order
    local seen=" " uniq=() i
    for i in "${ips[@]}"; do [[ "$seen" == *" $i "* ]] || { uniq+=("$i"); seen+="$i "; }; done
    echo "${sorted}${uniq:+,${uniq[*]}}"
}

split() { local IFS=,; local a; read -ra a <<<"$1"; printf '%s\n' "${a[@]}"; }

cp_host="${CONTROL_PLANE_ENDPOINT%:*}"
[[ "$CONTROL_PLANE_ENDPOINT" == \[* ]] && { cp_host="${CONTROL_PLANE_ENDPOINT#[}"; cp_host="${cp_host%%]*}"; }
mapfile -t extra < <(split "$EXTRA_SANS")
mapfile -t etcd_server_extra < <(split "$ETCD_SERVER_SANS")
mapfile -t etcd_peer_extra < <(split "$ETCD_PEER_SANS")

APISERVER_SANS="$(san_list "$NODE_NAME" kubernetes kubernetes.default kubernetes.default.svc \
    "kubernetes.default.svc.$DNS_DOMAIN" "$SERVICE_IP" "$ADVERTISE_ADDRESS" "$cp_host" "${extra[@]}")"
ETCD_SERVER_SAN="$(san_list "$NODE_NAME" localhost "$ADVERTISE_ADDRESS" 127.0.0.1 ::1 "${etcd_server_extra[@]}")"
ETCD_PEER_SAN="$(san_list "$NODE_NAME" localhost "$ADVERTISE_ADDRESS" 127.0.0.1 ::1 "${etcd_peer_extra[@]}")"

LEAF_KU="critical,digitalSignature,keyEncipherment"
cat >"$CNF" <<CNF
[req]
distinguished_name = dn
prompt = no
[dn]
[ca_kubernetes]
keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign
basicConstraints = critical,CA:TRUE
subjectKeyIdentifier = hash
subjectAltName = DNS:kubernetes
[ca_front_proxy]
keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign
basicConstraints = critical,CA:TRUE
subjectKeyIdentifier = hash
subjectAltName = DNS:front-proxy-ca
[ca_etcd]
keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign
basicConstraints = critical,CA:TRUE
subjectKeyIdentifier = hash
subjectAltName = DNS:etcd-ca
[apiserver]
keyUsage = $LEAF_KU
extendedKeyUsage = serverAuth
basicConstraints = critical,CA:FALSE
authorityKeyIdentifier = keyid
subjectAltName = $APISERVER_SANS
[client]
keyUsage = $LEAF_KU
extendedKeyUsage = clientAuth
basicConstraints = critical,CA:FALSE
authorityKeyIdentifier = keyid
[etcd_server]
keyUsage = $LEAF_KU
extendedKeyUsage = serverAuth,clientAuth
basicConstraints = critical,CA:FALSE
authorityKeyIdentifier = keyid
subjectAltName = $ETCD_SERVER_SAN
[etcd_peer]
keyUsage = $LEAF_KU
extendedKeyUsage = serverAuth,clientAuth
basicConstraints = critical,CA:FALSE
authorityKeyIdentifier = keyid
subjectAltName = $ETCD_PEER_SAN
CNF

genkey() {   # genkey FILE  -> RSA PKCS#1 "RSA PRIVATE KEY" or SEC1 "EC PRIVATE KEY"
    if [[ -n "${BITS:-}" ]]; then
        openssl genrsa -traditional -out "$1" "$BITS" 2>/dev/null
    else
        openssl ecparam -name "$CURVE" -genkey -noout -out "$1"
    fi
}

ca() {       # ca BASE SUBJECT SECTION
    echo "[certs] Generating \"$1\" certificate and key"
    genkey "$PKI/$1.key"
    openssl req -x509 -new -key "$PKI/$1.key" -subj "$2" -days 3650 "-$DIGEST" \
        -config "$CNF" -extensions "$3" -out "$PKI/$1.crt"
    chmod 0644 "$PKI/$1.crt"
}

leaf() {     # leaf BASE CA_BASE SUBJECT SECTION
    echo "[certs] Generating \"$1\" certificate and key"
    genkey "$PKI/$1.key"
    openssl req -new -key "$PKI/$1.key" -subj "$3" -config "$CNF" -out "$PKI/$1.csr"
    openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/$2.crt" -CAkey "$PKI/$2.key" -days 365 "-$DIGEST" \
        -extfile "$CNF" -extensions "$4" -out "$PKI/$1.crt" 2>/dev/null
    rm -f "$PKI/$1.csr"
    chmod 0644 "$PKI/$1.crt"
}

CERTS=" ${CERTS:-ca apiserver apiserver-kubelet-client front-proxy-ca front-proxy-client etcd-ca etcd-server etcd-peer etcd-healthcheck-client apiserver-etcd-client sa} "
want() { [[ "$CERTS" == *" $1 "* ]]; }

want ca                       && ca   ca                        "/CN=kubernetes"                   ca_kubernetes
want apiserver                && leaf apiserver                ca "/CN=kube-apiserver"            apiserver
want apiserver-kubelet-client && leaf apiserver-kubelet-client ca "/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client" client
want front-proxy-ca           && ca   front-proxy-ca            "/CN=front-proxy-ca"               ca_front_proxy
want front-proxy-client       && leaf front-proxy-client front-proxy-ca "/CN=front-proxy-client"  client
want etcd-ca                  && ca   etcd/ca                   "/CN=etcd-ca"                      ca_etcd
want etcd-server              && leaf etcd/server        etcd/ca "/CN=$NODE_NAME"                 etcd_server
want etcd-peer                && leaf etcd/peer          etcd/ca "/CN=$NODE_NAME"                 etcd_peer
want etcd-healthcheck-client  && leaf etcd/healthcheck-client etcd/ca "/CN=kube-etcd-healthcheck-client" client
want apiserver-etcd-client    && leaf apiserver-etcd-client etcd/ca "/CN=kube-apiserver-etcd-client" client
if want sa; then
    echo '[certs] Generating "sa" key and public key'
    genkey "$PKI/sa.key"
    openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
fi

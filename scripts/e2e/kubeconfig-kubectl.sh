#!/usr/bin/env bash
# End-to-end check of `clusterpki init`/`kubeconfig`/`certs renew` against real peers: kubectl reads every
# generated kubeconfig, each embedded client certificate completes an mTLS handshake with `openssl s_server`
# (and one from another CA does not), check-expiration lists the kubeconfig rows, renewal keeps the file's bytes.
# Usage: scripts/e2e/kubeconfig-kubectl.sh   (CLUSTERPKI=/path/to/clusterpki to test another binary)
. "$(dirname "$0")/../lib.sh"
CLUSTERPKI="${1:-$(clusterpki_bin)}"
export CLUSTERPKI_POLICY_DIR=${CLUSTERPKI_POLICY_DIR:-$REPO/policies}

mktemp_dir work
# The output of the last check, for the checks that grep it.
LAST_LOG="$work/last.log"
refute() { check_not "$@"; }

kubectl_() { kubectl --cache-dir "$work/kcache" "$@" </dev/null; }
k8s=$work/kubernetes
other=$work/other
db=$work/state.db
flags=(--node-name node-1 --apiserver-advertise-address 127.0.0.1 --encryption-algorithm ECDSA-P256)

# --- init -------------------------------------------------------------------------------------------------------
check "clusterpki init writes the tree and the kubeconfigs" "$CLUSTERPKI" init --kubernetes-dir "$k8s" --db "$db" "${flags[@]}"
cp "$work/last.log" "$work/init.log"
check "init prints kubeadm's kubeconfig lines" grep -qx '\[kubeconfig\] Writing "admin.conf" kubeconfig file' "$work/init.log"
check "init prints how to use admin.conf" grep -q "export KUBECONFIG=$k8s/admin.conf" "$work/init.log"
check "a second cluster (another CA) for the negative test" "$CLUSTERPKI" init --kubernetes-dir "$other" --db "$work/other.db" "${flags[@]}"

declare -A user_of=(
    [admin.conf]=kubernetes-admin [super-admin.conf]=kubernetes-super-admin [kubelet.conf]=system:node:node-1
    [controller-manager.conf]=system:kube-controller-manager [scheduler.conf]=system:kube-scheduler)
files=(admin.conf super-admin.conf kubelet.conf controller-manager.conf scheduler.conf)

for f in "${files[@]}"; do
    check "$f is mode 0600" test "$(stat -c %a "$k8s/$f")" = 600
    check "kubectl config view --raw accepts $f" kubectl_ --kubeconfig "$k8s/$f" config view --raw
    ctx=$(kubectl_ --kubeconfig "$k8s/$f" config get-contexts -o name 2>/dev/null || true)
    check "kubectl config get-contexts shows ${user_of[$f]}@kubernetes for $f" test "$ctx" = "${user_of[$f]}@kubernetes"
done
check "kubectl config get-contexts lists kubernetes-admin@kubernetes as current" \
    bash -c "kubectl --cache-dir '$work/kcache' --kubeconfig '$k8s/admin.conf' config get-contexts </dev/null | grep -E '^\*[[:space:]]+kubernetes-admin@kubernetes[[:space:]]+kubernetes[[:space:]]+kubernetes-admin'"

# --- mTLS against openssl s_server --------------------------------------------------------------------------------
extract() {  # extract KUBECONFIG PREFIX: writes PREFIX.crt and PREFIX.key from the current user
    kubectl_ --kubeconfig "$1" config view --raw --minify -o jsonpath='{.users[0].user.client-certificate-data}' | base64 -d >"$2.crt"
    kubectl_ --kubeconfig "$1" config view --raw --minify -o jsonpath='{.users[0].user.client-key-data}' | base64 -d >"$2.key"
}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
spawn S_SERVER "$work/s_server.log" openssl s_server -accept "127.0.0.1:$port" -Verify 1 -verify_return_error \
    -CAfile "$k8s/pki/ca.crt" -cert "$k8s/pki/apiserver.crt" -key "$k8s/pki/apiserver.key" -www
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
handshake() {  # handshake PREFIX: an HTTPS request with that client certificate
    curl -sS --fail --max-time 10 --cacert "$k8s/pki/ca.crt" --cert "$1.crt" --key "$1.key" "https://127.0.0.1:$port/" -o "$1.out"
}
for f in "${files[@]}"; do
    extract "$k8s/$f" "$work/${f%.conf}"
    check "mTLS handshake with the client certificate of $f" handshake "$work/${f%.conf}"
done
extract "$other/admin.conf" "$work/foreign"
refute "mTLS handshake fails for a client certificate of another CA" handshake "$work/foreign"
check "the server rejected it as an unknown CA" grep -qi "unknown ca" "$work/last.log"

# --- kubeconfig user and the ledger ---------------------------------------------------------------------------------
user=(--kubernetes-dir "$k8s" "${flags[@]}" --db "$db")
check "kubeconfig user mints a credential for alice" bash -c "'$CLUSTERPKI' kubeconfig user --client-name alice --org dev ${user[*]} >'$work/alice.conf'"
check "kubectl accepts alice's kubeconfig" kubectl_ --kubeconfig "$work/alice.conf" config view --raw
extract "$work/alice.conf" "$work/alice"
check "alice's certificate completes the mTLS handshake" handshake "$work/alice"
check "alice's certificate is valid for the policy default (24h)" \
    bash -c "openssl x509 -in '$work/alice.crt' -noout -checkend 86000 && ! openssl x509 -in '$work/alice.crt' -noout -checkend 86500"
refute "system:masters is refused without --allow-superuser" "$CLUSTERPKI" kubeconfig user --client-name mallory --org system:masters "${user[@]}"
refute "a validity above the policy maximum is refused" "$CLUSTERPKI" kubeconfig user --client-name bob --validity-period 9000h "${user[@]}"
refute "an empty client name is refused" "$CLUSTERPKI" kubeconfig user --client-name "" "${user[@]}"
check "kubeconfig list shows alice" bash -c "'$CLUSTERPKI' kubeconfig list --kubernetes-dir '$k8s' --db '$db' | grep -q ' alice '"
serial=$(openssl x509 -in "$work/alice.crt" -noout -serial | cut -d= -f2)
check "kubeconfig list -o json carries the serial" bash -c "'$CLUSTERPKI' kubeconfig list -o json --kubernetes-dir '$k8s' --db '$db' | grep -qi '\"serial\" : \"${serial#0}\"'"

# A super-admin credential recorded in the ledger, then revoked: certs renew must refuse it.
cp "$k8s/super-admin.conf" "$work/super-admin.generated"
check "kubeconfig user --allow-superuser mints a system:masters credential" \
    bash -c "'$CLUSTERPKI' kubeconfig user --client-name kubernetes-super-admin --org system:masters --allow-superuser ${user[*]} >'$k8s/super-admin.conf'"
extract "$k8s/super-admin.conf" "$work/super"
super_serial=$(openssl x509 -in "$work/super.crt" -noout -serial | cut -d= -f2)
check "kubeconfig revoke SERIAL" "$CLUSTERPKI" kubeconfig revoke "$super_serial" --kubernetes-dir "$k8s" --db "$db"
cp "$k8s/super-admin.conf" "$work/super-admin.before"
check "certs renew runs" bash -c "'$CLUSTERPKI' certs renew super-admin.conf --kubernetes-dir '$k8s' --db '$db' >'$work/renew-super.log'"
check "certs renew refuses the revoked credential" grep -q "super-admin.conf was not renewed: .*revoked" "$work/renew-super.log"
check "the revoked credential's file is unchanged" cmp "$work/super-admin.before" "$k8s/super-admin.conf"
check "kubeconfig revoke --client-name" "$CLUSTERPKI" kubeconfig revoke --client-name alice --kubernetes-dir "$k8s" --db "$db"
check "kubeconfig list shows both revoked" bash -c "[ \$('$CLUSTERPKI' kubeconfig list --kubernetes-dir '$k8s' --db '$db' | grep -c revoked) = 2 ]"
cp "$work/super-admin.generated" "$k8s/super-admin.conf"

# --- check-expiration and renew ----------------------------------------------------------------------------------
check "certs check-expiration runs" bash -c "'$CLUSTERPKI' certs check-expiration --kubernetes-dir '$k8s' >'$work/expiration.txt'"
for f in admin.conf super-admin.conf controller-manager.conf scheduler.conf; do
    check "check-expiration lists $f with CA ca" grep -Eq "^$f +[A-Z][a-z]{2} [0-9]{2}, [0-9]{4} [0-9:]{5} UTC +(364|365)d +ca +no" "$work/expiration.txt"
done
refute "check-expiration does not list kubelet.conf" grep -q "^kubelet.conf" "$work/expiration.txt"

printf '# edited by hand: renewal must keep this line\n' | cat - "$k8s/admin.conf" >"$work/admin.tmp" && cat "$work/admin.tmp" >"$k8s/admin.conf"
cp "$k8s/admin.conf" "$work/admin.before"
check "certs renew admin.conf" bash -c "'$CLUSTERPKI' certs renew admin.conf --kubernetes-dir '$k8s' --db '$db' >'$work/renew.log'"
check "renew prints kubeadm's line" grep -q "for the admin to use and for kubeadm itself renewed" "$work/renew.log"
strip() { grep -Ev '^ +(client-certificate-data|client-key-data|certificate-authority-data): ' "$1"; }
check "renew changes the embedded client certificate" bash -c "! diff <(grep client-certificate-data '$work/admin.before') <(grep client-certificate-data '$k8s/admin.conf') >/dev/null"
check "renew keeps every other byte of admin.conf" cmp <(strip "$work/admin.before") <(strip "$k8s/admin.conf")
check "renew keeps the line count of admin.conf" test "$(wc -l <"$work/admin.before")" = "$(wc -l <"$k8s/admin.conf")"
check "admin.conf stays mode 0600" test "$(stat -c %a "$k8s/admin.conf")" = 600
extract "$k8s/admin.conf" "$work/admin-renewed"
check "the renewed certificate completes the mTLS handshake" handshake "$work/admin-renewed"
check "kubectl accepts the renewed admin.conf" kubectl_ --kubeconfig "$k8s/admin.conf" config view --raw

# --- bad input ---------------------------------------------------------------------------------------------------
echo 'clusters: [unclosed' >"$k8s/scheduler.conf"
refute "kubeconfig generate refuses an existing file that is not YAML" "$CLUSTERPKI" kubeconfig generate all --kubernetes-dir "$k8s" "${flags[@]}"
check "the error names the file" grep -q "scheduler.conf is not valid YAML" "$work/last.log"
cp "$other/admin.conf" "$k8s/controller-manager.conf"
refute "kubeconfig generate refuses a file signed by another CA" "$CLUSTERPKI" kubeconfig generate controller-manager --kubernetes-dir "$k8s" "${flags[@]}"
check "the error says wrong CA" grep -q "has got the wrong CA cert" "$work/last.log"
mkdir -p "$work/ext" && cp -r "$k8s/pki" "$work/ext/" && rm "$work/ext/pki/ca.key"
refute "an external CA cannot mint kubeconfigs" "$CLUSTERPKI" kubeconfig generate all --kubernetes-dir "$work/ext" "${flags[@]}"
check "the error says so" grep -q "cannot be minted here" "$work/last.log"
check "nothing was written for the external CA" test ! -e "$work/ext/admin.conf"
finish

#!/usr/bin/env bash
# End-to-end: clusterpki's certificate tree, checked with the openssl CLI, for every key algorithm
# and both policies; then the bad-input cases ("Bad input gets a clear error and changes nothing").
#
#   CLUSTERPKI=/path/to/clusterpki scripts/e2e/openssl-verify.sh        (default: the debug build)
#   ALGOS="RSA-2048 ECDSA-P256" scripts/e2e/openssl-verify.sh            (subset)
#   SKIP_BAD_INPUT=1 / ONLY_BAD_INPUT=1                                  (halves)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_cmd openssl python3 sha256sum setpriv

BIN="$(clusterpki_bin)"
[[ -x "$BIN" ]] || { fail "clusterpki binary exists at $BIN (build it: swift build)"; finish; exit 1; }
info "clusterpki: $BIN"
ALGOS="${ALGOS:-RSA-2048 RSA-3072 RSA-4096 ECDSA-P256 ECDSA-P384}"
KUBEADM_POLICY="$REPO/policies/kubeadm.yaml"
HARDENED_POLICY="$REPO/policies/hardened.yaml"

NODE=node-e2e
ADV=192.0.2.10                     # TEST-NET-1: only ever written into certificates
CPE=cp.e2e.example:6443
EXTRA_SANS="extra.e2e.example,*.wild.e2e.example,192.0.2.20,2001:db8::20"
mktemp_dir T clusterpki-opensslverify

# run_cp NAME args... : run clusterpki with stdout/stderr in $T/NAME.{out,err}; sets RC
run_cp() {
    local name="$1"; shift
    RC=0
    timeout 300 "$BIN" "$@" >"$T/$name.out" 2>"$T/$name.err" || RC=$?
}

gen_flags=(--node-name "$NODE" --apiserver-advertise-address "$ADV" --control-plane-endpoint "$CPE"
           --apiserver-cert-extra-sans "$EXTRA_SANS")

# name|base|ca base|CN|O (comma list)|EKU text|SAN kind
LEAVES=(
  "apiserver|apiserver|ca|kube-apiserver||TLS Web Server Authentication|apiserver"
  "apiserver-kubelet-client|apiserver-kubelet-client|ca|kube-apiserver-kubelet-client|kubeadm:cluster-admins|TLS Web Client Authentication|none"
  "front-proxy-client|front-proxy-client|front-proxy-ca|front-proxy-client||TLS Web Client Authentication|none"
  "etcd-server|etcd/server|etcd/ca|$NODE||TLS Web Server Authentication, TLS Web Client Authentication|etcd"
  "etcd-peer|etcd/peer|etcd/ca|$NODE||TLS Web Server Authentication, TLS Web Client Authentication|etcd"
  "etcd-healthcheck-client|etcd/healthcheck-client|etcd/ca|kube-etcd-healthcheck-client||TLS Web Client Authentication|none"
  "apiserver-etcd-client|apiserver-etcd-client|etcd/ca|kube-apiserver-etcd-client||TLS Web Client Authentication|none"
)
CAS=("ca|ca|kubernetes" "front-proxy-ca|front-proxy-ca|front-proxy-ca" "etcd-ca|etcd/ca|etcd-ca")
EXPECTED_FILES="apiserver-etcd-client.crt apiserver-etcd-client.key apiserver-kubelet-client.crt apiserver-kubelet-client.key apiserver.crt apiserver.key ca.crt ca.key etcd etcd/ca.crt etcd/ca.key etcd/healthcheck-client.crt etcd/healthcheck-client.key etcd/peer.crt etcd/peer.key etcd/server.crt etcd/server.key front-proxy-ca.crt front-proxy-ca.key front-proxy-client.crt front-proxy-client.key sa.key sa.pub"

# verify_tree KDIR ALGO POLICY(kubeadm|hardened) LABEL
verify_tree() {
    local kd="$1" algo="$2" policy="$3" L="$4" pki="$1/pki"
    local files
    files="$(cd "$pki" && find . -mindepth 1 | sed 's|^\./||' | sort | paste -sd' ' -)"
    check_eq "$L: exactly kubeadm's files in pki/" "$EXPECTED_FILES" "$files"
    check_eq "$L: pki/ mode 0700" 700 "$(file_mode "$pki")"
    check_eq "$L: pki/etcd/ mode 0700" 700 "$(file_mode "$pki/etcd")"

    local keyhdr sigalg pubdesc
    case "$algo" in
        RSA-*) keyhdr="RSA PRIVATE KEY"; sigalg=sha256WithRSAEncryption; pubdesc="rsaEncryption ${algo#RSA-}" ;;
        ECDSA-P256) keyhdr="EC PRIVATE KEY"; sigalg=ecdsa-with-SHA256; pubdesc="id-ecPublicKey P-256" ;;
        ECDSA-P384) keyhdr="EC PRIVATE KEY"; sigalg=ecdsa-with-SHA384; pubdesc="id-ecPublicKey P-384" ;;
    esac
    local leaf_ku="critical|Digital Signature, Key Encipherment"
    local ca_ku="critical|Digital Signature, Key Encipherment, Certificate Sign"
    if [[ "$policy" == hardened && "$algo" == ECDSA-* ]]; then
        leaf_ku="critical|Digital Signature"
    fi

    # --- CAs
    local e name base cn crt key
    for e in "${CAS[@]}"; do
        IFS='|' read -r name base cn <<<"$e"
        crt="$pki/$base.crt" key="$pki/$base.key"
        check "$L: $name self-signed, verifies -x509_strict" openssl verify -x509_strict -CAfile "$crt" "$crt"
        check_eq "$L: $name subject CN" "$cn" "$(subject_field "$crt" CN | paste -sd, -)"
        check_eq "$L: $name subject has no O" "" "$(subject_field "$crt" O | paste -sd, -)"
        check_eq "$L: $name basicConstraints critical CA:TRUE" "critical|CA:TRUE" "$(ext_text "$crt" basicConstraints)"
        local ku; ku="$(ext_text "$crt" keyUsage)"
        if [[ "$policy" == kubeadm ]]; then
            check_eq "$L: $name keyUsage (kubeadm: dS, kE, keyCertSign)" "$ca_ku" "$ku"
        else
            check "$L: $name keyUsage critical with keyCertSign" grep -Eq '^critical\|.*Certificate Sign' <<<"$ku"
            [[ "$algo" == ECDSA-* ]] && check_not "$L: $name has no keyEncipherment (ECDSA, hardened)" grep -q 'Key Encipherment' <<<"$ku"
        fi
        check_eq "$L: $name has no extendedKeyUsage" "" "$(ext_text "$crt" extendedKeyUsage)"
        check_eq "$L: $name SAN = DNS:$cn" "DNS:$cn" "$(san_norm "$crt")"
        check "$L: $name valid for > 9 years" openssl x509 -in "$crt" -noout -checkend $((9 * 365 * 86400))
        check_not "$L: $name not valid for > 10 years + 2 days" openssl x509 -in "$crt" -noout -checkend $((3652 * 86400))
        check_common "$L: $name" "$crt" "$key" "$keyhdr" "$sigalg" "$pubdesc"
    done

    # --- leaves
    local eku o sankind ca_crt want_san want_o
    for e in "${LEAVES[@]}"; do
        IFS='|' read -r name base cabase cn o eku sankind <<<"$e"
        crt="$pki/$base.crt" key="$pki/$base.key" ca_crt="$pki/$cabase.crt"
        check "$L: $name verifies -x509_strict against $cabase.crt" \
            openssl verify -x509_strict -CAfile "$ca_crt" "$crt"
        [[ "$policy" == hardened && "$name" == apiserver-kubelet-client ]] && o=""
        check_eq "$L: $name subject CN" "$cn" "$(subject_field "$crt" CN | paste -sd, -)"
        check_eq "$L: $name subject O" "$o" "$(subject_field "$crt" O | paste -sd, -)"
        case "$sankind" in
            apiserver) want_san="$(expected_sans "$NODE" kubernetes kubernetes.default kubernetes.default.svc \
                            kubernetes.default.svc.cluster.local 10.96.0.1 "$ADV" "${CPE%:*}" ${EXTRA_SANS//,/ })" ;;
            etcd) want_san="$(expected_sans "$NODE" localhost "$ADV" 127.0.0.1 ::1)" ;;
            none) want_san="" ;;
        esac
        check_eq "$L: $name SANs exact" "$want_san" "$(san_norm "$crt")"
        check_eq "$L: $name keyUsage" "$leaf_ku" "$(ext_text "$crt" keyUsage)"
        check_eq "$L: $name extendedKeyUsage exact" "|$eku" "$(ext_text "$crt" extendedKeyUsage)"
        check_eq "$L: $name basicConstraints CA:FALSE" "CA:FALSE" "$(ext_text "$crt" basicConstraints | cut -d'|' -f2)"
        check "$L: $name valid for 1 more day (-checkend 86400)" openssl x509 -in "$crt" -noout -checkend 86400
        check_not "$L: $name expires within 366 days (-checkend 366d)" openssl x509 -in "$crt" -noout -checkend $((366 * 86400))
        if [[ "$policy" == hardened ]]; then
            check "$L: $name valid for 89 days" openssl x509 -in "$crt" -noout -checkend $((89 * 86400))
            check_not "$L: $name expires within 91 days (hardened 90-day leaves)" openssl x509 -in "$crt" -noout -checkend $((91 * 86400))
        else
            check "$L: $name valid for 364 days (1-year leaves)" openssl x509 -in "$crt" -noout -checkend $((364 * 86400))
        fi
        local le ce
        le="$(enddate_epoch "$crt")" ce="$(enddate_epoch "$ca_crt")"
        check "$L: $name NotAfter ($le) <= CA NotAfter ($ce)" test "$le" -le "$ce"
        check_common "$L: $name" "$crt" "$key" "$keyhdr" "$sigalg" "$pubdesc"
    done

    # --- service-account key pair
    check_eq "$L: sa.key PEM type" "$keyhdr" "$(pem_types "$pki/sa.key")"
    check_eq "$L: sa.key mode 0600" 600 "$(file_mode "$pki/sa.key")"
    check_eq "$L: sa.pub PEM type" "PUBLIC KEY" "$(pem_types "$pki/sa.pub")"
    check "$L: sa.pub is sa.key's public key" test \
        "$(openssl pkey -in "$pki/sa.key" -pubout -outform DER | sha256sum)" = \
        "$(openssl pkey -pubin -in "$pki/sa.pub" -outform DER | sha256sum)"
    check "$L: sa.pub not group/world writable" test "$(( 0$(file_mode "$pki/sa.pub") & 022 ))" -eq 0

    # --- ca-hash
    local want got
    want="sha256:$(openssl x509 -pubkey -noout -in "$pki/ca.crt" | openssl pkey -pubin -outform der | sha256sum | cut -c1-64)"
    run_cp "cahash-$algo-$policy" certs ca-hash --cert "$pki/ca.crt"
    got="$(tr -d '[:space:]' <"$T/cahash-$algo-$policy.out")"
    check_eq "$L: ca-hash = sha256 of ca.crt's SubjectPublicKeyInfo (exit $RC)" "$want" "$got"
}

# check_common LABEL CRT KEY KEYHDR SIGALG PUBDESC: checks shared by CAs and leaves
check_common() {
    local L="$1" crt="$2" key="$3" keyhdr="$4" sigalg="$5" pubdesc="$6" text
    check_eq "$L: cert PEM type" "CERTIFICATE" "$(pem_types "$crt")"
    check_eq "$L: key PEM type" "$keyhdr" "$(pem_types "$key")"
    check "$L: key matches cert (pkey -pubout vs x509 -pubkey)" pubkey_match "$crt" "$key"
    check_eq "$L: key mode 0600" 600 "$(file_mode "$key")"
    check_eq "$L: cert mode 0644" 644 "$(file_mode "$crt")"
    check "$L: serial positive, <= 20 octets" serial_ok "$crt"
    text="$(openssl x509 -in "$crt" -noout -text)"
    check_eq "$L: signature algorithm" "$sigalg" "$(sed -n 's/^ *Signature Algorithm: //p' <<<"$text" | head -1)"
    local alg bits
    alg="$(sed -n 's/^ *Public Key Algorithm: //p' <<<"$text")"
    case "$alg" in
        rsaEncryption) bits="$(sed -n 's/^ *Public-Key: (\([0-9]*\) bit)/\1/p' <<<"$text")" ;;
        id-ecPublicKey) bits="$(sed -n 's/^ *NIST CURVE: //p' <<<"$text")" ;;
        *) bits="?" ;;
    esac
    check_eq "$L: public key algorithm" "$pubdesc" "$alg $bits"
    check_eq "$L: X.509 v3" "3 (0x2)" "$(sed -n 's/^ *Version: //p' <<<"$text")"
}

# ------------------------------------------------------------------ the good trees
good_trees() {
    local algo kd
    for algo in $ALGOS; do
        kd="$T/kubeadm-$algo"; mkdir -m 0755 "$kd"
        run_cp "gen-kubeadm-$algo" certs generate all --kubernetes-dir "$kd" --encryption-algorithm "$algo" "${gen_flags[@]}"
        if [[ $RC -ne 0 ]]; then
            fail "kubeadm policy $algo: certs generate all exits 0" "$(cat "$T/gen-kubeadm-$algo.err")"; continue
        fi
        pass "kubeadm policy $algo: certs generate all exits 0"
        verify_tree "$kd" "$algo" kubeadm "kubeadm/$algo"
    done

    # explicit --policy kubeadm.yaml gives the same subjects (spot check)
    kd="$T/kubeadm-explicit"; mkdir "$kd"
    run_cp gen-kubeadm-explicit certs generate all --kubernetes-dir "$kd" --policy "$KUBEADM_POLICY" "${gen_flags[@]}"
    check_eq "--policy policies/kubeadm.yaml: generate all exits 0" 0 "$RC"
    [[ $RC -eq 0 ]] && check_eq "--policy kubeadm.yaml: apiserver-kubelet-client O" "kubeadm:cluster-admins" \
        "$(subject_field "$kd/pki/apiserver-kubelet-client.crt" O)"

    # hardened: default algorithm (ECDSA-P256), then RSA-2048 (keyEncipherment kept for RSA)
    kd="$T/hardened-default"; mkdir "$kd"
    run_cp gen-hardened certs generate all --kubernetes-dir "$kd" --policy "$HARDENED_POLICY" "${gen_flags[@]}"
    if [[ $RC -eq 0 ]]; then
        pass "hardened policy: certs generate all exits 0"
        verify_tree "$kd" ECDSA-P256 hardened "hardened/ECDSA-P256(default)"
    else
        fail "hardened policy: certs generate all exits 0" "$(cat "$T/gen-hardened.err")"
    fi
    kd="$T/hardened-rsa"; mkdir "$kd"
    run_cp gen-hardened-rsa certs generate all --kubernetes-dir "$kd" --policy "$HARDENED_POLICY" \
        --encryption-algorithm RSA-2048 "${gen_flags[@]}"
    if [[ $RC -eq 0 ]]; then
        pass "hardened policy + RSA-2048: certs generate all exits 0"
        verify_tree "$kd" RSA-2048 hardened "hardened/RSA-2048"
    else
        fail "hardened policy + RSA-2048: certs generate all exits 0" "$(cat "$T/gen-hardened-rsa.err")"
    fi

    # --external-etcd: no etcd CA, no etcd leaves, no apiserver-etcd-client
    kd="$T/external-etcd"; mkdir "$kd"
    run_cp gen-ext-etcd certs generate all --kubernetes-dir "$kd" --external-etcd --encryption-algorithm ECDSA-P256 "${gen_flags[@]}"
    check_eq "--external-etcd: exits 0" 0 "$RC"
    check_eq "--external-etcd: only ca, apiserver, apiserver-kubelet-client, front-proxy-*, sa" \
        "apiserver-kubelet-client.crt apiserver-kubelet-client.key apiserver.crt apiserver.key ca.crt ca.key front-proxy-ca.crt front-proxy-ca.key front-proxy-client.crt front-proxy-client.key sa.key sa.pub" \
        "$(cd "$kd/pki" 2>/dev/null && find . -mindepth 1 | sed 's|^\./||' | sort | paste -sd' ' -)"

    # a subset by name
    kd="$T/subset"; mkdir "$kd"
    run_cp gen-subset certs generate ca apiserver --kubernetes-dir "$kd" --encryption-algorithm ECDSA-P256 "${gen_flags[@]}"
    check_eq "generate ca apiserver: exits 0" 0 "$RC"
    check_eq "generate ca apiserver: writes only ca.* and apiserver.*" \
        "apiserver.crt apiserver.key ca.crt ca.key" \
        "$(cd "$kd/pki" 2>/dev/null && find . -mindepth 1 | sed 's|^\./||' | sort | paste -sd' ' -)"

    # --cert-dir
    kd="$T/certdir-k"; mkdir "$kd"
    run_cp gen-certdir certs generate all --kubernetes-dir "$kd" --cert-dir "$T/certdir-pki" --encryption-algorithm ECDSA-P256 "${gen_flags[@]}"
    check_eq "--cert-dir: exits 0" 0 "$RC"
    check "--cert-dir: certificates land in --cert-dir" test -f "$T/certdir-pki/etcd/server.crt"
    check "--cert-dir: nothing in KDIR/pki" test ! -e "$kd/pki"

    # idempotence: a second generate all on a complete tree keeps every file
    kd="$T/kubeadm-ECDSA-P256"
    if [[ -f "$kd/pki/ca.crt" ]]; then
        local before after
        before="$(tree_state "$kd")"
        run_cp gen-again certs generate all --kubernetes-dir "$kd" --encryption-algorithm ECDSA-P256 "${gen_flags[@]}"
        after="$(tree_state "$kd")"
        check_eq "second generate all on a complete tree: exits 0" 0 "$RC"
        check_same "second generate all on a complete tree: nothing changed" "$before" "$after"
    fi

    # check-expiration -o json (shape only)
    if [[ -f "$kd/pki/ca.crt" ]]; then
        run_cp checkexp certs check-expiration --kubernetes-dir "$kd" -o json
        check_eq "check-expiration -o json: exits 0" 0 "$RC"
        check "check-expiration -o json: kind, apiserver row (caName ca, not missing), 3 CAs" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kind"] == "CertificateExpirationInfo", d.get("kind")
rows = {c["name"]: c for c in d["certificates"]}
a = rows["apiserver"]
assert a.get("caName") == "ca" and not a.get("missing") and a["residualTime"] > 360*86400, a
assert sorted(c["name"] for c in d["certificateAuthorities"]) == ["ca", "etcd-ca", "front-proxy-ca"]
' "$T/checkexp.out"
    fi
}

# ------------------------------------------------------------------ bad input
# expect_refused LABEL KDIR [--as-nobody] args... : exit != 0, message on stderr, KDIR unchanged
expect_refused() {
    local label="$1" kd="$2"; shift 2
    local runner=()
    if [[ "${1:-}" == --as-nobody ]]; then
        runner=(setpriv --reuid=nobody --regid=nogroup --clear-groups); shift
    fi
    local before after
    before="$(tree_state "$kd")"
    RC=0
    timeout 120 "${runner[@]}" "$BIN" "$@" >"$T/bad.out" 2>"$T/bad.err" || RC=$?
    after="$(tree_state "$kd")"
    if [[ $RC -ne 0 && $RC -ne 124 ]]; then pass "$label: exits non-zero ($RC)"
    else fail "$label: exits non-zero" "exit $RC; command: clusterpki $*"$'\n'"stdout: $(head -c 600 "$T/bad.out")"; fi
    if [[ -s "$T/bad.err" ]]; then pass "$label: error on stderr: $(head -n1 "$T/bad.err" | cut -c1-150)"
    else fail "$label: error message on stderr" "stderr empty; stdout: $(head -c 300 "$T/bad.out")"; fi
    check_same "$label: directory unchanged (contents + modes)" "$before" "$after"
}

# fresh_case NAME -> copies the pristine tree into $T/case-NAME, prints the kubernetes dir
fresh_case() {
    local d="$T/case-$1"
    rm -rf "$d"; cp -a "$PRISTINE" "$d"; echo "$d"
}

bad_input() {
    PRISTINE="$T/pristine"; mkdir "$PRISTINE"
    run_cp gen-pristine certs generate all --kubernetes-dir "$PRISTINE" --encryption-algorithm ECDSA-P256 --node-name "$NODE" --apiserver-advertise-address "$ADV"
    if [[ $RC -ne 0 ]]; then fail "bad-input fixture: generate all exits 0" "$(cat "$T/gen-pristine.err")"; return; fi
    local base_flags=(--encryption-algorithm ECDSA-P256 --node-name "$NODE" --apiserver-advertise-address "$ADV")
    local kd

    kd="$(fresh_case malformed-ca)"
    printf -- '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n' >"$kd/pki/ca.crt"
    rm -f "$kd"/pki/apiserver.{crt,key} "$kd"/pki/front-proxy-client.{crt,key} "$kd"/pki/etcd/server.{crt,key}
    expect_refused "malformed PEM in ca.crt (generate all)" "$kd" certs generate all --kubernetes-dir "$kd" "${base_flags[@]}"
    kd="$(fresh_case malformed-ca-renew)"
    printf 'garbage\n' >"$kd/pki/ca.crt"
    expect_refused "malformed PEM in ca.crt (renew apiserver)" "$kd" certs renew apiserver --kubernetes-dir "$kd"
    kd="$(fresh_case truncated-leaf)"
    head -c 300 "$PRISTINE/pki/apiserver.crt" >"$kd/pki/apiserver.crt"
    expect_refused "truncated apiserver.crt (generate all)" "$kd" certs generate all --kubernetes-dir "$kd" "${base_flags[@]}"

    kd="$(fresh_case key-mismatch)"
    cp "$PRISTINE/pki/front-proxy-client.key" "$kd/pki/apiserver.key"
    rm -f "$kd"/pki/etcd/server.{crt,key}
    expect_refused "apiserver.key does not match apiserver.crt" "$kd" certs generate all --kubernetes-dir "$kd" "${base_flags[@]}"
    kd="$(fresh_case ca-key-mismatch)"
    cp "$PRISTINE/pki/etcd/ca.key" "$kd/pki/ca.key"
    rm -f "$kd"/pki/apiserver.{crt,key}
    expect_refused "ca.key does not match ca.crt" "$kd" certs generate all --kubernetes-dir "$kd" "${base_flags[@]}"

    kd="$(fresh_case not-a-ca)"
    cp "$PRISTINE/pki/apiserver-kubelet-client.crt" "$kd/pki/ca.crt"
    cp "$PRISTINE/pki/apiserver-kubelet-client.key" "$kd/pki/ca.key"
    rm -f "$kd"/pki/apiserver.{crt,key}
    expect_refused "ca.crt is not a CA" "$kd" certs generate all --kubernetes-dir "$kd" "${base_flags[@]}"

    kd="$(fresh_case foreign-leaf)"
    mkdir "$T/other"
    run_cp gen-other certs generate etcd-ca etcd-server --kubernetes-dir "$T/other" "${base_flags[@]}"
    cp "$T/other/pki/etcd/server.crt" "$T/other/pki/etcd/server.key" "$kd/pki/etcd/"
    rm -f "$kd"/pki/apiserver.{crt,key}
    expect_refused "existing etcd/server signed by another CA (no silent overwrite)" "$kd" certs generate all --kubernetes-dir "$kd" "${base_flags[@]}"
    kd="$(fresh_case san-not-covered)"
    rm -f "$kd"/pki/front-proxy-client.{crt,key}
    expect_refused "existing apiserver cert lacks a configured SAN" "$kd" certs generate all --kubernetes-dir "$kd" \
        "${base_flags[@]}" --apiserver-cert-extra-sans new-name.e2e.example

    kd="$T/case-unknown-name"; mkdir "$kd"
    expect_refused "unknown cert name (generate, empty dir)" "$kd" certs generate ca no-such-cert --kubernetes-dir "$kd" "${base_flags[@]}"
    kd="$(fresh_case unknown-renew)"
    expect_refused "unknown cert name (renew)" "$kd" certs renew apiserver no-such-cert --kubernetes-dir "$kd"

    kd="$T/case-bad-adv"; mkdir "$kd"
    expect_refused "invalid advertise address 300.1.2.3" "$kd" certs generate all --kubernetes-dir "$kd" --encryption-algorithm ECDSA-P256 --apiserver-advertise-address 300.1.2.3
    kd="$T/case-bad-adv2"; mkdir "$kd"
    expect_refused "invalid advertise address 'not-an-ip'" "$kd" certs generate all --kubernetes-dir "$kd" --encryption-algorithm ECDSA-P256 --apiserver-advertise-address not-an-ip
    kd="$T/case-bad-cidr"; mkdir "$kd"
    expect_refused "invalid service CIDR 10.96.0.0/33" "$kd" certs generate all --kubernetes-dir "$kd" "${base_flags[@]}" --service-cidr 10.96.0.0/33
    kd="$T/case-bad-cidr2"; mkdir "$kd"
    expect_refused "invalid service CIDR 'banana'" "$kd" certs generate all --kubernetes-dir "$kd" "${base_flags[@]}" --service-cidr banana
    kd="$T/case-bad-algo"; mkdir "$kd"
    expect_refused "unknown algorithm RSA-1024" "$kd" certs generate all --kubernetes-dir "$kd" --encryption-algorithm RSA-1024 --node-name "$NODE" --apiserver-advertise-address "$ADV"
    kd="$(fresh_case bad-algo-existing)"
    rm -f "$kd"/pki/apiserver.{crt,key}
    expect_refused "unknown algorithm Ed25519 on an existing tree" "$kd" certs generate all --kubernetes-dir "$kd" --encryption-algorithm Ed25519 --node-name "$NODE" --apiserver-advertise-address "$ADV"

    # read-only: owned by nobody, dirs without write permission, clusterpki run as nobody (root ignores modes)
    kd="$(fresh_case read-only)"
    rm -f "$kd"/pki/apiserver.{crt,key} "$kd"/pki/etcd/peer.{crt,key}
    chown -R nobody:nogroup "$kd"; chmod 0500 "$kd" "$kd/pki" "$kd/pki/etcd"
    chmod 0755 "$T"
    expect_refused "read-only pki dir (generate all)" "$kd" --as-nobody certs generate all --kubernetes-dir "$kd" "${base_flags[@]}"
    chmod 0700 "$kd/pki"
    chmod 0500 "$kd/pki"
    expect_refused "read-only pki dir (renew all)" "$kd" --as-nobody certs renew all --kubernetes-dir "$kd"
    kd="$T/case-read-only-empty"; mkdir "$kd"; chown nobody:nogroup "$kd"; chmod 0500 "$kd"
    expect_refused "read-only empty kubernetes dir (generate all)" "$kd" --as-nobody certs generate all --kubernetes-dir "$kd" "${base_flags[@]}"

    # missing directory
    expect_refused "missing kubernetes dir (renew all)" "$T/does-not-exist" certs renew all --kubernetes-dir "$T/does-not-exist"
    check "missing kubernetes dir (renew all): not created" test ! -e "$T/does-not-exist"
    expect_refused "missing file (ca-hash --cert)" "$T/does-not-exist" certs ca-hash --cert "$T/does-not-exist/ca.crt"

    # a tree made by another tool (the openssl baseline: no clusterpki files in it yet): a refused
    # command and a read-only command must not add anything to it either
    kd="$T/case-openssl-tree"
    NODE_NAME="$NODE" ADVERTISE_ADDRESS="$ADV" "$REPO/scripts/baseline/openssl-tree.sh" "$kd" ECDSA-P256 >/dev/null
    cp "$kd/pki/front-proxy-client.key" "$kd/pki/apiserver.key"
    expect_refused "key mismatch in a tree made by openssl (no clusterpki files yet)" "$kd" certs generate all --kubernetes-dir "$kd" "${base_flags[@]}"
    kd="$T/case-openssl-tree2"
    NODE_NAME="$NODE" ADVERTISE_ADDRESS="$ADV" "$REPO/scripts/baseline/openssl-tree.sh" "$kd" ECDSA-P256 >/dev/null
    local before; before="$(tree_state "$kd")"
    run_cp checkexp-openssl certs check-expiration --kubernetes-dir "$kd"
    check_eq "check-expiration on a tree made by openssl: exits 0" 0 "$RC"
    check_same "check-expiration on a tree made by openssl: directory unchanged" "$before" "$(tree_state "$kd")"
    run_cp gen-openssl certs generate all --kubernetes-dir "$kd" "${base_flags[@]}"
    check_eq "generate all on a complete tree made by openssl: exits 0 (files reused)" 0 "$RC"
    check_same "generate all on a complete tree made by openssl: directory unchanged" "$before" "$(tree_state "$kd")"

    # invalid SAN: warned and skipped, exit 0
    kd="$T/case-bad-san"; mkdir "$kd"
    run_cp bad-san certs generate all --kubernetes-dir "$kd" "${base_flags[@]}" \
        --apiserver-cert-extra-sans 'good.e2e.example,bad_san!,192.0.2.30'
    check_eq "invalid SAN 'bad_san!': generate all still exits 0" 0 "$RC"
    check "invalid SAN: a WARNING line naming it" grep -q "WARNING.*bad_san!" "$T/bad-san.out" "$T/bad-san.err"
    if [[ -f "$kd/pki/apiserver.crt" ]]; then
        local sans; sans="$(san_norm "$kd/pki/apiserver.crt")"
        check "invalid SAN: skipped (not in apiserver.crt)" bash -c '! grep -q "bad_san" <<<"$1"' _ "$sans"
        check "invalid SAN: the valid extra SANs are there" bash -c 'grep -qx "DNS:good.e2e.example" <<<"$1" && grep -qx "IP:192.0.2.30" <<<"$1"' _ "$sans"
    else
        fail "invalid SAN: apiserver.crt written"
    fi
}

[[ "${ONLY_BAD_INPUT:-0}" == 1 ]] || good_trees
[[ "${SKIP_BAD_INPUT:-0}" == 1 ]] || bad_input
finish

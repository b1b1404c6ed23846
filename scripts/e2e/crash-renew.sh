#!/usr/bin/env bash
# Crash test: `clusterpki certs renew all` killed with SIGKILL at random moments never leaves a
# partial file, nor (after recovery) a certificate whose key does not match.
#
# Contract (issue 2 + the core's journal): multi-file commits go through pki/.clusterpki-txn-*; a kill
# that lands mid-commit leaves that directory behind and the next clusterpki invocation rolls it
# forward. So after every kill:
#   1. every .crt/.key/.pub outside the journal parses completely (never a partial file);
#   2. if no journal dir exists, every cert already matches its key;
#   3. `certs check-expiration` (which recovers) exits 0, then every pair matches, no journal dir
#      remains, keys are still 0600 and the CA files are untouched.
#
# Two kinds of kills per algorithm:
#   KILLS (default 20) at random moments, stratified over the measured run time of `renew all`;
#   COMMIT_KILLS (default 10) aimed at the commit: the script polls pki/ and sends SIGKILL the moment a
#   journal dir appears (odd kills: staging, before the commit point) or its manifest appears (even
#   kills: committed, so recovery must roll forward). Random kills rarely land in the short commit window.
#
#   CLUSTERPKI=/path/to/clusterpki KILLS=20 COMMIT_KILLS=10 ALGOS="ECDSA-P256 RSA-2048" scripts/e2e/crash-renew.sh
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_cmd openssl python3

BIN="$(clusterpki_bin)"
[[ -x "$BIN" ]] || { fail "clusterpki binary exists at $BIN"; finish; exit 1; }
info "clusterpki: $BIN"
KILLS="${KILLS:-20}"
COMMIT_KILLS="${COMMIT_KILLS:-10}"
ALGOS="${ALGOS:-ECDSA-P256 RSA-2048}"
mktemp_dir T clusterpki-crash

now_ms() { date +%s%3N; }
txn_dirs() { find "$1" -maxdepth 2 -type d -name '.clusterpki-txn-*' 2>/dev/null; }
# .clusterpki.lock (the core's flock file) is not counted here; openssl-verify.sh reports it.
EXPECTED_RE='^\.clusterpki\.lock$|^(ca|apiserver|apiserver-kubelet-client|front-proxy-ca|front-proxy-client|apiserver-etcd-client|etcd/(ca|server|peer|healthcheck-client))\.(crt|key)$|^sa\.(key|pub)$|^etcd$'
stray_files() {   # anything in pki/ besides kubeadm's files and journal dirs
    (cd "$1" && find . -mindepth 1 -path './.clusterpki-txn-*' -prune -o -path './etcd/.clusterpki-txn-*' -prune -o -print |
        sed 's|^\./||' | grep -Ev "$EXPECTED_RE" || true)
}
key_modes_ok() { local f; for f in $(find "$1" -path '*/.clusterpki-txn-*' -prune -o -name '*.key' -print); do
    [[ "$(stat -c %a "$f")" == 600 ]] || { echo "$f is $(stat -c %a "$f")"; return 1; }; done; }
serial_of() { openssl x509 -in "$1" -noout -serial 2>/dev/null | cut -d= -f2; }

for ALGO in $ALGOS; do
    L="crash/$ALGO"
    K="$T/$ALGO"; PKI="$K/pki"; mkdir "$K"
    if ! out="$(timeout 300 "$BIN" certs generate all --kubernetes-dir "$K" --encryption-algorithm "$ALGO" \
            --node-name crash-e2e --apiserver-advertise-address 127.0.0.1 2>&1)"; then
        fail "$L: generate the tree" "$out"; continue
    fi
    check "$L: fresh tree: every file parses" all_files_parse "$PKI"
    check "$L: fresh tree: every cert matches its key" all_pairs_match "$PKI"
    # renew takes the key algorithm from --config (kubeadm: encryptionAlgorithm, default RSA-2048)
    CFG="$K/kubeadm-config.yaml"
    printf 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nencryptionAlgorithm: %s\n' "$ALGO" >"$CFG"
    RENEW=("$BIN" certs renew all --kubernetes-dir "$K" --config "$CFG")
    CA_STATE="$(cd "$PKI" && sha256sum ca.crt ca.key front-proxy-ca.crt front-proxy-ca.key etcd/ca.crt etcd/ca.key sa.key sa.pub)"

    # typical run time of `renew all` (3 uninterrupted runs, median)
    times=()
    s0="$(serial_of "$PKI/apiserver.crt")"
    for r in 1 2 3; do
        t0="$(now_ms)"
        rc=0; out="$(timeout 300 "${RENEW[@]}" 2>&1)" || rc=$?
        times+=($(( $(now_ms) - t0 )))
        [[ $rc -eq 0 ]] || { fail "$L: uninterrupted renew all #$r exits 0" "$out"; break; }
    done
    [[ $rc -eq 0 ]] || continue
    pass "$L: 3 uninterrupted renew all runs exit 0 (${times[*]} ms)"
    check "$L: renew all gave apiserver a new serial" test "$s0" != "$(serial_of "$PKI/apiserver.crt")"
    check "$L: after renew: every cert matches its key" all_pairs_match "$PKI"
    want_hdr="RSA PRIVATE KEY"; [[ "$ALGO" == ECDSA-* ]] && want_hdr="EC PRIVATE KEY"
    check_eq "$L: renew --config (encryptionAlgorithm $ALGO) keeps the key type" "$want_hdr" "$(pem_types "$PKI/apiserver.key")"
    DUR="$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)"
    SPAN=$(( DUR * 11 / 10 + 5 ))
    info "$L: renew all takes ~${DUR} ms; $KILLS kills spread over 0..${SPAN} ms"

    in_txn=0 finished_first=0 strays=0
    in_commit=0
    for ((i = 0; i < KILLS + COMMIT_KILLS; i++)); do
        # stratified: kill i lands in the i-th slice of [0, SPAN), at a random point inside it
        delay_ms=$(( (SPAN * i + SPAN * (RANDOM % 1000) / 1000) / KILLS ))
        "${RENEW[@]}" >/dev/null 2>&1 &
        pid=$!
        if ((i < KILLS)); then
            sleep "$(awk -v m="$delay_ms" 'BEGIN{printf "%.3f", m/1000}')"
            what="at ${delay_ms} ms"
        else
            # aimed kill: poll (bash builtins only) for the journal dir / its manifest, then SIGKILL
            pattern="$PKI/.clusterpki-txn-*"; what="when a journal dir appeared"
            if (( (i - KILLS) % 2 == 1 )); then pattern="$PKI/.clusterpki-txn-*/manifest"; what="when a journal manifest appeared"; fi
            deadline=$((SECONDS + DUR / 1000 * 3 + 10))
            while ((SECONDS < deadline)) && [[ -d /proc/$pid && "$(cut -d' ' -f3 /proc/$pid/stat 2>/dev/null)" != Z ]]; do
                compgen -G "$pattern" >/dev/null && break
            done
        fi
        state="$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null || echo gone)"
        if [[ "$state" != Z && "$state" != gone ]] && kill -KILL "$pid" 2>/dev/null; then how="killed"
        else how="had already exited"; finished_first=$((finished_first + 1)); fi
        wait "$pid" 2>/dev/null || true
        txn="$(txn_dirs "$PKI")"
        committed=no
        if [[ -n "$txn" ]]; then
            in_txn=$((in_txn + 1))
            compgen -G "$PKI/.clusterpki-txn-*/manifest" >/dev/null && { committed=yes; in_commit=$((in_commit + 1)); }
        fi
        tag="$L kill #$((i + 1)) $what ($how; journal dir: $([[ -n "$txn" ]] && echo "yes, committed: $committed" || echo no))"

        check "$tag: every file parses (no partial file)" all_files_parse "$PKI"
        if [[ -z "$txn" ]]; then
            check "$tag: no journal, so every cert already matches its key" all_pairs_match "$PKI"
        fi
        rc=0; out="$(timeout 60 "$BIN" certs check-expiration --kubernetes-dir "$K" 2>&1)" || rc=$?
        if [[ $rc -ne 0 ]]; then fail "$tag: check-expiration (recovery) exits 0" "exit $rc: $out"; fi
        left="$(txn_dirs "$PKI")"
        if [[ -z "$left" ]] && problems="$(all_files_parse "$PKI" && all_pairs_match "$PKI" && key_modes_ok "$PKI")" \
           && [[ "$CA_STATE" == "$(cd "$PKI" && sha256sum ca.crt ca.key front-proxy-ca.crt front-proxy-ca.key etcd/ca.crt etcd/ca.key sa.key sa.pub 2>&1)" ]]; then
            pass "$tag: after recovery: pairs match, no journal dir, keys 0600, CAs/sa untouched"
        else
            fail "$tag: after recovery: pairs match, no journal dir, keys 0600, CAs/sa untouched" \
                "journal left: ${left:-none}"$'\n'"${problems:-}"
        fi
        s="$(stray_files "$PKI")"
        if [[ -n "$s" ]]; then strays=$((strays + 1)); info "$tag: stray files after recovery: $(echo $s)"; fi
    done
    total=$((KILLS + COMMIT_KILLS))
    info "$L: $finished_first of $total runs had finished before the kill"
    echo "$L: $in_txn of $total kills landed while a .clusterpki-txn-* dir existed ($in_commit after its commit point, rolled forward by the next run)"
    check_eq "$L: no stray (temp) files left in pki/ after recovery" 0 "$strays"
    # a final uninterrupted run still works
    check "$L: a final uninterrupted renew all exits 0" timeout 300 "${RENEW[@]}"
    check "$L: final tree: every cert matches its key" all_pairs_match "$PKI"
done
finish

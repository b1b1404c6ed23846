#!/usr/bin/env bash
# Crash test of the phased CA rotation: `clusterpki ca rotate ca --phase P` killed with SIGKILL at random moments,
# RUNS (default 20) times per phase, each on a fresh copy (cp -a) of a template tree + state database in the state
# that phase starts from. The kill delays are stratified over [0, D], D being the phase's measured run time. After
# every kill (and after COMMIT_KILLS more, default 4, aimed at the moment a journal or its manifest appears, or for
# finish, which commits single files, at the moment ca.next.crt is removed):
#   - when no journal is left behind, every leaf already verifies against its CA bundle (the bundle never lags)
#   - the phase run again exits 0 and `ca status` shows it
#   - every leaf and kubeconfig client certificate verifies against its bundle, every key matches its certificate,
#     no .clusterpki-txn-* journal is left anywhere
#   - the next phases then complete too, and the same checks hold at the end (ca.crt holds one CA)
#   - every LIVE_EVERY-th run (default 4), right after the re-run: `clusterpki serve` starts on the tree and kubectl
#     with its admin.conf reaches it (/version, kube-system secrets); the process is stopped by PID
# ECDSA-P256 throughout (--config encryptionAlgorithm) to keep runs short. kubelet.conf is removed from the template:
# its certificate is the kubelet's to renew (`clusterpki kubelet renew`, covered by ca-rotation.sh), not the phases'.
#
#   CLUSTERPKI=/path/to/clusterpki RUNS=20 COMMIT_KILLS=4 scripts/e2e/ca-rotation-crash.sh     (ends with "N passed, N failed")
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_cmd openssl python3 kubectl

BIN="$(clusterpki_bin)"
[[ -x "$BIN" ]] || { fail "clusterpki binary exists at $BIN"; finish; exit 1; }
RUNS="${RUNS:-20}"
COMMIT_KILLS="${COMMIT_KILLS:-4}"
LIVE_EVERY="${LIVE_EVERY:-4}"
START=$SECONDS
mktemp_dir T ca-rotation-crash
CFG="$T/kubeadm-config.yaml"
printf 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nencryptionAlgorithm: ECDSA-P256\n' >"$CFG"
now_ms() { date +%s%3N; }
rotate() {  # rotate DIR PHASE
    "$BIN" ca rotate ca --phase "$2" --kubernetes-dir "$1/k" --db "$1/state.db" --config "$CFG"
}
recorded() { case "$1" in prepare) echo prepared ;; switch) echo switched ;; finish) echo finished ;; esac; }
status_is() { "$BIN" ca status --kubernetes-dir "$1/k" --db "$1/state.db" | grep -q "^ca: phase $2 "; }
journals() { find "$1" -name '.clusterpki-txn-*' 2>/dev/null; }
leaves_verify() { pki_leaves_verify "$1/k" "$1/clients"; }  # leaves_verify DIR: every pki leaf and kubeconfig client cert
keys_match() { pki_keys_match "$1/k/pki"; }
consistent() {  # consistent DIR PHASE-RECORDED: the whole state check after a completed phase
    status_is "$1" "$2" || { echo "ca status does not show $2"; return 1; }
    leaves_verify "$1" && keys_match "$1" || return 1
    [[ -z "$(journals "$1")" ]] || { echo "journal left: $(journals "$1")"; return 1; }
}

live_check() {  # live_check DIR: serve on the tree, kubectl with admin.conf reaches it
    local d="$1" port pid rc=0
    port="$(free_port 127.0.0.1)"
    "$BIN" serve --listen "127.0.0.1:$port" --kubernetes-dir "$d/k" --db "$d/state.db" --node-name cp1 --log-level warning \
        >"$d.serve.log" 2>&1 &
    pid=$!
    if ! wait_port 127.0.0.1 "$port" 30 "$pid"; then tail -n 5 "$d.serve.log"; kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; return 1; fi
    local -a kc=(kubectl --kubeconfig "$d/k/admin.conf" --cache-dir "$d/kube-cache" --server "https://127.0.0.1:$port" --request-timeout 10s)
    "${kc[@]}" get --raw /version </dev/null >/dev/null || { echo "kubectl get --raw /version failed"; rc=1; }
    "${kc[@]}" -n kube-system get secrets </dev/null >/dev/null || { echo "kubectl -n kube-system get secrets failed"; rc=1; }
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    rm -f "$d.serve.log"
    return $rc
}

# The templates: 0 = fresh (for prepare), 1 = prepared (for switch), 2 = switched (for finish).
mkdir -p "$T/tpl0"
out="$("$BIN" init --kubernetes-dir "$T/tpl0/k" --db "$T/tpl0/state.db" --node-name cp1 --apiserver-advertise-address 127.0.0.1 \
       --encryption-algorithm ECDSA-P256 2>&1)" || { fail "clusterpki init (template)" "$out"; finish; exit 1; }
rm -f "$T/tpl0/k/kubelet.conf"
"$BIN" kubeconfig revoke --client-name system:node:cp1 --kubernetes-dir "$T/tpl0/k" --db "$T/tpl0/state.db" >/dev/null 2>&1 || true
cp -a "$T/tpl0" "$T/tpl1"; check "template 1: prepare" rotate "$T/tpl1" prepare
cp -a "$T/tpl1" "$T/tpl2"; check "template 2: switch" rotate "$T/tpl2" switch
cp -a "$T/tpl2" "$T/tpl3"; check "templates are good: an uninterrupted finish completes" rotate "$T/tpl3" finish
check "  ... and leaves a consistent tree" consistent "$T/tpl3" finished
rm -rf "$T/tpl3"

declare -A SUMMARY
n=0
for PHASE in prepare switch finish; do
    case $PHASE in prepare) tpl=tpl0; next="switch finish" ;; switch) tpl=tpl1; next="finish" ;; finish) tpl=tpl2; next="" ;; esac
    times=()
    for r in 1 2 3; do
        rm -rf "$T/m"; cp -a "$T/$tpl" "$T/m"
        t0="$(now_ms)"; rotate "$T/m" "$PHASE" >/dev/null 2>&1 || true; times+=($(( $(now_ms) - t0 )))
    done
    rm -rf "$T/m"
    DUR="$(printf '%s\n' "${times[@]}" | sort -n | head -1)"  # the fastest run: on a busy machine runs only get slower
    info "$PHASE takes ~${DUR} ms (${times[*]}); $RUNS kills spread over [0, $DUR] ms"
    killed=0 exited=0 journaled=0 good=0 live=0
    for ((i = 0; i < RUNS + COMMIT_KILLS; i++)); do
        n=$((n + 1))
        D="$T/run-$n"; cp -a "$T/$tpl" "$D"
        rotate "$D" "$PHASE" >"$D.log" 2>&1 &
        pid=$!
        if ((i < RUNS)); then
            delay_ms=$(( (DUR * i + DUR * (RANDOM % 1000) / 1000) / RUNS ))
            sleep "$(awk -v m="$delay_ms" 'BEGIN{printf "%.3f", m/1000}')"
            what="at ${delay_ms} ms"
        else
            # aimed at the commit, which random delays rarely hit: a journal dir appears (staging), or its manifest
            # (committed: the re-run must roll it forward); bash builtins only, so the poll is fast
            pattern=".clusterpki-txn-*"; what="when a journal dir appeared"
            if (( (i - RUNS) % 2 == 1 )); then pattern=".clusterpki-txn-*/manifest"; what="when a journal manifest appeared"; fi
            # finish commits single files (no journal dir): aim at the moment ca.next.* go, before the kubeconfigs
            [[ "$PHASE" == finish ]] && what="when ca.next.crt was removed"
            deadline=$((SECONDS + 10))
            while ((SECONDS < deadline)); do
                { read -r _ _ st _ </proc/$pid/stat; } 2>/dev/null || break
                [[ "$st" != Z ]] || break
                if [[ "$PHASE" == finish ]]; then [[ -e "$D/k/pki/ca.next.crt" ]] || break; continue; fi
                compgen -G "$D/k/pki/$pattern" >/dev/null || compgen -G "$D/k/$pattern" >/dev/null && break
            done
        fi
        state="$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null || echo gone)"
        if [[ "$state" != Z && "$state" != gone ]] && kill -KILL "$pid" 2>/dev/null; then how=killed; killed=$((killed + 1))
        else how="had exited"; exited=$((exited + 1)); fi
        wait "$pid" 2>/dev/null || true
        tag="$PHASE run $((i + 1)) (SIGKILL $what: $how"
        if [[ -n "$(journals "$D")" ]]; then
            journaled=$((journaled + 1)); tag+=", journal left)"
        else
            tag+=")"
            problems="$(leaves_verify "$D" 2>&1)" || fail "$tag: right after the kill every leaf verifies against its bundle" "$problems"
        fi
        ok=1
        if ! out="$(rotate "$D" "$PHASE" 2>&1)"; then fail "$tag: the re-run completes" "$out"; ok=0; fi
        if ((ok)) && ! problems="$(consistent "$D" "$(recorded "$PHASE")" 2>&1)"; then fail "$tag: consistent after the re-run" "$problems"; ok=0; fi
        if ((ok)) && (( i % LIVE_EVERY == LIVE_EVERY - 1 )); then
            if problems="$(live_check "$D" 2>&1)"; then live=$((live + 1))
            else fail "$tag: after the re-run, serve starts and kubectl with admin.conf reaches it" "$problems"; ok=0; fi
        fi
        last="$PHASE"
        for p in $next; do  # the full check once, at the end (time budget); status after each
            ((ok)) || break
            if ! out="$(rotate "$D" "$p" 2>&1)" || ! status_is "$D" "$(recorded "$p")"; then fail "$tag: then $p completes" "$out"; ok=0; fi
            last="$p"
        done
        if ((ok)) && [[ "$last" != "$PHASE" ]] && ! problems="$(consistent "$D" "$(recorded "$last")" 2>&1)"; then
            fail "$tag: consistent after $last" "$problems"; ok=0
        fi
        if ((ok)) && [[ "$(grep -c 'BEGIN CERTIFICATE' "$D/k/pki/ca.crt")" != 1 || -e "$D/k/pki/ca.next.crt" ]]; then
            fail "$tag: at the end ca.crt holds one CA and ca.next.* are gone"; ok=0
        fi
        if ((ok)); then pass "$tag: re-run, later phases and every check pass"; good=$((good + 1)); fi
        rm -rf "$D" "$D.log"
    done
    SUMMARY[$PHASE]="$PHASE: $RUNS random + $COMMIT_KILLS aimed runs, $killed killed mid-run, $exited had already exited, $journaled left a journal, $good fully good, $live checked live (serve + kubectl)"
    check "$PHASE: at least $RUNS runs" test "$RUNS" -ge 20
done
for PHASE in prepare switch finish; do info "${SUMMARY[$PHASE]}"; done
info "ran in $((SECONDS - START)) s"
finish

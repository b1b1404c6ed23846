#!/usr/bin/env bash
# `scripts/install.sh PREFIX` (issue 14 item 2): the binary, the policies, the systemd units and the shell completions
# land under PREFIX; then `init`, `serve` and `join` run from PREFIX/bin/clusterpki in `/` (no checkout around,
# no CLUSTERPKI_POLICY_DIR), and a copy of the binary alone in an empty directory still finds the kubeadm and
# hardened policies (they are compiled in).
#
#   CLUSTERPKI=/path/to/clusterpki scripts/e2e/install.sh      installs that binary (the suite's build)
#   INSTALL_RELEASE=1 scripts/e2e/install.sh                   lets install.sh build the release binary itself
#                                                              (static Swift runtime; checked with ldd)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_cmd openssl python3
mktemp_dir W install
PREFIX="$W/prefix"
unset CLUSTERPKI_POLICY_DIR
if [[ "${INSTALL_RELEASE:-0}" == 1 ]]; then
    check "scripts/install.sh PREFIX (release build)" bash -c "'$REPO/scripts/install.sh' '$PREFIX' >'$W/install.log' 2>&1"
    check "the installed binary links no Swift runtime library" bash -c "! ldd '$PREFIX/bin/clusterpki' | grep -q libswiftCore"
else
    check "scripts/install.sh PREFIX" bash -c "CLUSTERPKI_BIN='$(clusterpki_bin)' '$REPO/scripts/install.sh' '$PREFIX' >'$W/install.log' 2>&1"
fi
BIN="$PREFIX/bin/clusterpki"
check "PREFIX/bin/clusterpki is executable" test -x "$BIN"
for p in kubeadm hardened; do
    check "PREFIX/share/clusterpki/policies/$p.yaml is the shipped file" cmp -s "$REPO/policies/$p.yaml" "$PREFIX/share/clusterpki/policies/$p.yaml"
done
for u in clusterpki-rotate.service clusterpki-rotate.timer; do check "PREFIX/lib/systemd/system/$u" test -s "$PREFIX/lib/systemd/system/$u"; done
check "the service runs PREFIX/bin/clusterpki" grep -q "^ExecStart=$PREFIX/bin/clusterpki rotate " "$PREFIX/lib/systemd/system/clusterpki-rotate.service"
if command -v systemd-analyze >/dev/null; then
    check "systemd-analyze verify accepts the installed units" bash -c \
        "sed 's|^ExecStart=.*|ExecStart=/bin/true|' '$PREFIX/lib/systemd/system/clusterpki-rotate.service' >'$W/clusterpki-rotate.service' && cp '$PREFIX/lib/systemd/system/clusterpki-rotate.timer' '$W/' && systemd-analyze verify '$W/clusterpki-rotate.service' '$W/clusterpki-rotate.timer'"
fi
check "bash completion names the subcommands" grep -q "upload-certs" "$PREFIX/share/bash-completion/completions/clusterpki"
check "zsh completion is a #compdef for clusterpki" grep -q "^#compdef clusterpki" "$PREFIX/share/zsh/site-functions/_clusterpki"
check "fish completion completes clusterpki" grep -Eq "complete -c '?clusterpki'?( |$)" "$PREFIX/share/fish/vendor_completions.d/clusterpki.fish"

# From /, with nothing but PREFIX: init, serve (its defaults for the directory, on a free port), join.
cd /
K="$W/cluster"
DB="$W/state.db"
PORT="$(free_port)"
out="$("$BIN" init --kubernetes-dir "$K" --db "$DB" --node-name cp1 --apiserver-advertise-address 127.0.0.1 \
       --encryption-algorithm ECDSA-P256 --serve-listen "127.0.0.1:$PORT" 2>&1)" && rc=0 || rc=$?
check_eq "init from the installed binary in / (policy kubeadm found without a checkout)" 0 "$rc"
line="$(sed -n 's/^  clusterpki join //p' <<<"$out" | tail -1)"
spawn SERVER "$W/serve.log" "$BIN" serve --kubernetes-dir "$K" --db "$DB"
check "serve from the installed binary listens" wait_port 127.0.0.1 "$PORT" 30 "$SERVER"
# shellcheck disable=SC2086
check "join from the installed binary with the line init printed" bash -c \
    "'$BIN' join $line --node-name worker-1 --kubernetes-dir '$W/worker-1/etc' --kubelet-dir '$W/worker-1/kubelet' --timeout 60s >'$W/join.log' 2>&1"
check "  ... worker-1's certificate verifies against the cluster CA" \
    openssl verify -CAfile "$K/pki/ca.crt" "$W/worker-1/kubelet/pki/kubelet-client-current.pem"
stop_pid "$SERVER"

# The binary alone, in a directory with nothing else: the policies are compiled in.
mkdir -p "$W/alone/bin"
cp "$BIN" "$W/alone/bin/clusterpki"
cd "$W/alone"
for p in kubeadm hardened; do
    check "a copy of the binary alone: certs generate ca --policy $p" \
        "$W/alone/bin/clusterpki" certs generate ca --policy "$p" --kubernetes-dir "$W/alone/$p" --encryption-algorithm ECDSA-P256
done
check "  ... kubeadm's CA is valid for 10 years (the kubeadm policy, not a stand-in)" bash -c \
    "test \$(( ( \$(date -d \"\$(openssl x509 -in '$W/alone/kubeadm/pki/ca.crt' -noout -enddate | cut -d= -f2)\" +%s) - \$(date +%s) ) / 86400 )) -ge 3640"
finish

#!/usr/bin/env bash
# Installs clusterpki under PREFIX (default /usr/local):
#   PREFIX/bin/clusterpki                                    the release binary, Swift runtime linked statically
#   PREFIX/share/clusterpki/policies/{kubeadm,hardened}.yaml the shipped policies (also built into the binary;
#                                                            a file here, or in /etc/clusterpki/policies, overrides)
#   PREFIX/lib/systemd/system/clusterpki-rotate.{service,timer}   the rotation units, ExecStart pointing at PREFIX/bin
#   PREFIX/share/bash-completion/completions/clusterpki, PREFIX/share/zsh/site-functions/_clusterpki,
#   PREFIX/share/fish/vendor_completions.d/clusterpki.fish   shell completions (swift-argument-parser's)
#
#   scripts/install.sh [PREFIX]
#   CLUSTERPKI_BIN=/path/to/clusterpki scripts/install.sh PREFIX    install that binary instead of building one
#   DESTDIR=/tmp/stage scripts/install.sh /usr                       stage for a package (paths inside stay PREFIX)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="${1:-/usr/local}"
PREFIX="${PREFIX%/}"
ROOT="${DESTDIR:-}$PREFIX"

if [[ -n "${CLUSTERPKI_BIN:-}" ]]; then
    BIN="$CLUSTERPKI_BIN"
else
    # As scripts/bench.sh builds it: a static Swift runtime, so the binary runs on a host without a toolchain.
    echo "building: swift build -c release --static-swift-stdlib --product clusterpki" >&2
    (cd "$REPO" && swift build -c release --static-swift-stdlib --product clusterpki) >&2
    BIN="$(cd "$REPO" && swift build -c release --show-bin-path)/clusterpki"
fi
[[ -x "$BIN" ]] || { echo "error: $BIN is not an executable; build it or set CLUSTERPKI_BIN" >&2; exit 1; }

install -d -m 0755 "$ROOT/bin" "$ROOT/share/clusterpki/policies" "$ROOT/lib/systemd/system" \
    "$ROOT/share/bash-completion/completions" "$ROOT/share/zsh/site-functions" "$ROOT/share/fish/vendor_completions.d"
install -m 0755 "$BIN" "$ROOT/bin/clusterpki"
install -m 0644 "$REPO"/policies/*.yaml "$ROOT/share/clusterpki/policies/"
for unit in "$REPO"/scripts/systemd/clusterpki-rotate.service "$REPO"/scripts/systemd/clusterpki-rotate.timer; do
    sed "s|/usr/local/bin/clusterpki|$PREFIX/bin/clusterpki|g" "$unit" >"$ROOT/lib/systemd/system/$(basename "$unit")"
    chmod 0644 "$ROOT/lib/systemd/system/$(basename "$unit")"
done
"$ROOT/bin/clusterpki" --generate-completion-script bash >"$ROOT/share/bash-completion/completions/clusterpki"
"$ROOT/bin/clusterpki" --generate-completion-script zsh >"$ROOT/share/zsh/site-functions/_clusterpki"
"$ROOT/bin/clusterpki" --generate-completion-script fish >"$ROOT/share/fish/vendor_completions.d/clusterpki.fish"

echo "installed clusterpki under $ROOT:"
echo "  $ROOT/bin/clusterpki"
echo "  $ROOT/share/clusterpki/policies/ ($(cd "$REPO/policies" && echo *.yaml))"
echo "  $ROOT/lib/systemd/system/clusterpki-rotate.{service,timer}  (enable: systemctl enable --now clusterpki-rotate.timer)"
echo "  completions for bash, zsh and fish"

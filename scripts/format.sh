#!/usr/bin/env bash
# The Swift sources in swift-format's layout (.swift-format: 4 spaces, 120 columns).
#   scripts/format.sh           rewrite every file in place
#   scripts/format.sh --check   change nothing; list the files that are not formatted and exit 1 if any
# Generated code (Sources/EtcdAPI) is left as protoc wrote it.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"

files() {
    { echo Package.swift; git ls-files -co --exclude-standard -- 'Sources/*.swift' 'Tests/*.swift'; } |
        grep -v '^Sources/EtcdAPI/' | sort -u
}

if [[ "${1:-}" != "--check" ]]; then
    files | xargs swift format format --in-place --parallel
    exit 0
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
unformatted=()
while IFS= read -r f; do
    mkdir -p "$scratch/$(dirname "$f")"
    cp "$f" "$scratch/$f"
done < <(files)
(cd "$scratch" && find . -name '*.swift' -print0 | xargs -0 swift format format --in-place --parallel --configuration "$REPO/.swift-format")
while IFS= read -r f; do
    cmp -s "$f" "$scratch/$f" || unformatted+=("$f")
done < <(files)
if [[ ${#unformatted[@]} -gt 0 ]]; then
    echo "not formatted (run scripts/format.sh): ${#unformatted[@]} file(s)"
    printf '  %s\n' "${unformatted[@]}"
    exit 1
fi
echo "all $(files | wc -l) Swift files are formatted"

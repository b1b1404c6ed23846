#!/usr/bin/env bash
# The layout rules the README promises, checked (issue 11): no Swift file in Sources/ over 250 lines (generated
# Sources/EtcdAPI included: scripts/split-generated-swift.py writes it one file per type) and no CLI command file
# (Sources/ClusterPKICommands/Commands) over 80 lines.
#   scripts/check-layout.sh     exits 1 and lists the offenders
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"
bad=0
while read -r n f; do
    echo "over 250 lines: $f ($n)"; bad=1
done < <(git ls-files -co --exclude-standard -- 'Sources/*.swift' |
    xargs wc -l | awk '$2 != "total" && $1 > 250 {print $1, $2}')
while read -r n f; do
    echo "command over 80 lines: $f ($n)"; bad=1
done < <(git ls-files -co --exclude-standard -- 'Sources/ClusterPKICommands/Commands/*.swift' |
    xargs wc -l | awk '$2 != "total" && $1 > 80 {print $1, $2}')
[[ $bad -eq 0 ]] && echo "layout: every source file <= 250 lines, every command <= 80 lines"
exit $bad

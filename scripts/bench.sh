#!/usr/bin/env bash
# Benchmarks.  scripts/bench.sh [tree|tokens|endpoint]   (default: tree)
#
# tree: wall time of `clusterpki certs generate all` (release build, fresh dir each run) against
#       scripts/baseline/openssl-tree.sh, for RSA-2048 and ECDSA-P256, in one run; hyperfine
#       (--warmup 1 --runs 10, JSON in .build/bench/) when installed, else a bash loop.
#       Targets: clusterpki >= 3x faster for RSA-2048, >= 10x for ECDSA-P256.
#       RUNS=10 (runs per command), BENCH_OUT=.build/bench, NO_HYPERFINE=1 (force the loop); TMPDIR=/dev/shm puts the trees on tmpfs
#       (clusterpki fsyncs every file, the openssl script does not: on a busy shared disk fsync latency
#       dominates the ECDSA figure, so run it both ways).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bench_tree() {
    require_cmd openssl python3
    info "building release: swift build -c release --product clusterpki"
    (cd "$REPO" && swift build -c release --product clusterpki) >/dev/null
    local bin; bin="$(cd "$REPO" && swift build -c release --show-bin-path)/clusterpki"
    check "release binary built: $bin" test -x "$bin"
    local out="${BENCH_OUT:-$REPO/.build/bench}" runs="${RUNS:-10}"
    mkdir -p "$out"
    mktemp_dir W clusterpki-bench
    local baseline="$REPO/scripts/baseline/openssl-tree.sh"
    local flags="--node-name bench-node --apiserver-advertise-address 127.0.0.1"
    info "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared machines add noise)"

    local names=() cmds=() algo
    for algo in RSA-2048 ECDSA-P256; do
        names+=("clusterpki $algo")
        cmds+=("mkdir $W/c-$algo && $bin certs generate all --kubernetes-dir $W/c-$algo --encryption-algorithm $algo $flags >/dev/null")
        names+=("openssl-tree.sh $algo")
        cmds+=("NODE_NAME=bench-node ADVERTISE_ADDRESS=127.0.0.1 $baseline $W/o-$algo $algo >/dev/null")
    done
    # sanity: both produce a full tree
    local i
    for i in "${!cmds[@]}"; do
        rm -rf "$W"/c-* "$W"/o-*
        check "${names[$i]}: produces the tree" bash -c "${cmds[$i]} && n=\$(find $W -name '*.crt' | wc -l) && test \$n -eq 10"
    done
    rm -rf "$W"/c-* "$W"/o-*

    local json="$out/bench-tree.json"
    if [[ "${NO_HYPERFINE:-0}" != 1 ]] && command -v hyperfine >/dev/null 2>&1; then
        local hf=(hyperfine --warmup 1 --runs "$runs" --export-json "$json" --prepare "rm -rf $W/c-RSA-2048 $W/c-ECDSA-P256 $W/o-RSA-2048 $W/o-ECDSA-P256")
        for i in "${!cmds[@]}"; do hf+=(-n "${names[$i]}" "${cmds[$i]}"); done
        "${hf[@]}"
    else
        info "hyperfine not installed: bash loop, $runs runs each"
        python3 - "$json" "$W" "$runs" "${names[@]}" -- "${cmds[@]}" <<'PY'
import json, subprocess, sys, time, shutil, glob, os
json_path, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rest = sys.argv[4:]; sep = rest.index("--"); names, cmds = rest[:sep], rest[sep + 1:]
results = []
for name, cmd in zip(names, cmds):
    times = []
    for i in range(runs + 1):
        for d in glob.glob(os.path.join(work, "[co]-*")): shutil.rmtree(d)
        t0 = time.perf_counter(); subprocess.run(["bash", "-c", cmd], check=True); dt = time.perf_counter() - t0
        if i > 0: times.append(dt)        # first run is the warm-up
    results.append({"command": name, "mean": sum(times) / len(times), "times": times})
    print(f"{name}: mean {results[-1]['mean']*1000:.1f} ms over {runs} runs")
json.dump({"results": results}, open(json_path, "w"), indent=2)
PY
    fi

    local report
    report="$(python3 - "$json" <<'PY'
import json, statistics, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
targets = {"RSA-2048": 3.0, "ECDSA-P256": 10.0}
print(f"{'algorithm':<11} {'clusterpki':>14} {'openssl-tree.sh':>16} {'ratio':>7}  target")
for algo, target in targets.items():
    c, o = r[f"clusterpki {algo}"], r[f"openssl-tree.sh {algo}"]
    sd = lambda x: statistics.pstdev(x["times"]) * 1000
    ratio = o["mean"] / c["mean"]
    ok = "met" if ratio >= target else "NOT met"
    print(f"{algo:<11} {c['mean']*1000:8.1f}±{sd(c):4.1f}ms {o['mean']*1000:9.1f}±{sd(o):5.1f}ms {ratio:6.2f}x  >= {target:g}x {ok}")
    print(f"RATIO {algo} {ratio:.3f} {target:g}")
PY
)"
    echo
    grep -v '^RATIO' <<<"$report"
    echo "(JSON: $json)"
    local a ratio target
    while read -r _ a ratio target; do
        check "$a: openssl-tree.sh / clusterpki = ${ratio}x >= ${target}x" \
            python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' "$ratio" "$target"
    done < <(grep '^RATIO' <<<"$report")
}

case "${1:-tree}" in
    tree) bench_tree ;;
    tokens|endpoint) echo "bench.sh $1: not implemented yet"; _FINISHED=1; exit 0 ;;
    *) echo "usage: scripts/bench.sh [tree|tokens|endpoint]" >&2; _FINISHED=1; exit 2 ;;
esac
finish

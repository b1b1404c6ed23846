#!/usr/bin/env bash
# libFuzzer (Swift's -sanitize=fuzzer,address) on the parsers that read files and request bodies.
#   scripts/fuzz.sh --list                       the targets and the modules each one links
#   scripts/fuzz.sh TARGET [SECONDS]             build, then fuzz TARGET for SECONDS (default 60)
#   scripts/fuzz.sh all [SECONDS]                every target in turn (CI: scripts/fuzz.sh all 30)
#   RUNS=1000000 scripts/fuzz.sh TARGET|all      a number of inputs instead of a time (the closing figures)
#   scripts/fuzz.sh TARGET --reproduce FILE...   runs the inputs once, e.g. a crash reproducer
# SwiftPM cannot link a libFuzzer executable (its entry-point rename collides with libFuzzer's main), so the library
# modules are built with the sanitizer into .build-fuzz/ and the entry is linked with swiftc against their objects.
# Seeds: Tests/Fuzz/TARGET/corpus/ (committed; libFuzzer only reads it). New inputs: .build-fuzz/corpus/TARGET/.
# A crash or a broken invariant is saved in .build-fuzz/crashes/TARGET/: fix the code, then add the file to the seeds.
set -euo pipefail

# ---- name | modules to build and import (M? = only if Sources/M exists) | -max_len | what is fuzzed
# Module renames go here only: entry files import no clusterpki module themselves.
TARGETS=(
    "csr             | ClusterPKICore                                  | 8192 | CSRDecoder.decode(pem:), decode(der:)"
    "pem             | ClusterPKICore                                  | 8192 | PEMBlock, PEMCertificates, PrivateKeyMaterial, PublicKeyBundle"
    "bootstrap-token | ClusterPKICore ClusterPKIAPI                    | 64   | BootstrapTokenString(parsing:), id(fromIDOrToken:)"
    "certificate-key | ClusterPKICore                                  | 128  | CertificateKey(parsing:)"
    "kubeconfig      | ClusterPKICore ClusterPKIKubeconfig             | 8192 | KubeConfig(yaml:path:), written back with yaml()"
    "policy          | ClusterPKICore                                  | 8192 | PKIPolicy(yaml:)"
    "kubeadm-config  | ClusterPKICore                                  | 8192 | KubeadmConfigFile(yaml:), apply(to:)"
    "go-duration     | ClusterPKICore                                  | 64   | GoDurationParser.seconds, GoDuration, goQuote"
    "jws             | ClusterPKICore                                  | 1024 | DetachedJWS.isValid against DetachedJWS.sign"
    "kubernetes-json | ClusterPKICore ClusterPKIAPI ClusterPKIServer   | 8192 | CSR, Secret, UserKubeconfig, CertificateUpload JSON bodies"
)

REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"
SCRATCH=.build-fuzz
SANITIZE=-sanitize=fuzzer,address
# The modules get libFuzzer's instrumentation without its runtime: -sanitize=fuzzer would also reach the build-tool
# executables SwiftPM links with the same flags (PolicyEmbedder), and libFuzzer's own main() breaks their link.
# These are the coverage kinds -sanitize=fuzzer turns on; the entry's link below adds libFuzzer itself.
MODULE_SANITIZE=(-sanitize=address -sanitize-coverage=edge,trace-cmp,indirect-calls,inline-8bit-counters,pc-table)
# Release runs 5-10 times more inputs per second than debug; -enable-testing keeps `@testable import` working.
CONFIG="${FUZZ_CONFIG:-release}"
BUILD=(--scratch-path "$SCRATCH" -c "$CONFIG")

field() { echo "$1" | cut -d'|' -f"$2" | xargs; }
row() {   # row NAME -> the table row of NAME
    local r; for r in "${TARGETS[@]}"; do [[ "$(field "$r" 1)" == "$1" ]] && { echo "$r"; return; }; done
    echo "unknown target '$1'; see scripts/fuzz.sh --list" >&2; return 1
}
modules() {   # modules ROW -> the modules that exist, one per line
    local m; for m in $(field "$1" 2); do
        if [[ "$m" == *\? ]]; then m="${m%\?}"; [[ -d "Sources/$m" ]] || continue; fi
        echo "$m"
    done
}

build_modules() {   # build_modules MODULE...: each library target with the sanitizer (incremental)
    mkdir -p "$SCRATCH/logs"
    local XSWIFTC=() f
    for f in "${MODULE_SANITIZE[@]}" -enable-testing; do XSWIFTC+=(-Xswiftc "$f"); done
    local m; for m in "$@"; do
        echo "==== swift build --target $m (${MODULE_SANITIZE[*]})"
        swift build "${BUILD[@]}" "${XSWIFTC[@]}" --target "$m" \
            >"$SCRATCH/logs/build-$m.log" 2>&1 ||
            { tail -30 "$SCRATCH/logs/build-$m.log"; echo "build of $m failed; log: $SCRATCH/logs/build-$m.log" >&2; return 1; }
    done
}

# Objects to link for MODULES: every dependency-package object built, and of this package's own targets only those
# MODULES reach (so stale objects of renamed or unrelated targets, tests and the CLI never enter the link).
objects() {
    local bin; bin="$(swift build "${BUILD[@]}" --show-bin-path)"
    swift package --scratch-path "$SCRATCH" describe --type json 2>/dev/null | python3 -c '
import json, os, sys
bin, wanted = sys.argv[1], sys.argv[2:]
targets = {t["name"]: t for t in json.load(sys.stdin)["targets"]}
closure, todo = set(), list(wanted)
while todo:
    name = todo.pop()
    if name in closure or name not in targets: continue
    closure.add(name); todo += targets[name].get("target_dependencies", [])
for entry in sorted(os.listdir(bin)):
    # Build-tool copies (NAME-tool.build, for the plugins host executables) duplicate the real modules.
    if not entry.endswith(".build") or entry.endswith("-tool.build"): continue
    name = entry[: -len(".build")]
    if name in targets and name not in closure: continue
    for root, _, files in os.walk(os.path.join(bin, entry)):
        for f in sorted(files):
            if f.endswith(".o"): sys.stdout.write(os.path.join(root, f) + "\0")
' "$bin" "$@"
}

link() {   # link TARGET: the fuzzer binary .build-fuzz/bin/fuzz-TARGET
    local target="$1" r; r="$(row "$target")"
    local bin mods=() objs=() maps=() m
    mapfile -t mods < <(modules "$r")
    bin="$(swift build "${BUILD[@]}" --show-bin-path)"
    mapfile -d '' objs < <(objects "${mods[@]}")
    for m in $(ls "$bin"/*.build/module.modulemap | grep -v -- '-tool\.build/') Sources/*/module.modulemap \
             $(find "$SCRATCH/checkouts" -name module.modulemap -path '*/include/*') \
             $(find "$SCRATCH/checkouts" -name module.modulemap -path '*/Sources/GRDBSQLite/*'); do
        [[ -f "$m" ]] && maps+=(-Xcc "-fmodule-map-file=$m")
    done
    mkdir -p "$SCRATCH/entries/$target" "$SCRATCH/bin"
    local entry="$SCRATCH/entries/$target/$target.swift"
    { for m in "${mods[@]}"; do echo "@testable import $m"; done; cat "Tests/Fuzz/$target/$target.swift"; } >"$entry"
    swiftc "$SANITIZE" -parse-as-library -module-name "Fuzz_${target//-/_}" -I "$bin/Modules" -I Sources/CLibCrypto \
        "${maps[@]}" "$entry" Tests/Fuzz/FuzzMain.swift "${objs[@]}" -lcrypto -lstdc++ -o "$SCRATCH/bin/fuzz-$target" \
        2> >(grep -v "Cannot export local symbol '__asan" >&2)   # ld.gold's warnings for ASan symbols are harmless
}

run() {   # run TARGET SECONDS: prints one summary line; returns non-zero on a crash
    local target="$1" seconds="$2" r len log
    r="$(row "$target")"; len="$(field "$r" 3)"
    mkdir -p "$SCRATCH/corpus/$target" "$SCRATCH/crashes/$target" "$SCRATCH/logs"
    log="$SCRATCH/logs/run-$target.log"
    local limit=(-max_total_time="$seconds"); [[ -n "${RUNS:-}" ]] && limit=(-runs="$RUNS")
    local dict=(); [[ -f "Tests/Fuzz/$target/dictionary" ]] && dict=(-dict="Tests/Fuzz/$target/dictionary")
    local t0=$SECONDS rc=0
    # The Swift runtime's backtracer would read the stack under ASan and be reported instead of the real failure.
    # LeakSanitizer is off: it reports the objects of lazily initialized Swift globals (`static let`) as leaked.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$SCRATCH/bin/fuzz-$target" "${limit[@]}" "${dict[@]}" -max_len="$len" -timeout=10 \
        -rss_limit_mb=2048 -detect_leaks=0 \
        -print_final_stats=1 -artifact_prefix="$SCRATCH/crashes/$target/" \
        "$SCRATCH/corpus/$target" "Tests/Fuzz/$target/corpus" >"$log" 2>&1 || rc=$?
    local done_line runs cov ft
    done_line="$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true)"
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    cov="$(echo "$done_line" | grep -o 'cov: [0-9]*' | cut -d' ' -f2 || true)"
    ft="$(echo "$done_line" | grep -o 'ft: [0-9]*' | cut -d' ' -f2 || true)"
    printf '%-16s %s: %s inputs in %ss, cov %s, ft %s, corpus %s\n' "$target" "$([[ $rc -eq 0 ]] && echo ok || echo CRASH)" \
        "${runs:-?}" "$((SECONDS - t0))" "${cov:-?}" "${ft:-?}" "$(ls "$SCRATCH/corpus/$target" | wc -l)"
    if [[ $rc -ne 0 ]]; then
        grep -E "ERROR: |Fatal error|invariant broken|SUMMARY|Test unit written" "$log" | head -10 >&2 || true
        echo "log: $log" >&2
    fi
    return $rc
}

case "${1:-}" in
    --list|"")
        printf '%-16s %-48s %s\n' TARGET MODULES WHAT
        for r in "${TARGETS[@]}"; do printf '%-16s %-48s %s\n' "$(field "$r" 1)" "$(field "$r" 2)" "$(field "$r" 4)"; done
        [[ -n "${1:-}" ]] || exit 2 ;;
    all)
        seconds="${2:-60}" failed=0 all=()
        for r in "${TARGETS[@]}"; do mapfile -t -O "${#all[@]}" all < <(modules "$r"); done
        mapfile -t all < <(printf '%s\n' "${all[@]}" | awk '!seen[$0]++')
        build_modules "${all[@]}"
        for r in "${TARGETS[@]}"; do
            t="$(field "$r" 1)"
            # A target whose entry no longer compiles counts as failed; the others still run.
            if ! link "$t"; then echo "$t: the fuzzer did not link (see above)"; failed=$((failed + 1)); continue; fi
            run "$t" "$seconds" || failed=$((failed + 1))
        done
        echo "$failed of ${#TARGETS[@]} targets crashed"
        [[ $failed -eq 0 ]] ;;
    *)
        target="$1"; r="$(row "$target")"
        mapfile -t mods < <(modules "$r")
        build_modules "${mods[@]}"
        link "$target"
        if [[ "${2:-}" == --reproduce ]]; then shift 2; SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 exec "$SCRATCH/bin/fuzz-$target" -detect_leaks=0 "$@"; fi
        run "$target" "${2:-60}" ;;
esac

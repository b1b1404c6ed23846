#!/usr/bin/env bash
# Everything CI runs: Debian packages, swift build, swift test, then the end-to-end scripts.
#   scripts/test.sh                 (as root, or with sudo available, for the apt-get step)
#   E2E="openssl-verify etcd-mtls" scripts/test.sh     run only these e2e scripts
#   SKIP_SWIFT_TEST=1 scripts/test.sh                   skip `swift test` (local iteration only)
#   FUZZ_SECONDS=0 scripts/test.sh                      skip the libFuzzer targets (default: 30 s each, scripts/fuzz.sh)
# Ends with "N passed, N failed" counting suites; exits non-zero if any suite failed.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"

SUITES_PASSED=0 SUITES_FAILED=0 RESULTS=()
suite_result() {   # suite_result NAME RC SECONDS
    if [[ $2 -eq 0 ]]; then SUITES_PASSED=$((SUITES_PASSED + 1)); RESULTS+=("PASS $1 (${3}s)")
    else SUITES_FAILED=$((SUITES_FAILED + 1)); RESULTS+=("FAIL $1 (exit $2, ${3}s)"); fi
}
summary() {
    echo
    echo "==== summary"
    local r; for r in "${RESULTS[@]}"; do echo "  $r"; done
    echo "$SUITES_PASSED passed, $SUITES_FAILED failed"
}
# run_suite NAME TIMEOUT cmd...
run_suite() {
    local name="$1" limit="$2"; shift 2
    echo
    echo "==== $name: $*"
    local t0=$SECONDS rc=0
    timeout --kill-after=30 "$limit" "$@" || rc=$?
    [[ $rc -eq 124 ]] && echo "$name: timed out after ${limit}s"
    suite_result "$name" "$rc" $((SECONDS - t0))
    return 0
}

# ---- 1. Debian packages (apt-get update only when something is missing)
PKGS=(etcd-server etcd-client faketime libssl-dev libsqlite3-dev openssl sqlite3 python3 python3-venv curl systemd chromium)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "==== installing: ${missing[*]}"
    SUDO=(); [[ $(id -u) -eq 0 ]] || SUDO=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    rc=0
    { "${SUDO[@]}" apt-get update -qq && "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } || rc=$?
    suite_result "apt-get install ${missing[*]}" "$rc" 0
    if [[ $rc -ne 0 ]]; then summary; exit 1; fi
else
    echo "==== Debian packages present: ${PKGS[*]}"
fi

# ---- 2. build (tests included) and swift test
run_suite "swift build --build-tests" 3600 swift build --build-tests
if [[ $SUITES_FAILED -gt 0 ]]; then summary; exit 1; fi
# The layout the README promises: swift-format's (.swift-format), files <= 250 lines, commands <= 80 lines.
run_suite "scripts/format.sh --check" 600 scripts/format.sh --check
run_suite "scripts/check-layout.sh" 120 scripts/check-layout.sh
if [[ "${SKIP_SWIFT_TEST:-0}" != 1 ]]; then
    run_suite "swift test" 1800 swift test
fi

# Every libFuzzer target for FUZZ_SECONDS (default 30; 0 skips), in the background at the lowest priority while the
# e2e suites run: its sanitized build and runs take the CPU the suites leave idle (they wait on servers, timers and
# faketime much of the time) instead of adding ~15 minutes to the run. Its result is counted before the summary.
FUZZ_SECONDS="${FUZZ_SECONDS:-30}" FUZZ_PID="" FUZZ_T0=$SECONDS
if [[ "$FUZZ_SECONDS" != 0 ]]; then
    mkdir -p .build
    echo "==== scripts/fuzz.sh all $FUZZ_SECONDS: in the background (nice 19), log .build/fuzz-all.log"
    timeout --kill-after=30 5400 nice -n 19 scripts/fuzz.sh all "$FUZZ_SECONDS" >.build/fuzz-all.log 2>&1 &
    FUZZ_PID=$!
fi

# ---- 3. Python tools of the e2e suites (PyPI, pinned in scripts/requirements.txt) in .build/venv
CLUSTERPKI_VENV="$REPO/.build/venv"
export CLUSTERPKI_VENV
rc=0
{ [[ -x "$CLUSTERPKI_VENV/bin/pip" ]] || python3 -m venv "$CLUSTERPKI_VENV"; } &&
    "$CLUSTERPKI_VENV/bin/pip" install -q --disable-pip-version-check -r "$REPO/scripts/requirements.txt" || rc=$?
if [[ $rc -ne 0 ]]; then suite_result "pip install -r scripts/requirements.txt" "$rc" 0; fi

# ---- 4. end-to-end scripts, fixed order
CLUSTERPKI="$(swift build --show-bin-path)/clusterpki"
export CLUSTERPKI
E2E="${E2E:-openssl-verify etcd-mtls etcd-ha-recipe ha-etcd crash-renew kubeconfig-kubectl tokens-concurrency upload-certs endpoint-kubectl join join-load connection-limits pkilint api-conformance rotate ca-rotation ca-rotation-crash systemd-units status-page state-key endpoint csr-kubectl node-credential install}"
for s in $E2E; do
    run_suite "e2e/$s" 1500 bash "$REPO/scripts/e2e/$s.sh" "$CLUSTERPKI"
done

if [[ -n "$FUZZ_PID" ]]; then
    echo
    echo "==== scripts/fuzz.sh all $FUZZ_SECONDS (started before the e2e suites; waiting for it)"
    rc=0; wait "$FUZZ_PID" || rc=$?
    grep -vE '^====' .build/fuzz-all.log | tail -n 40
    suite_result "scripts/fuzz.sh all $FUZZ_SECONDS (background)" "$rc" $((SECONDS - FUZZ_T0))
fi

summary
[[ $SUITES_FAILED -eq 0 ]]

#!/usr/bin/env bash
# Shared helpers for clusterpki's end-to-end scripts. Source it:  . "$(dirname "$0")/../lib.sh"
#
#   check "description" cmd args...     run cmd; count PASS/FAIL; print one line
#   check_not "description" cmd ...     passes when cmd fails
#   check_eq "description" EXPECTED ACTUAL
#   pass "description" / fail "description" [detail]
#   finish                              print "N passed, N failed"; exit 1 if any failed
#   mktemp_dir VAR                      temp dir removed on exit (unless KEEP_TMP=1)
#   spawn VAR cmd...                    start cmd in background, remember its PID for cleanup
#   stop_pid PID                        TERM, wait up to 10 s, then KILL
#   free_port [IP]                      print a free TCP port on IP (default 127.0.0.1)
#   wait_port IP PORT [SECONDS]         wait until something listens
#   clusterpki_bin                      print the clusterpki binary ($CLUSTERPKI or the debug build)
set -euo pipefail

LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="${REPO:-$(cd "$LIB_DIR/.." && pwd)}"
PASSED=0
FAILED=0
FAILED_NAMES=()
_TMP_DIRS=()
_PIDS=()

if [[ -t 1 ]]; then _G=$'\e[32m' _R=$'\e[31m' _Y=$'\e[33m' _N=$'\e[0m'; else _G='' _R='' _Y='' _N=''; fi

log()  { printf '%s\n' "$*"; }
info() { printf '%s--%s %s\n' "$_Y" "$_N" "$*"; }
pass() { PASSED=$((PASSED + 1)); printf '%sPASS%s %s\n' "$_G" "$_N" "$1"; }
fail() {
    FAILED=$((FAILED + 1)); FAILED_NAMES+=("$1")
    printf '%sFAIL%s %s\n' "$_R" "$_N" "$1"
    if [[ $# -gt 1 && -n "$2" ]]; then printf '%s\n' "$2" | head -n 20 | sed 's/^/     | /'; fi
}

# check DESCRIPTION cmd... : passes if cmd exits 0. Output of a failing cmd is shown (trimmed).
check() {
    local desc="$1"; shift
    local out rc=0
    out="$("$@" 2>&1)" || rc=$?
    if [[ $rc -eq 0 ]]; then pass "$desc"; else fail "$desc" "exit $rc: $out"; fi
    return 0
}
# check_not DESCRIPTION cmd... : passes if cmd exits non-zero.
check_not() {
    local desc="$1"; shift
    local out rc=0
    out="$("$@" 2>&1)" || rc=$?
    if [[ $rc -ne 0 ]]; then pass "$desc"; else fail "$desc" "unexpectedly succeeded: $out"; fi
    return 0
}
check_eq() {
    local desc="$1" expected="$2" actual="$3"
    if [[ "$expected" == "$actual" ]]; then pass "$desc"
    else fail "$desc" "expected: $expected"$'\n'"actual:   $actual"; fi
}

_FINISHED=0
finish() {
    _FINISHED=1
    echo
    if [[ $FAILED -gt 0 ]]; then
        echo "Failed checks:"
        local n; for n in "${FAILED_NAMES[@]}"; do echo "  - $n"; done
    fi
    echo "$PASSED passed, $FAILED failed"
    [[ $FAILED -eq 0 ]]
}

_cleanup() {
    local rc=$?
    local p d
    if [[ $_FINISHED == 0 ]]; then
        # the script died before finish (set -e, timeout, signal): count it as a failure
        echo
        echo "ABORTED (exit $rc) before all checks ran${_ERR_AT:+: $_ERR_AT}"
        echo "$PASSED passed, $((FAILED + 1)) failed"
        [[ $rc -eq 0 ]] && rc=1
    fi
    for p in "${_PIDS[@]:-}"; do [[ -n "$p" ]] && stop_pid "$p" quiet; done
    if [[ "${KEEP_TMP:-0}" != 1 ]]; then
        for d in "${_TMP_DIRS[@]:-}"; do
            [[ -n "$d" && -d "$d" ]] || continue
            chmod -R u+rwX "$d" 2>/dev/null || true
            rm -rf "$d"
        done
    else
        for d in "${_TMP_DIRS[@]:-}"; do [[ -n "$d" ]] && echo "kept $d"; done
    fi
    exit "$rc"
}
_ERR_AT=""
set -E
trap '_ERR_AT="line $LINENO of ${BASH_SOURCE[0]##*/}: $BASH_COMMAND (exit $?)"' ERR
trap _cleanup EXIT
trap 'exit 130' INT TERM

# mktemp_dir VAR [prefix]
mktemp_dir() {
    local __d
    __d="$(mktemp -d "${TMPDIR:-/tmp}/${2:-clusterpki-e2e}.XXXXXX")"
    chmod 0755 "$__d"
    _TMP_DIRS+=("$__d")
    printf -v "$1" '%s' "$__d"
}

# spawn VAR LOGFILE cmd... : start cmd in background with output to LOGFILE; PID into VAR.
spawn() {
    local __var="$1" __log="$2"; shift 2
    "$@" >"$__log" 2>&1 &
    local __pid=$!
    _PIDS+=("$__pid")
    printf -v "$__var" '%s' "$__pid"
}

# stop_pid PID [quiet]: SIGTERM, wait up to 10 s, then SIGKILL; reaps the child.
stop_pid() {
    local pid="$1" i
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        [[ "${2:-}" == quiet ]] || info "PID $pid did not stop on TERM; sending KILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    local p new=()
    for p in "${_PIDS[@]:-}"; do [[ -n "$p" && "$p" != "$pid" ]] && new+=("$p"); done
    _PIDS=("${new[@]:-}")
    return 0
}

# free_port [IP [PORT...]]: with no PORT, a kernel-chosen free port on IP; with PORTs,
# the first of them that is free on IP.
free_port() {
    python3 - "${1:-127.0.0.1}" "${@:2}" <<'PY'
import socket, sys
ip = sys.argv[1]; wanted = [int(p) for p in sys.argv[2:]] or [0]
fam = socket.AF_INET6 if ':' in ip else socket.AF_INET
for p in wanted:
    s = socket.socket(fam, socket.SOCK_STREAM)
    try:
        s.bind((ip, p)); print(s.getsockname()[1]); sys.exit(0)
    except OSError:
        pass
    finally:
        s.close()
sys.exit(1)
PY
}

# port_free IP PORT: exit 0 if PORT can be bound on IP.
port_free() { free_port "$1" "$2" >/dev/null; }

# wait_port IP PORT [SECONDS] [PID]: wait until IP:PORT accepts TCP connections (and PID still lives).
wait_port() {
    local ip="$1" port="$2" secs="${3:-30}" pid="${4:-}" i
    for ((i = 0; i < secs * 10; i++)); do
        if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
        if python3 -c 'import socket,sys; s=socket.create_connection((sys.argv[1], int(sys.argv[2])), 0.5); s.close()' "$ip" "$port" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

clusterpki_bin() {
    if [[ -n "${CLUSTERPKI:-}" ]]; then echo "$CLUSTERPKI"; return; fi
    local bin
    bin="$(cd "$REPO" && swift build --show-bin-path 2>/dev/null)/clusterpki"
    echo "$bin"
}

# require_cmd cmd... : abort (counted as a failure) if a tool is missing.
require_cmd() {
    local c
    for c in "$@"; do
        if ! command -v "$c" >/dev/null 2>&1; then
            fail "required tool '$c' is installed (run scripts/test.sh or apt-get install it)"
            finish; exit 1
        fi
    done
}

# tree_state DIR: one line per file and dir: mode, type, sha256 (files), path. For "changes nothing" checks.
tree_state() {
    local dir="$1"
    [[ -e "$dir" ]] || { echo "<absent>"; return 0; }
    (cd "$dir" && find . -printf '%m %y %p\n' | sort -k3 | while read -r mode type path; do
        if [[ "$type" == f ]]; then
            printf '%s %s %s %s\n' "$mode" "$type" "$(sha256sum "$path" | cut -c1-64)" "$path"
        else
            printf '%s %s - %s\n' "$mode" "$type" "$path"
        fi
    done)
}

# check_same DESCRIPTION BEFORE AFTER : like check_eq, but shows a diff (for tree_state output)
check_same() {
    if [[ "$2" == "$3" ]]; then pass "$1"
    else fail "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -n 16)"; fi
}

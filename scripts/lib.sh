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
#   tree_state DIR / check_same         snapshot of a directory (modes, hashes) and its comparison
#   ext_text, subject_field, san_norm, expected_sans, pem_types, pubkey_match, serial_ok, file_mode,
#   all_files_parse, all_pairs_match    X.509 checks with the openssl CLI
#   ca_bundle_of, pki_leaves_verify, pki_keys_match, kubeconfig_client_cert   whole-tree checks
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

# check DESCRIPTION cmd... : passes if cmd exits 0. Output of a failing cmd is shown (trimmed); with LAST_LOG
# set, the command's output is also kept in that file for the next check to grep.
check() {
    local desc="$1"; shift
    local out rc=0
    out="$("$@" 2>&1)" || rc=$?
    [[ -n "${LAST_LOG:-}" ]] && printf '%s\n' "$out" >"$LAST_LOG"
    if [[ $rc -eq 0 ]]; then pass "$desc"; else fail "$desc" "exit $rc: $out"; fi
    return 0
}
# check_not DESCRIPTION cmd... : passes if cmd exits non-zero.
check_not() {
    local desc="$1"; shift
    local out rc=0
    out="$("$@" 2>&1)" || rc=$?
    [[ -n "${LAST_LOG:-}" ]] && printf '%s\n' "$out" >"$LAST_LOG"
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

# spawn VAR LOGFILE cmd... : start cmd in background (stdin /dev/null) with output to LOGFILE; PID into VAR.
spawn() {
    local __var="$1" __log="$2"; shift 2
    "$@" </dev/null >"$__log" 2>&1 &
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

# ---- X.509 checks with the openssl CLI

# ext_text CERT EXTNAME -> "critical|<value line(s) joined with ' '>" or "" when absent
ext_text() {
    openssl x509 -in "$1" -noout -ext "$2" 2>/dev/null | awk '
        NR == 1 { crit = ($0 ~ /critical/) ? "critical" : ""; next }
        { sub(/^ +/, ""); v = (v == "" ? $0 : v " " $0) }
        END { if (NR > 0) printf "%s|%s", crit, v }'
}

# subject_field CERT FIELD -> values of FIELD (CN, O), one per line, in order
subject_field() {
    openssl x509 -in "$1" -noout -subject -nameopt sep_multiline,sname,esc_2253 |
        sed -n "s/^ *$2=//p"
}

# san_norm CERT -> SANs normalised ("DNS:x" / "IP:y" with canonical IP text), sorted, one per line
san_norm() {
    ext_text "$1" subjectAltName | cut -d'|' -f2 | python3 -c '
import ipaddress, sys
raw = sys.stdin.read().strip()
out = []
for item in filter(None, (s.strip() for s in raw.split(","))):
    kind, _, val = item.partition(":")
    if kind == "IP Address":
        out.append("IP:" + str(ipaddress.ip_address(val)))
    elif kind == "DNS":
        out.append("DNS:" + val)
    else:
        out.append(item)
print("\n".join(sorted(out)))'
}

# expected_sans "a" "b" ... -> normalised like san_norm (IPs detected by parsing)
expected_sans() {
    python3 -c '
import ipaddress, sys
out = set()
for v in sys.argv[1:]:
    if not v: continue
    try: out.add("IP:" + str(ipaddress.ip_address(v)))
    except ValueError: out.add("DNS:" + v)
print("\n".join(sorted(out)))' "$@"
}

# pem_types FILE -> the PEM BEGIN types in FILE, space-separated
pem_types() { sed -n 's/^-----BEGIN \(.*\)-----$/\1/p' "$1" | paste -sd' ' -; }

# pubkey_match CERT KEY: exit 0 if the cert's public key is the key's public key
pubkey_match() {
    local a b
    a="$(openssl x509 -in "$1" -noout -pubkey 2>/dev/null | openssl pkey -pubin -outform DER 2>/dev/null | sha256sum)" || return 1
    b="$(openssl pkey -in "$2" -pubout -outform DER 2>/dev/null | sha256sum)" || return 1
    [[ "$a" == "$b" && "$a" != "$(printf '' | sha256sum)" ]]
}

# enddate_epoch CERT
enddate_epoch() { date -u -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%s; }
startdate_epoch() { date -u -d "$(openssl x509 -in "$1" -noout -startdate | cut -d= -f2)" +%s; }

# serial_ok CERT: positive and at most 20 DER content octets (value < 2^159)
serial_ok() {
    local s
    s="$(openssl x509 -in "$1" -noout -serial | cut -d= -f2)"
    python3 -c 'import sys; s=sys.argv[1]; v=int(s,16) if not s.startswith("-") else -1; sys.exit(0 if 0 < v and v.bit_length() <= 159 else 1)' "$s"
}

# file_mode PATH -> octal mode, e.g. 600
file_mode() { stat -c '%a' "$1"; }

# all_pairs_parse PKIDIR: every *.crt / *.key / *.pub outside journal dirs parses completely.
# Prints the offending files; exit 1 if any.
all_files_parse() {
    local dir="$1" f bad=0
    while IFS= read -r f; do
        case "$f" in
            *.crt) openssl x509 -in "$f" -noout >/dev/null 2>&1 || { echo "does not parse: $f"; bad=1; } ;;
            *.key) openssl pkey -in "$f" -noout >/dev/null 2>&1 || { echo "does not parse: $f"; bad=1; } ;;
            *.pub) openssl pkey -pubin -in "$f" -noout >/dev/null 2>&1 || { echo "does not parse: $f"; bad=1; } ;;
        esac
    done < <(find "$dir" -path '*/.clusterpki-txn-*' -prune -o -type f \( -name '*.crt' -o -name '*.key' -o -name '*.pub' \) -print)
    return $bad
}

# all_pairs_match PKIDIR: every X.crt (except a CA cert without key) has X.key whose public key matches; sa.pub matches sa.key.
all_pairs_match() {
    local dir="$1" c k bad=0
    while IFS= read -r c; do
        k="${c%.crt}.key"
        if [[ ! -f "$k" ]]; then
            # a CA cert without its key is the external-CA layout (and the guide's HOST1/HOST2): allowed
            case "${c##*/}" in ca.crt|front-proxy-ca.crt) continue ;; esac
            echo "no key for $c"; bad=1; continue
        fi
        pubkey_match "$c" "$k" || { echo "key does not match cert: $c"; bad=1; }
    done < <(find "$dir" -path '*/.clusterpki-txn-*' -prune -o -type f -name '*.crt' -print)
    if [[ -f "$dir/sa.key" ]]; then
        [[ "$(openssl pkey -in "$dir/sa.key" -pubout -outform DER 2>/dev/null | sha256sum)" == \
           "$(openssl pkey -pubin -in "$dir/sa.pub" -outform DER 2>/dev/null | sha256sum)" ]] ||
            { echo "sa.pub does not match sa.key"; bad=1; }
    fi
    return $bad
}

# ---- the PKI tree: which bundle verifies a leaf, whole-tree verification, key/certificate pairs

# ca_bundle_of PATH-RELATIVE-TO-PKI -> the bundle (relative to pki) that must verify that leaf
ca_bundle_of() {
    case "$1" in etcd/*|apiserver-etcd-client.crt) echo etcd/ca.crt ;; front-proxy-client.crt) echo front-proxy-ca.crt ;; *) echo ca.crt ;; esac
}

# kubeconfig_client_cert KUBECONFIG -> the PEM of its first user's client certificate (embedded, or the file it names)
kubeconfig_client_cert() {
    python3 - "$1" <<'PY'
import base64, sys, yaml
user = yaml.safe_load(open(sys.argv[1]))["users"][0]["user"]
if "client-certificate-data" in user:
    print(base64.b64decode(user["client-certificate-data"]).decode(), end="")
else:  # the kubelet's own PEM file (kubelet.conf after a join)
    print(open(user["client-certificate"]).read(), end="")
PY
}

# pki_leaves_verify KDIR SCRATCH: every leaf of KDIR/pki and every KDIR/*.conf client certificate verifies with its
# bundle (openssl verify, one run per bundle); prints what does not. SCRATCH is a writable directory.
pki_leaves_verify() {
    local k="$1" scratch="$2" pki="$1/pki" f rel out
    local -a main=() etcd=() proxy=()
    while IFS= read -r f; do
        rel="${f#$pki/}"
        case "$rel" in ca.crt|front-proxy-ca.crt|etcd/ca.crt|*.next.crt) continue ;; esac
        case "$(ca_bundle_of "$rel")" in etcd/ca.crt) etcd+=("$f") ;; front-proxy-ca.crt) proxy+=("$f") ;; *) main+=("$f") ;; esac
    done < <(find "$pki" -name '*.crt' ! -path '*/.clusterpki-txn-*' | sort)
    mkdir -p "$scratch"
    for f in "$k"/*.conf; do
        [[ -f "$f" ]] || continue
        kubeconfig_client_cert "$f" >"$scratch/$(basename "$f").crt" || { echo "unreadable: $f"; return 1; }
        main+=("$scratch/$(basename "$f").crt")
    done
    out="$( { [[ ${#main[@]} -eq 0 ]] || openssl verify -CAfile "$pki/ca.crt" "${main[@]}"; } 2>&1 \
         && { [[ ${#etcd[@]} -eq 0 ]] || openssl verify -CAfile "$pki/etcd/ca.crt" "${etcd[@]}"; } 2>&1 \
         && { [[ ${#proxy[@]} -eq 0 ]] || openssl verify -CAfile "$pki/front-proxy-ca.crt" "${proxy[@]}"; } 2>&1)" \
        || { grep -v ': OK$' <<<"$out"; return 1; }
}

# pki_keys_match PKIDIR: every X.key in PKIDIR (but sa.key and the state key) matches X.crt; prints the ones that do not
pki_keys_match() {
    local key crt bad=""
    while IFS= read -r key; do
        crt="${key%.key}.crt"
        [[ -f "$crt" ]] || continue
        [[ "$(openssl pkey -in "$key" -pubout 2>/dev/null)" == "$(openssl x509 -in "$crt" -noout -pubkey 2>/dev/null)" ]] || bad+="${key#$1/} "
    done < <(find "$1" -name '*.key' ! -name sa.key ! -name clusterpki-state.key ! -path '*/.clusterpki-txn-*' | sort)
    [[ -z "$bad" ]] || { echo "keys not matching: $bad"; return 1; }
}

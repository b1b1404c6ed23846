#!/usr/bin/env bash
# `clusterpki rotate` as a timer runs it: nothing due on a fresh tree (exit 0, report written, idempotent),
# --dry-run writes nothing (no file, no report, no audit event), and a broken certificate makes the run exit 1
# listing it while the report says "succeeded": false. Time travel (due and expired certificates) is covered
# by the Swift tests (RotationJobTests), which inject the clock.
#
#   CLUSTERPKI=/path/to/clusterpki scripts/e2e/rotate.sh        (ends with "N passed, N failed")
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_cmd python3 sha256sum

BIN="$(clusterpki_bin)"
[[ -x "$BIN" ]] || { fail "clusterpki binary exists at $BIN"; finish; exit 1; }
mktemp_dir WORK rotate
K="$WORK/kubernetes"
DB="$WORK/state/state.db"
mkdir -p "$WORK/state"
tree_hash() { (cd "$K" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum; }

check "certs generate all" "$BIN" certs generate all --kubernetes-dir "$K" --encryption-algorithm ECDSA-P256 --node-name cp-1 \
    --apiserver-advertise-address 10.0.0.10
check "kubeconfig generate all" "$BIN" kubeconfig generate all --kubernetes-dir "$K" --db "$DB" --node-name cp-1 --apiserver-advertise-address 10.0.0.10

before="$(tree_hash)"
audit_rows() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from auditEvent").fetchone()[0])' "$DB"; }
audit_before="$(audit_rows)"
out="$("$BIN" rotate --kubernetes-dir "$K" --db "$DB" --dry-run --report "$WORK/dry.json" 2>&1)" && rc=0 || rc=$?
check_eq "dry run on a fresh tree exits 0" 0 "$rc"
check_eq "dry run changes no file" "$before" "$(tree_hash)"
check_not "dry run writes no report file" test -e "$WORK/dry.json"
check_eq "dry run records no audit event" "$audit_before" "$(audit_rows)"

out="$("$BIN" rotate --kubernetes-dir "$K" --db "$DB" --report "$WORK/r1.json" --restart-hook "touch $WORK/hook-ran" 2>&1)" && rc=0 || rc=$?
check_eq "rotate on a fresh tree exits 0" 0 "$rc"
check_eq "nothing was due, nothing changed" "$before" "$(tree_hash)"
check_not "the hook does not run when nothing was renewed" test -e "$WORK/hook-ran"
check_eq "report: succeeded, 0 renewed, 12 not due (11 + this node's kubelet.conf)" "True 0 12" \
    "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["succeeded"], len(r["renewed"]), len(r["notDue"]))' "$WORK/r1.json")"

echo "garbage" >"$K/pki/front-proxy-client.crt"
err="$("$BIN" rotate --kubernetes-dir "$K" --db "$DB" --report "$WORK/r2.json" 2>&1 >/dev/null)" && rc=0 || rc=$?
check_eq "a broken certificate makes rotate exit 1" 1 "$rc"
check "stderr lists the broken certificate" grep -q -- "- front-proxy-client:" <<<"$err"
check_eq "report: succeeded false, failed lists it" "False ['front-proxy-client']" \
    "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["succeeded"], [f["name"] for f in r["failed"]])' "$WORK/r2.json")"

finish

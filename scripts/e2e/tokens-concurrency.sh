#!/usr/bin/env bash
# Multi-process checks of the token store: 50 concurrent `token create`, and 8 processes racing for a
# `--max-uses 3` token. Usage: scripts/e2e/tokens-concurrency.sh PATH/TO/clusterpki
. "$(dirname "$0")/../lib.sh"
BIN="${1:-$(clusterpki_bin)}"
mktemp_dir WORK
OPTS=(--db "$WORK/state.db" --kubernetes-dir "$WORK/kubernetes")

# 1. Fifty processes create tokens at once, on a database and key that do not exist yet.
for i in $(seq 1 50); do
    ( "$BIN" token create "${OPTS[@]}" --description "e2e $i" >"$WORK/create.$i.out" 2>"$WORK/create.$i.err"; echo $? >"$WORK/create.$i.rc" ) &
done
wait
all_zero() { for i in $(seq 1 50); do [ "$(cat "$WORK/create.$i.rc")" = 0 ] || { cat "$WORK/create.$i.err" >&2; return 1; }; done; }
check "50 concurrent token create exit 0" all_zero
distinct_ids() { [ "$(cat "$WORK"/create.*.out | cut -d. -f1 | sort -u | wc -l)" -eq 50 ]; }
check "50 distinct token ids" distinct_ids
listed_50() { [ "$("$BIN" token list "${OPTS[@]}" -o json | grep -c '"kind": "BootstrapToken"')" -eq 50 ]; }
check "token list -o json shows 50 tokens" listed_50
key_mode() { [ "$(stat -c %a "$WORK/kubernetes/pki/clusterpki-state.key")" = 600 ] && [ "$(stat -c %a "$WORK/state.db")" = 600 ]; }
check "key file and database are 0600" key_mode

# 2. Eight processes race to consume a token that allows three uses.
TOKEN=$("$BIN" token create "${OPTS[@]}" --max-uses 3)
for i in $(seq 1 8); do
    ( "$BIN" token authenticate "${OPTS[@]}" --client "node-$i" "$TOKEN" >/dev/null 2>&1; echo $? >"$WORK/auth.$i.rc" ) &
done
wait
three_successes() { [ "$(cat "$WORK"/auth.*.rc | grep -c '^0$')" -eq 3 ]; }
check "8 racing consumers of a --max-uses 3 token: exactly 3 succeed" three_successes

# 3. The database alone does not reveal a token secret.
no_secret_in_dump() { ! sqlite3 "$WORK/state.db" .dump | grep -q "${TOKEN#*.}"; }
check "sqlite3 .dump holds no token secret" no_secret_in_dump

# 4. `audit prune` keeps the newest --max-rows events (and the policy's audit.maxAge otherwise).
rows() { sqlite3 "$WORK/state.db" 'SELECT count(*) FROM auditEvent'; }
before="$(rows)"
newest="$(sqlite3 "$WORK/state.db" 'SELECT max(id) FROM auditEvent')"
check "the races left audit events to prune ($before)" test "$before" -gt 10
out="$("$BIN" audit prune "${OPTS[@]}" --max-rows 10)"
check_eq "audit prune says how many it deleted" "deleted $((before - 10)) audit events" "$out"
check_eq "  ... and ten rows are left" 10 "$(rows)"
check_eq "a second prune deletes nothing" "deleted 0 audit events" "$("$BIN" audit prune "${OPTS[@]}" --max-rows 10)"
check_eq "  ... the newest event was kept" "$newest" "$(sqlite3 "$WORK/state.db" 'SELECT max(id) FROM auditEvent')"
finish

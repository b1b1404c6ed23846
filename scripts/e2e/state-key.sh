#!/usr/bin/env bash
# The state key and its database belong together (issue 14 item 1): after `init --kubernetes-dir K --db D`, every
# state command run with only `--db D` (and `--cert-dir` where it needs the tree) finds the key through the
# database; read-only commands create nothing; no command creates a second key; a missing or foreign key is an
# error naming the database, the key file and the flag that fixes it.
#
#   CLUSTERPKI=/path/to/clusterpki scripts/e2e/state-key.sh        (ends with "N passed, N failed")
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_cmd sha256sum
BIN="$(clusterpki_bin)"
mktemp_dir W state-key
K="$W/cluster"
D="$W/data/state.db"
KEY="$K/pki/clusterpki-state.key"
DEFAULT_KEY=/etc/kubernetes/pki/clusterpki-state.key
default_key_before="$(test -e "$DEFAULT_KEY" && sha256sum "$DEFAULT_KEY" || echo absent)"
check "init --kubernetes-dir K --db D" "$BIN" init --kubernetes-dir "$K" --db "$D" --node-name cp1 \
    --apiserver-advertise-address 127.0.0.1 --encryption-algorithm ECDSA-P256
files() { (cd "$W" && find . ! -name '*-wal' ! -name '*-shm' | sort); }
key_ok() { test -s "$KEY" && ! test -e "$W/data/clusterpki-state.key"; }
check "the key is K/pki/clusterpki-state.key, nothing beside the database" key_ok

# Read-only commands: succeed, create nothing.
for cmd in "token list" "token list -o json" "kubeconfig list" "kubeconfig list -o json" "ca status --cert-dir $K/pki" \
    "sa status --cert-dir $K/pki" "rotate --dry-run --cert-dir $K/pki"; do
    before="$(files)"
    # shellcheck disable=SC2086
    check "$cmd --db D (no --kubernetes-dir)" "$BIN" $cmd --db "$D"
    check_eq "  ... created no file" "$before" "$(files)"
done
lists_token() { "$BIN" token list --db "$D" | grep -Eq '^[a-z0-9]{6}\.[a-z0-9]{16} '; }
check "token list without --kubernetes-dir shows init's token" lists_token

# Writing commands: the recorded key, never a new one.
check "token create --db D" "$BIN" token create abcdef.0123456789abcdef --db "$D"
check "token authenticate --db D" "$BIN" token authenticate abcdef.0123456789abcdef --db "$D"
check "token delete --db D" "$BIN" token delete abcdef --db "$D"
check "token sweep --db D" "$BIN" token sweep --db "$D"
CERT_KEY="$(printf 'ab%.0s' $(seq 1 32))"
check "upload-certs --cert-dir K/pki --db D" "$BIN" upload-certs --certificate-key "$CERT_KEY" --cert-dir "$K/pki" --db "$D"
check "download-certs --cert-dir OTHER --db D" "$BIN" download-certs --certificate-key "$CERT_KEY" --cert-dir "$W/cp2/pki" --db "$D"
check "still one key, at K/pki" key_ok
check_eq "the default key /etc/kubernetes/pki/clusterpki-state.key was not created or changed" "$default_key_before" \
    "$(test -e "$DEFAULT_KEY" && sha256sum "$DEFAULT_KEY" || echo absent)"

# A read-only command on a database that does not exist creates nothing at all.
check "token list --db MISSING prints an empty list" "$BIN" token list --db "$W/nowhere/state.db"
check "kubeconfig list --db MISSING" "$BIN" kubeconfig list --db "$W/nowhere/state.db"
check_not "  ... and created neither the database, its directory nor a key" test -e "$W/nowhere"

# kubeconfig list needs no key; without the key, commands that need it say so and create none.
mv "$KEY" "$W/key.saved"
check "kubeconfig list --db D without the key file" "$BIN" kubeconfig list --db "$D"
for cmd in "token list" "token create" "token sweep"; do
    # shellcheck disable=SC2086
    err="$("$BIN" $cmd --db "$D" 2>&1)" && rc=0 || rc=$?
    check_eq "$cmd without the key fails" 1 "$rc"
    check "  ... naming the database, the key file and --kubernetes-dir" \
        bash -c 'grep -qF -- "$1" <<<"$4" && grep -qF -- "$2" <<<"$4" && grep -qF -- "$3" <<<"$4"' _ "$D" "$KEY" "--kubernetes-dir" "$err"
done
check_not "no command created a new key" test -e "$KEY"
check_not "  ... nor one beside the database" test -e "$W/data/clusterpki-state.key"
mv "$W/key.saved" "$KEY"

# Another cluster's key is a mismatch naming both files.
check "another cluster's store" "$BIN" token create --db "$W/other.db" --kubernetes-dir "$W/other"
err="$("$BIN" token list --db "$D" --kubernetes-dir "$W/other" 2>&1)" && rc=0 || rc=$?
check_eq "token list with another cluster's --kubernetes-dir fails" 1 "$rc"
check "  ... naming both key files" bash -c 'grep -qF -- "$1" <<<"$3" && grep -qF -- "$2" <<<"$3"' _ "$KEY" "$W/other/pki/clusterpki-state.key" "$err"
check "  ... and the flags" bash -c 'grep -qF -- "--kubernetes-dir" <<<"$1" && grep -qF -- "--db" <<<"$1"' _ "$err"

# A new database named only by --db gets its key beside it.
check "token create --db NEW" "$BIN" token create --db "$W/new/state.db"
check "  ... its key is beside it" test -s "$W/new/clusterpki-state.key"
finish

#!/usr/bin/env bash
# upload-certs / download-certs end to end: an independent implementation (Python `cryptography` AESGCM)
# decrypts the stored upload using only the printed key and kubeadm's layout (nonce 12 ‖ ciphertext ‖ tag 16);
# download is all-or-nothing; a wrong key writes nothing; after two hours (faketime) the rows are deleted.
. "$(dirname "$0")/../lib.sh"
BIN="$(clusterpki_bin)"
mktemp_dir W

out="$("$BIN" init --kubernetes-dir "$W/cp1" --db "$W/state.db" --upload-certs --node-name cp1 \
      --apiserver-advertise-address 127.0.0.1 --encryption-algorithm ECDSA-P256)"
KEY="$(printf '%s\n' "$out" | grep -A1 '^\[upload-certs\] Using certificate key:' | tail -1)"
check "init --upload-certs prints kubeadm's upload lines" grep -q 'Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace' <<<"$out"
check "the printed certificate key is 64 lowercase hex characters" grep -Eq '^[0-9a-f]{64}$' <<<"$KEY"

# Independent decryption straight from the SQLite file.
for name in ca.key ca.crt front-proxy-ca.key sa.key sa.pub etcd-ca.key; do
    file="$W/cp1/pki/$(sed 's/^etcd-/etcd\//' <<<"$name")"
    hex="$(sqlite3 "$W/state.db" "SELECT hex(value) FROM uploadBlob WHERE key = '$name'")"
    check "Python AESGCM decrypts $name to the file's exact bytes" python3 - "$KEY" "$hex" "$file" <<'PY'
import sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
key, blob, path = bytes.fromhex(sys.argv[1]), bytes.fromhex(sys.argv[2]), sys.argv[3]
plain = AESGCM(key).decrypt(blob[:12], blob[12:], None)
sys.exit(0 if plain == open(path, "rb").read() else 1)
PY
done

dump="$(sqlite3 "$W/state.db" .dump)"
check_not "the database dump holds no plaintext private key" grep -q 'PRIVATE KEY' <<<"$dump"
check_not "the database dump holds no certificate key" grep -qi "$KEY" <<<"$dump"
TOKEN="$(printf '%s\n' "$out" | sed -n 's/^\[bootstrap-token\] Using token: //p')"
check_not "the database dump holds no bootstrap token secret" grep -q "${TOKEN#*.}" <<<"$dump"

# Wrong key: clear error, nothing written.
mkdir -p "$W/cp2/pki"
wrong="$(python3 -c 'import os;print(os.urandom(32).hex())')"
err="$("$BIN" download-certs --certificate-key "$wrong" --kubernetes-dir "$W/cp1" --cert-dir "$W/cp2/pki" --db "$W/state.db" 2>&1)" && rc=0 || rc=$?
check_eq "download with a wrong key fails" 1 "$rc"
check "the wrong-key error says what to do" grep -q 'does not decrypt' <<<"$err"
check_eq "a wrong key writes nothing" "" "$(find "$W/cp2" -type f | head -1)"
check_not "a malformed key is refused" "$BIN" download-certs --certificate-key abc --kubernetes-dir "$W/cp1" --cert-dir "$W/cp2/pki" --db "$W/state.db"

# Right key: every shared file restored byte for byte with kubeadm's modes.
check "download-certs with the printed key succeeds" "$BIN" download-certs --certificate-key "$KEY" --kubernetes-dir "$W/cp1" --cert-dir "$W/cp2/pki" --db "$W/state.db"
for f in ca.crt ca.key front-proxy-ca.crt front-proxy-ca.key sa.key sa.pub etcd/ca.crt etcd/ca.key; do
    check "cp2 $f is identical to cp1's" cmp -s "$W/cp1/pki/$f" "$W/cp2/pki/$f"
done
check_eq "downloaded private keys are 0600" 600 "$(stat -c %a "$W/cp2/pki/ca.key")"
check_eq "downloaded certificates are 0644" 644 "$(stat -c %a "$W/cp2/pki/ca.crt")"

# Re-upload replaces: the old key no longer decrypts, the new one does.
new="$("$BIN" upload-certs --kubernetes-dir "$W/cp1" --db "$W/state.db" | tail -1)"
check_not "after re-upload the old key is useless" "$BIN" download-certs --certificate-key "$KEY" --kubernetes-dir "$W/cp1" --cert-dir "$W/cp3/pki" --db "$W/state.db"
check "after re-upload the new key works" "$BIN" download-certs --certificate-key "$new" --kubernetes-dir "$W/cp1" --cert-dir "$W/cp3/pki" --db "$W/state.db"

# Two hours later the upload is deleted, not hidden, and download says how to re-upload.
if command -v faketime >/dev/null; then
    later="$(date -u -d '+2 hours +1 minute' '+%Y-%m-%d %H:%M:%S')"
    err="$(faketime "$later" "$BIN" download-certs --certificate-key "$new" --kubernetes-dir "$W/cp1" --cert-dir "$W/cp4/pki" --db "$W/state.db" 2>&1)" && rc=0 || rc=$?
    check_eq "download after two hours fails" 1 "$rc"
    check "the expiry error says to run upload-certs" grep -q 'clusterpki upload-certs' <<<"$err"
    check_eq "the expired upload's rows are gone from the database" 0 "$(sqlite3 "$W/state.db" 'SELECT count(*) FROM uploadBlob')"
else
    fail "faketime is installed (scripts/test.sh installs it)"
fi
finish

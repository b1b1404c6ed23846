#!/usr/bin/env bash
# Regenerates the CSR vectors of CSRDecoderTests (Tests/ClusterPKICoreTests/Fixtures/CSR) with openssl and python3;
# the csr fuzz target's seed corpus (Tests/Fuzz/csr/corpus) is a copy of them.
#   scripts/generate-csr-fixtures.sh
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$REPO/Tests/ClusterPKICoreTests/Fixtures/CSR"
CORPUS="$REPO/Tests/Fuzz/csr/corpus"
mkdir -p "$OUT" "$CORPUS"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
SUBJ="/O=system:nodes/CN=system:node:worker-1"

req() {   # req NAME KEYFILE: a CSR for the node subject, signed with KEYFILE
    openssl req -new -key "$2" -subj "$SUBJ" -addext "subjectAltName=DNS:worker-1,IP:10.0.0.11" -out "$OUT/$1.csr"
}
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TMP/p256.key" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$TMP/rsa2048.key" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$TMP/rsa1024.key" 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$TMP/ed25519.key"
openssl ecparam -name secp256k1 -genkey -noout -out "$TMP/secp256k1.key"
for k in p256 rsa2048 rsa1024 ed25519 secp256k1; do req "$k" "$TMP/$k.key"; done
openssl req -x509 -new -key "$TMP/p256.key" -subj "/CN=not-a-request" -days 1 -out "$OUT/certificate.csr"
cp "$TMP/p256.key" "$OUT/private-key.csr"

python3 - "$OUT" <<'PY'
import base64, re, sys
out = sys.argv[1]
text = open(f"{out}/p256.csr").read()
der = base64.b64decode("".join(re.findall(r"^[A-Za-z0-9+/=]+$", text, re.M)))
def pem(body, eol="\n"):
    return eol.join(["-----BEGIN CERTIFICATE REQUEST-----", *body.rstrip("\n").split("\n"),
                     "-----END CERTIFICATE REQUEST-----"]) + eol
# Python's base64.encodebytes wraps at 76 columns (what broke SwiftASN1's 64-column parser).
open(f"{out}/p256-76-columns.csr", "w").write(pem(base64.encodebytes(der).decode()))
open(f"{out}/p256-one-line.csr", "w").write(pem(base64.b64encode(der).decode()))
open(f"{out}/p256-crlf.csr", "w", newline="").write(pem(base64.encodebytes(der).decode(), "\r\n"))
open(f"{out}/p256-surrounded.csr", "w").write("Certificate request for worker-1:\n\n" + text + "\n(end of request)\n")
# One byte of the subject changed: the structure parses, the signature no longer verifies.
tampered = der.replace(b"worker-1", b"worker-2", 1)
assert tampered != der
open(f"{out}/p256-tampered.csr", "w").write(pem(base64.encodebytes(tampered).decode()))
# A certificate's DER in a CERTIFICATE REQUEST block.
cert = open(f"{out}/certificate.csr").read()
cert_der = base64.b64decode("".join(re.findall(r"^[A-Za-z0-9+/=]+$", cert, re.M)))
open(f"{out}/certificate-der-in-request-block.csr", "w").write(pem(base64.encodebytes(cert_der).decode()))
# A BEGIN line without its END line.
open(f"{out}/p256-no-end.csr", "w").write(text.split("-----END")[0])
PY
cp "$OUT"/*.csr "$CORPUS/"
ls "$OUT"

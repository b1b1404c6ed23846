#!/usr/bin/env python3
"""Pre-generates COUNT kubelet client CSRs (P-256 keys, CN=system:node:bench-<i>, O=system:nodes) for the signing
benchmark, so that the load generator spends nothing on key generation. One line per CSR:
    <base64 of the PEM CSR> TAB <the PEM as a JSON string body, newlines escaped>
    make-csrs.py COUNT OUTFILE
"""
import base64, json, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

count, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    for i in range(count):
        key = ec.generate_private_key(ec.SECP256R1())
        csr = (x509.CertificateSigningRequestBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "system:nodes"),
                                        x509.NameAttribute(NameOID.COMMON_NAME, f"system:node:bench-{i}")]))
               .sign(key, hashes.SHA256()))
        pem = csr.public_bytes(serialization.Encoding.PEM)
        f.write(base64.b64encode(pem).decode() + "\t" + json.dumps(pem.decode())[1:-1] + "\n")

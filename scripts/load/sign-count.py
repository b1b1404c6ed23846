#!/usr/bin/env python3
"""Sends exactly COUNT CSR-creation requests to clusterpki serve, one after another over one TLS keep-alive
connection (deterministic work for scripts/bench.sh endpoint-instructions; the client's own CPU is not measured).
    sign-count.py URL CA_FILE TOKEN CSR_FILE COUNT TAG [cfssl]
CSR_FILE is make-csrs.py's output. Exits 1 unless every request returned 201 with status.certificate.
With `cfssl`, the requests are cfssl's sign-only API instead (POST /api/v1/cfssl/sign {"certificate_request": PEM},
200 with result.certificate; TOKEN is not sent): the signing-floor peer.
"""
import http.client, ssl, sys, urllib.parse

url, ca, token, csr_file, count, tag = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
cfssl = len(sys.argv) > 7 and sys.argv[7] == "cfssl"
u = urllib.parse.urlsplit(url)
csrs = [line.rstrip("\n").split("\t", 1)[1 if cfssl else 0] for line in open(csr_file) if line.strip()]
ctx = ssl.create_default_context(cafile=ca)
conn = http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=600)
headers = {"Content-Type": "application/json", "Accept": "application/json"}
if not cfssl:
    headers["Authorization"] = "Bearer " + token
ok = 0
path, want = ("/api/v1/cfssl/sign", 200) if cfssl else ("/apis/certificates.k8s.io/v1/certificatesigningrequests", 201)
for i in range(count):
    if cfssl:
        body = '{"certificate_request":"' + csrs[i % len(csrs)] + '"}'
    else:
        body = ('{"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest","metadata":{"name":"bench-'
                + tag + "-" + str(i) + '"},"spec":{"request":"' + csrs[i % len(csrs)]
                + '","signerName":"kubernetes.io/kube-apiserver-client-kubelet","usages":["digital signature","client auth"]}}')
    conn.request("POST", path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    if resp.status == want and b'"certificate":"' in data:
        ok += 1
    else:
        sys.stderr.write(f"request {i}: {resp.status} {data[:200]!r}\n")
        sys.exit(1)
print(f"ok={ok}")

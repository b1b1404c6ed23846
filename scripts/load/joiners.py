#!/usr/bin/env python3
"""N concurrent joiners against `clusterpki serve`, each doing exactly what `clusterpki join` does for a worker.

    joiners.py --server 127.0.0.1:PORT --token ID.SECRET --ca-hash sha256:HEX --count 200 --out DIR [--prefix load]
    joiners.py --server 127.0.0.1:P,127.0.0.2:P,127.0.0.3:P ...   (several replicas: joiner i starts at server i mod n
                                                                  and moves to the next one when a server fails)

Per joiner (one thread each, all released at once by a barrier):
  1. GET /api/v1/namespaces/kube-public/configmaps/cluster-info over TLS WITHOUT verification (discovery's first fetch);
  2. check `jws-kubeconfig-<id>`: detached JWS, header {"alg":"HS256","kid":<id>}, HMAC-SHA256 keyed by the token
     secret over `<header>.<base64url(kubeconfig)>`, compared in constant time;
  3. pin check: sha256 of the SubjectPublicKeyInfo of the CA in the kubeconfig's certificate-authority-data;
  4. GET cluster-info again over TLS verified against that CA (hostname/IP checked), kubeconfig byte-identical;
  5. generate a P-256 key, a CSR for CN=system:node:<prefix>-<i>, O=system:nodes (python `cryptography`);
  6. POST it as a CertificateSigningRequest (signer kubernetes.io/kube-apiserver-client-kubelet, usages
     digital signature + client auth) with the bearer bootstrap token, over the verified connection;
  7. GET the CSR until status.certificate is set (Denied/Failed is an error), check the cert is for the key.
Retries like the join client (bounded, with back-off) on connection errors, 429 and 5xx; errors are counted.
Writes DIR/<prefix>-<i>.pem (certificate) and prints a JSON summary line (ok, errors, latency percentiles).
"""
import argparse, base64, hashlib, hmac, http.client, json, os, re, ssl, sys, threading, time, traceback

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CLUSTER_INFO = "/api/v1/namespaces/kube-public/configmaps/cluster-info"
CSRS = "/apis/certificates.k8s.io/v1/certificatesigningrequests"


def b64url(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def b64url_decode(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class JoinFailure(Exception):
    pass


class Retryable(Exception):
    pass


class NotYet(Retryable):
    """The server answered, the certificate is just not issued yet: ask again, the same server."""


def request(conn_factory, state, method, path, body=None, headers=None):
    """One request over a kept-alive connection; reconnects once if the server closed it."""
    for attempt in range(2):
        if state.get("conn") is None:
            state["conn"] = conn_factory()
        conn = state["conn"]
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            if resp.getheader("Connection", "").lower() == "close":
                conn.close(); state["conn"] = None
            return resp.status, data
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, http.client.CannotSendRequest):
            conn.close(); state["conn"] = None
            if attempt == 1:
                raise
    raise AssertionError("unreachable")


class Servers:
    """The replicas one joiner talks to: the current one, and the next one after a failure (as behind a load balancer)."""

    def __init__(self, servers, start):
        self.servers = servers
        self.index = start % len(servers)
        self.states = []

    @property
    def host(self):
        return self.servers[self.index][0]

    @property
    def port(self):
        return self.servers[self.index][1]

    def state(self):
        st = {}
        self.states.append(st)
        return st

    def fail_over(self):
        if len(self.servers) == 1:
            return
        self.index = (self.index + 1) % len(self.servers)
        for st in self.states:
            if st.get("conn") is not None:
                st["conn"].close()
                st["conn"] = None


def with_retry(deadline, what, fn, servers=None):
    delay = 0.05
    last = None
    while True:
        try:
            return fn()
        except (Retryable, OSError, http.client.HTTPException) as e:
            last = e
            if servers is not None and not isinstance(e, NotYet):
                servers.fail_over()
        if time.monotonic() + delay > deadline:
            raise JoinFailure(f"{what}: timed out; last error: {last!r}")
        time.sleep(delay)
        delay = min(delay * 2, 1.0)


def join(i, args, servers, token_id, secret, out_dir, stats):
    deadline = time.monotonic() + args.timeout
    node = f"{args.prefix}-{i}"
    t0 = time.monotonic()
    # 1. insecure discovery fetch
    insecure_ctx = ssl.create_default_context()
    insecure_ctx.check_hostname = False
    insecure_ctx.verify_mode = ssl.CERT_NONE
    st1 = servers.state()
    mk1 = lambda: http.client.HTTPSConnection(servers.host, servers.port, context=insecure_ctx, timeout=30)

    def first_fetch():
        status, body = request(mk1, st1, "GET", CLUSTER_INFO, headers={"Accept": "application/json"})
        if status != 200:
            raise Retryable(f"cluster-info HTTP {status}")
        return json.loads(body)["data"]
    data = with_retry(deadline, "discovery", first_fetch, servers)
    if st1.get("conn"):
        st1["conn"].close()
    kubeconfig = data.get("kubeconfig", "")
    jws = data.get(f"jws-kubeconfig-{token_id}")
    if not kubeconfig or jws is None:
        raise JoinFailure("no kubeconfig or no signature for this token id in cluster-info")
    # 2. detached JWS check
    parts = jws.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise JoinFailure("JWS is not detached compact serialization")
    header = json.loads(b64url_decode(parts[0]))
    if header.get("alg") != "HS256" or header.get("kid") != token_id:
        raise JoinFailure(f"unexpected JWS header {header}")
    expected = b64url(hmac.new(secret.encode(), f"{parts[0]}.{b64url(kubeconfig.encode())}".encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, parts[2]):
        raise JoinFailure("JWS signature does not verify with the token secret")
    # 3. pin check of the CA bundle in the kubeconfig
    m = re.search(r"certificate-authority-data: (\S+)", kubeconfig)
    if not m:
        raise JoinFailure("no certificate-authority-data in the cluster-info kubeconfig")
    ca_pem = base64.b64decode(m.group(1))
    cas = x509.load_pem_x509_certificates(ca_pem)
    pins = {"sha256:" + hashlib.sha256(c.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).hexdigest() for c in cas}
    if args.ca_hash not in pins:
        raise JoinFailure(f"CA pin mismatch: presented {sorted(pins)}")
    # 4. second fetch over verified TLS; the same connection then carries the CSR traffic
    verified_ctx = ssl.create_default_context(cadata=ca_pem.decode())
    st2 = servers.state()
    mk2 = lambda: http.client.HTTPSConnection(servers.host, servers.port, context=verified_ctx, timeout=30)

    def second_fetch():
        status, body = request(mk2, st2, "GET", CLUSTER_INFO, headers={"Accept": "application/json"})
        if status != 200:
            raise Retryable(f"cluster-info (verified) HTTP {status}")
        return json.loads(body)["data"].get("kubeconfig", "")
    if with_retry(deadline, "discovery over verified TLS", second_fetch, servers) != kubeconfig:
        raise JoinFailure("kubeconfig changed between the insecure and the verified fetch")
    t_disc = time.monotonic()
    # 5. key and CSR
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "system:nodes"),
                                    x509.NameAttribute(NameOID.COMMON_NAME, f"system:node:{node}")]))
           .sign(key, hashes.SHA256()))
    pem = csr.public_bytes(serialization.Encoding.PEM)
    spki = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    name = f"node-csr-{args.prefix}-{i}-" + b64url(hashlib.sha256(spki).digest())[:16].lower()
    obj = {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
           "metadata": {"name": name},
           "spec": {"request": base64.b64encode(pem).decode(), "signerName": "kubernetes.io/kube-apiserver-client-kubelet",
                    "usages": ["digital signature", "client auth"]}}
    auth = {"Authorization": f"Bearer {args.token}", "Accept": "application/json", "Content-Type": "application/json",
            "User-Agent": "clusterpki-load-joiner"}
    body = json.dumps(obj).encode()

    # 6. POST the CSR (409 = already posted by an earlier attempt: fine, like the join client)
    def post():
        status, resp = request(mk2, st2, "POST", CSRS, body=body, headers=auth)
        if status in (200, 201, 409):
            return
        if status in (401, 403, 400, 422):
            raise JoinFailure(f"POST CSR HTTP {status}: {resp[:300]!r}")
        raise Retryable(f"POST CSR HTTP {status}")
    with_retry(deadline, "posting the CSR", post, servers)

    # 7. wait for the certificate
    def get_cert():
        status, resp = request(mk2, st2, "GET", f"{CSRS}/{name}", headers=auth)
        if status in (401, 403):
            raise JoinFailure(f"GET CSR HTTP {status}: {resp[:300]!r}")
        if status != 200:
            raise Retryable(f"GET CSR HTTP {status}")
        status_obj = json.loads(resp).get("status") or {}
        for c in status_obj.get("conditions") or []:
            if c.get("type") in ("Denied", "Failed"):
                raise JoinFailure(f"CSR {c.get('type')}: {c.get('reason')}: {c.get('message')}")
        cert = status_obj.get("certificate")
        if not cert:
            raise NotYet("certificate not issued yet")
        return base64.b64decode(cert)
    cert_pem = with_retry(deadline, "waiting for the certificate", get_cert, servers)
    if st2.get("conn"):
        st2["conn"].close()
    cert = x509.load_pem_x509_certificates(cert_pem)[0]
    if cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) != spki:
        raise JoinFailure("issued certificate is not for this joiner's key")
    with open(os.path.join(out_dir, f"{node}.pem"), "wb") as f:
        f.write(cert_pem)
    t1 = time.monotonic()
    with stats["lock"]:
        stats["lat"].append(t1 - t0)
        stats["disc"].append(t_disc - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--ca-hash", required=True)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--out", required=True)
    ap.add_argument("--prefix", default="load")
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args()
    replicas = [(h, int(p)) for h, p in (s.strip().rsplit(":", 1) for s in args.server.split(",") if s.strip())]
    token_id, secret = args.token.split(".")
    os.makedirs(args.out, exist_ok=True)
    stats = {"lock": threading.Lock(), "lat": [], "disc": [], "errors": []}
    barrier = threading.Barrier(args.count)

    def worker(i):
        try:
            barrier.wait(timeout=60)
            join(i, args, Servers(replicas, i), token_id, secret, args.out, stats)
        except Exception as e:  # noqa: BLE001 - every failure is counted and shown
            with stats["lock"]:
                stats["errors"].append(f"joiner {i}: {e!r}" + ("" if isinstance(e, JoinFailure) else "\n" + traceback.format_exc(limit=3)))

    threading.stack_size(512 * 1024)
    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, args.timeout + 90 - (time.monotonic() - t0)))
    wall = time.monotonic() - t0
    alive = sum(t.is_alive() for t in threads)
    lat = sorted(stats["lat"])
    disc = sorted(stats["disc"])
    pct = lambda p, xs=lat: round(xs[min(len(xs) - 1, int(len(xs) * p))], 3) if xs else None
    for e in stats["errors"][:10]:
        print(e, file=sys.stderr)
    print(json.dumps({"joiners": args.count, "ok": len(lat), "errors": len(stats["errors"]) + alive, "hung": alive,
                      "wall_s": round(wall, 2), "latency_p50_s": pct(0.5), "latency_p99_s": pct(0.99),
                      "latency_max_s": round(lat[-1], 3) if lat else None,
                      "discovery_p50_s": pct(0.5, disc), "discovery_p99_s": pct(0.99, disc), "joins_per_s": round(len(lat) / wall, 1)}))
    sys.exit(0 if not stats["errors"] and not alive and len(lat) == args.count else 1)


if __name__ == "__main__":
    main()

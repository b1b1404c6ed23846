-- wrk script for the CSR signing benchmark (scripts/bench.sh endpoint).
-- Each request POSTs one pre-generated CSR (CSR_FILE, from make-csrs.py), cycling through the file:
--   MODE=clusterpki  POST /apis/certificates.k8s.io/v1/certificatesigningrequests with the bearer TOKEN, a
--                    unique metadata.name per request (RUN_TAG-thread-n); success = 201 with status.certificate
--                    (the server decides and signs at creation, so one request = one signed certificate)
--   MODE=cfssl       POST /api/v1/cfssl/sign {"certificate_request": PEM}; success = 200 with result.certificate
-- done() prints one line: RESULT requests=N ok=N bad=N duration_s=S rate_ok=R p50_ms=.. p99_ms=.. first_bad=..
local mode = os.getenv("MODE") or "clusterpki"
local token = os.getenv("TOKEN") or ""
local tag = os.getenv("RUN_TAG") or "run"
local threads = {}
local counter = 0

function setup(thread)
    counter = counter + 1
    thread:set("tid", counter)
    table.insert(threads, thread)
end

function init(args)
    csrs = {}
    for line in io.lines(os.getenv("CSR_FILE")) do
        local b64, pemjson = line:match("^([^\t]+)\t(.+)$")
        table.insert(csrs, { b64 = b64, pemjson = pemjson })
    end
    n, ok, bad, first_bad = 0, 0, 0, ""
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Accept"] = "application/json"
    if mode == "clusterpki" then
        wrk.path = "/apis/certificates.k8s.io/v1/certificatesigningrequests"
        wrk.headers["Authorization"] = "Bearer " .. token
    else
        wrk.path = "/api/v1/cfssl/sign"
    end
end

function request()
    n = n + 1
    local csr = csrs[(n + tid * 7919) % #csrs + 1]
    local body
    if mode == "clusterpki" then
        body = '{"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest","metadata":{"name":"bench-'
            .. tag .. '-' .. tid .. '-' .. n .. '"},"spec":{"request":"' .. csr.b64
            .. '","signerName":"kubernetes.io/kube-apiserver-client-kubelet","usages":["digital signature","client auth"]}}'
    else
        body = '{"certificate_request":"' .. csr.pemjson .. '"}'
    end
    return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
    local want = (mode == "clusterpki") and 201 or 200
    if status == want and body:find('"certificate":"', 1, true) then
        ok = ok + 1
    else
        bad = bad + 1
        if first_bad == "" then first_bad = status .. " " .. body:sub(1, 160):gsub("%s+", " ") end
    end
end

function done(summary, latency, requests)
    local tok, tbad, fb = 0, 0, ""
    for _, t in ipairs(threads) do
        tok = tok + t:get("ok")
        tbad = tbad + t:get("bad")
        if fb == "" then fb = t:get("first_bad") or "" end
    end
    local secs = summary.duration / 1e6
    io.write(string.format("RESULT requests=%d ok=%d bad=%d errors=%d duration_s=%.3f rate_ok=%.1f p50_ms=%.2f p99_ms=%.2f first_bad=%s\n",
        summary.requests, tok, tbad, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
        secs, tok / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000, fb))
end

#!/usr/bin/env bash
# Connection hygiene of `clusterpki serve` on 127.0.0.1 with real sockets and descriptors:
#  1. idle TCP connections are closed at the handshake deadline (server.connections.handshakeTimeout);
#  2. under `ulimit -n 256`, 400 idle connections press on the server's descriptors: serve lowers maxConnections to
#     fit (192 = 256 - 64 spare), so the limit is never reached and the other connections wait in the backlog; while
#     they are held the server does not spin (CPU time from /proc/PID/stat over 3 s), and once they close a
#     `clusterpki join` succeeds and the server is idle again (NIO's accept back-off alone spins on EMFILE: see README);
#  3. HTTP/1.0 is answered as 1.0 with `Connection: close`; a wrong method is 405 with `Allow` and a Status; an unknown
#     method is 400 with a Status.
# Loopback only; servers are stopped by PID; every client loop is bounded.
. "$(dirname "$0")/../lib.sh"
BIN="${1:-$(clusterpki_bin)}"
require_cmd curl python3 openssl
mktemp_dir W
K="$W/k"
DB="$W/state.db"
out="$("$BIN" init --kubernetes-dir "$K" --db "$DB" --node-name cp-1 --apiserver-advertise-address 127.0.0.1 \
    --encryption-algorithm ECDSA-P256 2>&1)" || { echo "$out"; exit 2; }
TOKEN="$(sed -n 's/^\[bootstrap-token\] Using token: //p' <<<"$out")"
HASH="$("$BIN" certs ca-hash --kubernetes-dir "$K")"
# A policy with a 2 s handshake deadline for part 1, the kubeadm policy's other limits.
sed 's/^    handshakeTimeout: 10s /    handshakeTimeout: 2s  /' "$REPO/policies/kubeadm.yaml" >"$W/short-handshake.yaml"
grep -q '^    handshakeTimeout: 2s' "$W/short-handshake.yaml" || { fail "policy fixture: handshakeTimeout line found in kubeadm.yaml"; finish; exit 1; }

# cpu_ticks PID: utime + stime of the process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# cpu_percent PID SECONDS: the process's CPU use over SECONDS, in percent of one core.
cpu_percent() {
    local t0 t1 hz
    hz="$(getconf CLK_TCK)"; t0="$(cpu_ticks "$1")"; sleep "$2"; t1="$(cpu_ticks "$1")"
    echo $(( (t1 - t0) * 100 / (hz * $2) ))
}
open_fds() { ls "/proc/$1/fd" | wc -l; }

# hold_idle PORT COUNT SECONDS: opens COUNT TCP connections that send nothing, holds them SECONDS, then prints how many
# the server had closed by then (read returns EOF or the connection was reset) and closes the rest.
hold_idle() {
    python3 - "$@" <<'PY'
import errno, socket, sys, time
port, count, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
socks = []
for _ in range(count):
    s = socket.socket()
    s.settimeout(5)
    try:
        s.connect(("127.0.0.1", port))  # completes from the listen backlog even when the server does not accept
    except OSError:
        s.close(); continue
    s.setblocking(False)
    socks.append(s)
time.sleep(hold)
closed = 0
for s in socks:
    try:
        if s.recv(1) == b"":
            closed += 1
    except BlockingIOError:
        pass
    except OSError:
        closed += 1
    s.close()
print(len(socks), closed)
PY
}

# ---- 1. the handshake deadline closes idle connections
PORT="$(free_port)"
spawn SERVER "$W/serve1.log" "$BIN" serve --listen "127.0.0.1:$PORT" --kubernetes-dir "$K" --db "$DB" \
    --policy "$W/short-handshake.yaml" --node-name cp-1
check "serve (2 s handshake deadline) listens" wait_port 127.0.0.1 "$PORT" 60 "$SERVER"
read -r opened closed < <(hold_idle "$PORT" 50 4)
check_eq "50 idle TCP connections: all closed by the server within 4 s (handshakeTimeout 2s)" "50 50" "$opened $closed"
stop_pid "$SERVER"

# ---- 2. descriptors run out under ulimit -n 256 and the server recovers
PORT="$(free_port)"
spawn SERVER "$W/serve2.log" bash -c "ulimit -n 256 && exec '$BIN' serve --listen 127.0.0.1:$PORT --kubernetes-dir '$K' --db '$DB' --node-name cp-1"
check "serve under ulimit -n 256 listens" wait_port 127.0.0.1 "$PORT" 60 "$SERVER"
check "serve lowers maxConnections to 192 to fit ulimit -n 256, and says so" \
    bash -c "grep 'maxConnections lowered to fit the open-file limit' '$W/serve2.log' | grep -q 'effective=192'"
idle_before="$(cpu_percent "$SERVER" 3)"
info "server CPU while idle: ${idle_before}% of a core over 3 s; $(open_fds "$SERVER") descriptors open"
hold_idle "$PORT" 400 9 >"$W/hold.txt" &
HOLDER=$!
sleep 4
fds_held="$(open_fds "$SERVER")"
cpu_held="$(cpu_percent "$SERVER" 3)"
info "with 400 idle connections held: $fds_held descriptors open (limit 256), server CPU ${cpu_held}% of a core over 3 s"
check "idle connections fill the connection cap (>= 192 descriptors open)" test "$fds_held" -ge 192
check "the descriptor limit is never reached (< 256 open)" test "$fds_held" -lt 256
check "400 idle connections do not spin the server (CPU < 10% of a core; was ${cpu_held}%)" test "$cpu_held" -lt 10
wait "$HOLDER" || true
check "serve is still running after the pressure" kill -0 "$SERVER"
check "the server logged no crash" bash -c "! grep -qi 'fatal error\|Server shutdown error' '$W/serve2.log'"
join_rc=0
"$BIN" join "127.0.0.1:$PORT" --token "$TOKEN" --discovery-token-ca-cert-hash "$HASH" --node-name worker-1 \
    --kubernetes-dir "$W/worker/etc" --kubelet-dir "$W/worker/kubelet" --timeout 60s >"$W/join.log" 2>&1 || join_rc=$?
check_eq "after the idle connections close, clusterpki join succeeds" 0 "$join_rc"
check "the joined kubelet's certificate verifies against the cluster CA" \
    openssl verify -CAfile "$K/pki/ca.crt" "$W/worker/kubelet/pki/kubelet-client-current.pem"
sleep 1
cpu_after="$(cpu_percent "$SERVER" 3)"
info "server CPU after load fell: ${cpu_after}% of a core over 3 s; $(open_fds "$SERVER") descriptors open"
check "the server is idle again once load falls (CPU < 5% of a core; was ${cpu_after}%)" test "$cpu_after" -lt 5

# ---- 3. HTTP/1.0, wrong and unknown methods
U="https://127.0.0.1:$PORT"
curl -sS --http1.0 -i --cacert "$K/pki/ca.crt" "$U/healthz" >"$W/http10.txt" 2>&1 || true
check "HTTP/1.0 request: answered as HTTP/1.0" grep -q '^HTTP/1.0 200' "$W/http10.txt"
check "HTTP/1.0 request: Connection: close" grep -qi '^connection: close' "$W/http10.txt"
curl -sS -i -X PUT --cacert "$K/pki/ca.crt" "$U/api/v1/namespaces/kube-system/secrets" >"$W/put.txt" 2>&1 || true
check "PUT on the secrets list: 405" grep -q '^HTTP/1.1 405' "$W/put.txt"
check "PUT on the secrets list: Allow: GET, POST" grep -qi '^allow: GET, POST' "$W/put.txt"
check "PUT on the secrets list: a MethodNotAllowed Status" grep -q '"reason":"MethodNotAllowed"' "$W/put.txt"
curl -sS -i -X FROBNICATE --cacert "$K/pki/ca.crt" "$U/healthz" >"$W/frob.txt" 2>&1 || true
check "unknown method: 400 with a BadRequest Status" bash -c "grep -q '^HTTP/1.1 400' '$W/frob.txt' && grep -q '\"reason\":\"BadRequest\"' '$W/frob.txt'"
stop_pid "$SERVER"
finish

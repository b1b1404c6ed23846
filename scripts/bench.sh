#!/usr/bin/env bash
# Benchmarks.  scripts/bench.sh [tree|tokens|endpoint|endpoint-instructions|keygen|ha]   (default: tree; keygen = only tree's parallel check)
#   CLUSTERPKI_RELEASE=/path/to/clusterpki skips the release build (tree, keygen, endpoint)
#
# tree: wall time of `clusterpki certs generate all` (release build, fresh dir each run) against
#       scripts/baseline/openssl-tree.sh, for RSA-2048 and ECDSA-P256, in one run; hyperfine
#       (--warmup 1 --runs 10, JSON in .build/bench/) when installed, else a bash loop.
#       Targets: clusterpki >= 3x faster for RSA-2048, >= 10x for ECDSA-P256.
#       RUNS=10 (runs per command), BENCH_OUT=.build/bench, NO_HYPERFINE=1 (force the loop); TMPDIR=/dev/shm puts the trees on tmpfs
#       (clusterpki fsyncs every file, the openssl script does not: on a busy shared disk fsync latency
#       dominates the ECDSA figure, so run it both ways).
#       Then the parallel key-generation check (issue 2 item 5): t_key = mean wall time of `certs generate ca`
#       (RSA-2048, fresh dir) minus the mean of a no-op command (`certs certificate-key`), KEY_RUNS=15 runs each
#       (mean, not median: the tree pays the sum of 11 random RSA prime searches); then the whole RSA-2048 tree
#       (KEY_RUNS runs, with its CPU time) and the check  tree <= t_noop + 11 x t_key / cores + TREE_CONST_MS
#       (default 100 ms; 11 keys = 10 certificates + sa). CPU/wall > 1 shows the cores being used in parallel.
#
# endpoint: `clusterpki serve` from the release build, two trees made by `clusterpki init` (ECDSA-P256 and RSA-2048
#       CAs), and `cfssl serve` (Debian golang-cfssl) on the same CA cert/key files, all on 127.0.0.1, in one run:
#       (a) cluster-info: anonymous GET /api/v1/namespaces/kube-public/configmaps/cluster-info with wrk over TLS
#           keep-alive (WRK_THREADS=2, GET_CONNS=64 connections, DURATION=8 s) -> req/s (target (5) below).
#       (b) CSR signing: wrk + scripts/load/sign.lua POSTs pre-generated P-256 kubelet client CSRs
#           (scripts/load/make-csrs.py, CN=system:node:bench-<i>, O=system:nodes; key generation is not measured)
#           to each server, same CSRs, same concurrency (SIGN_CONNS=16 keep-alive connections, WRK_THREADS=2),
#           both over TLS (cfssl gets -tls-cert/-tls-key = the tree's apiserver pair): clusterpki's
#           POST /apis/certificates.k8s.io/v1/certificatesigningrequests with a bootstrap token and a unique
#           metadata.name (authenticates the token, auto-approves, signs, stores the CSR object, audit event and
#           ledger row in SQLite: the whole product path), cfssl's POST /api/v1/cfssl/sign {"certificate_request"}
#           (sign only, no database). A request counts only if it returned a certificate (201/200 with
#           "certificate"). ROUNDS=3 interleaved rounds; the median rate is reported. Logging: clusterpki
#           --log-level warning, cfssl -loglevel 2 (no per-request lines).
#           Also, informative only: a second cfssl with -db-config recording every certificate in its SQLite
#           certificate database (scripts/baseline/cfssl-certdb.sql, WAL), the closest cfssl gets to what clusterpki
#           stores. And a third peer, signing-floor (Sources/SigningFloor, FLOOR_BIN or beside the clusterpki binary):
#           cfssl's sign-only API served by clusterpki's own stack (Hummingbird 2 over NIOSSL, Foundation JSON,
#           swift-certificates, ClusterPKICore's CA) with nothing else, so that clusterpki's CPU per CSR splits into
#           the stack's floor and what the product path adds. For each round the servers' CPU (/proc utime+stime,
#           utime alone for the user / system split, and each thread's for the split by thread kind: event loops,
#           Swift concurrency's pool, the queues GRDB runs SQLite on) and wrk's (bash `time`) are recorded, and the report sets the
#           CPU per signed CSR against the unavoidable crypto (openssl speed: the CSR's P-256 verify + the CA's
#           signature).
#       Then the targets of issue 15, each printed as met / NOT met (informative: they are not counted as checks,
#       which are for correctness: every request returned a certificate, certdb rows): (1) server CPU per signed CSR
#       clusterpki <= cfssl sign-only; (2) rate >= 2x cfssl+certdb and >= cfssl sign-only; (3) p99 <= cfssl
#       sign-only's at SIGN_CONNS connections; each for both CA types; (5) cluster-info GET >= 20,000 req/s.
#       (4), instructions per signed CSR, is `scripts/bench.sh endpoint-instructions`.
#
# tokens: Tests/ClusterPKIStoreTests/TokenBenchmarkTests (CLUSTERPKI_BENCH=1) in a release build of the tests:
#       CLUSTERPKI_BENCH=1 swift test -c release -Xswiftc -enable-testing --scratch-path .build/release-testing
#           --filter TokenBenchmarkTests
#       (own scratch path, so that it does not invalidate the plain release build; the first build takes as long as
#       a release build). 100,000 live tokens in a fresh SQLite store, 5,000 authentications of random ones
#       (in-process, one at a time): p50/p99, then one sweep of all 100,000 once expired.
#       Targets: p99 < 1 ms, sweep < 1 s. TOKENS_BUILD=debug runs the debug test build instead (figures flagged).
#       CLUSTERPKI_BENCH_COUNT=N changes the token count.
#
# ha: the same release `clusterpki serve` on the SQLite store and on an etcd store (ETCD_MEMBERS=3 members on
#       127.0.0.1-3 by default, 1 for a single member; mTLS with clusterpki-etcd-client), in one run, same machine:
#       (a) joins/s: scripts/load/joiners.py, HA_JOINERS=200 concurrent protocol-level joiners (discovery, CSR,
#           polling), HA_ROUNDS=3 interleaved rounds, median; (b) token check: one keep-alive client sends
#           HA_CHECKS=2000 sequential GETs of a missing CSR with a bootstrap token without a use limit (a read-only
#           token check, its audit event written behind, plus one read): the check's p50/p99 from the server's own
#           histogram (clusterpki_token_check_duration_seconds{path="read_only"}, scraped before and after: bucket
#           edges, so upper bounds, and the share over 5 ms), and the whole request's p50/p99 as the client sees it.
#           Targets (issue 12): etcd within 2x of SQLite's join rate; token check p99 < 5 ms (< 1 % of checks > 5 ms).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bench_tree() {
    require_cmd openssl python3
    local bin; bin="$(release_bin)"
    check "release binary built: $bin" test -x "$bin"
    local out="${BENCH_OUT:-$REPO/.build/bench}" runs="${RUNS:-10}"
    mkdir -p "$out"
    mktemp_dir W clusterpki-bench
    local baseline="$REPO/scripts/baseline/openssl-tree.sh"
    local flags="--node-name bench-node --apiserver-advertise-address 127.0.0.1"
    info "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared machines add noise)"

    local names=() cmds=() algo
    for algo in RSA-2048 ECDSA-P256; do
        names+=("clusterpki $algo")
        cmds+=("mkdir $W/c-$algo && $bin certs generate all --kubernetes-dir $W/c-$algo --encryption-algorithm $algo $flags >/dev/null")
        names+=("openssl-tree.sh $algo")
        cmds+=("NODE_NAME=bench-node ADVERTISE_ADDRESS=127.0.0.1 $baseline $W/o-$algo $algo >/dev/null")
    done
    # sanity: both produce a full tree
    local i
    for i in "${!cmds[@]}"; do
        rm -rf "$W"/c-* "$W"/o-*
        check "${names[$i]}: produces the tree" bash -c "${cmds[$i]} && n=\$(find $W -name '*.crt' | wc -l) && test \$n -eq 10"
    done
    rm -rf "$W"/c-* "$W"/o-*

    local json="$out/bench-tree.json"
    if [[ "${NO_HYPERFINE:-0}" != 1 ]] && command -v hyperfine >/dev/null 2>&1; then
        local hf=(hyperfine --warmup 1 --runs "$runs" --export-json "$json" --prepare "rm -rf $W/c-RSA-2048 $W/c-ECDSA-P256 $W/o-RSA-2048 $W/o-ECDSA-P256")
        for i in "${!cmds[@]}"; do hf+=(-n "${names[$i]}" "${cmds[$i]}"); done
        "${hf[@]}"
    else
        info "hyperfine not installed: bash loop, $runs runs each"
        python3 - "$json" "$W" "$runs" "${names[@]}" -- "${cmds[@]}" <<'PY'
import json, subprocess, sys, time, shutil, glob, os
json_path, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rest = sys.argv[4:]; sep = rest.index("--"); names, cmds = rest[:sep], rest[sep + 1:]
results = []
for name, cmd in zip(names, cmds):
    times = []
    for i in range(runs + 1):
        for d in glob.glob(os.path.join(work, "[co]-*")): shutil.rmtree(d)
        t0 = time.perf_counter(); subprocess.run(["bash", "-c", cmd], check=True); dt = time.perf_counter() - t0
        if i > 0: times.append(dt)        # first run is the warm-up
    results.append({"command": name, "mean": sum(times) / len(times), "times": times})
    print(f"{name}: mean {results[-1]['mean']*1000:.1f} ms over {runs} runs")
json.dump({"results": results}, open(json_path, "w"), indent=2)
PY
    fi

    local report
    report="$(python3 - "$json" <<'PY'
import json, statistics, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
targets = {"RSA-2048": 3.0, "ECDSA-P256": 10.0}
print(f"{'algorithm':<11} {'clusterpki':>14} {'openssl-tree.sh':>16} {'ratio':>7}  target")
for algo, target in targets.items():
    c, o = r[f"clusterpki {algo}"], r[f"openssl-tree.sh {algo}"]
    sd = lambda x: statistics.pstdev(x["times"]) * 1000
    ratio = o["mean"] / c["mean"]
    ok = "met" if ratio >= target else "NOT met"
    print(f"{algo:<11} {c['mean']*1000:8.1f}±{sd(c):4.1f}ms {o['mean']*1000:9.1f}±{sd(o):5.1f}ms {ratio:6.2f}x  >= {target:g}x {ok}")
    print(f"RATIO {algo} {ratio:.3f} {target:g}")
PY
)"
    echo
    grep -v '^RATIO' <<<"$report"
    echo "(JSON: $json)"
    local a ratio target
    while read -r _ a ratio target; do
        check "$a: openssl-tree.sh / clusterpki = ${ratio}x >= ${target}x" \
            python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' "$ratio" "$target"
    done < <(grep '^RATIO' <<<"$report")
    tree_parallel_check "$bin" "$W"
}

# tree_parallel_check BIN WORKDIR: issue 2's "tree <= keys x t_key / cores + constant" for RSA-2048.
tree_parallel_check() {
    local bin="$1" w="$2" line
    echo
    info "parallel key generation (RSA-2048): ${KEY_RUNS:-15} runs each; load average $(cut -d' ' -f1-3 /proc/loadavg)"
    local res
    res="$(python3 - "$bin" "$w" "${KEY_RUNS:-15}" "$(nproc)" "${TREE_CONST_MS:-100}" <<'PY'
import os, resource, shutil, statistics, subprocess, sys, time
bin_, work, runs, cores, const_ms = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
d = os.path.join(work, "keygen")
def run(args):
    shutil.rmtree(d, ignore_errors=True); os.makedirs(d)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.perf_counter()
    subprocess.run([bin_] + args, check=True, stdout=subprocess.DEVNULL)
    t = time.perf_counter() - t0; r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return t, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
base = ["--kubernetes-dir", d]
noop, ca, tree = [], [], []
for i in range(runs + 1):          # interleaved, first round is a warm-up
    a = run(["certs", "certificate-key"])
    b = run(["certs", "generate", "ca", "--encryption-algorithm", "RSA-2048"] + base)
    c = run(["certs", "generate", "all", "--encryption-algorithm", "RSA-2048", "--node-name", "bench-node",
             "--apiserver-advertise-address", "127.0.0.1"] + base)
    if i: noop.append(a); ca.append(b); tree.append(c)
mean = lambda xs: statistics.mean(x[0] for x in xs)
med = lambda xs: statistics.median(x[0] for x in xs)
t_noop, t_ca, t_tree = mean(noop), mean(ca), mean(tree)
t_key = t_ca - t_noop
cpu_tree = statistics.mean(x[1] for x in tree)
bound = t_noop + 11 * t_key / cores + const_ms / 1000
ms = lambda x: f"{x * 1000:.0f} ms"
print(f"no-op (certs certificate-key): mean {ms(t_noop)}, median {ms(med(noop))}")
print(f"certs generate ca (RSA-2048):  mean {ms(t_ca)}, median {ms(med(ca))}  ->  t_key = {ms(t_key)} (median-based {ms(med(ca) - med(noop))})")
print(f"whole RSA-2048 tree:           mean {ms(t_tree)}, median {ms(med(tree))}, CPU {ms(cpu_tree)} (CPU/wall {cpu_tree / t_tree:.2f})")
print(f"serial estimate 11 x t_key = {ms(11 * t_key)}; tree <= t_noop + 11 x t_key / {cores} + {const_ms:.0f} ms = "
      f"{ms(t_noop)} + {ms(11 * t_key / cores)} + {const_ms:.0f} ms = {ms(bound)}:  {ms(t_tree)} {'<=' if t_tree <= bound else '>'} {ms(bound)}"
      f" -> {'met' if t_tree <= bound else 'NOT met'}; speed-up over serial {(t_noop + 11 * t_key) / t_tree:.2f}x")
print(f"TREECHECK {t_tree:.4f} {bound:.4f}")
PY
)" || { fail "parallel key-generation measurement ran" "$res"; return 0; }
    grep -v '^TREECHECK' <<<"$res"
    read -r _ line < <(grep '^TREECHECK' <<<"$res")
    check "RSA-2048 tree <= t_noop + 11 x t_key / cores + ${TREE_CONST_MS:-100} ms (${line% *} s <= ${line#* } s)" \
        python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)' ${line}
}

release_bin() {
    if [[ -n "${CLUSTERPKI_RELEASE:-}" ]]; then echo "$CLUSTERPKI_RELEASE"; return; fi
    # The Swift runtime linked statically: a CLI that starts in ~11 ms instead of ~19 ms (dynamic libFoundation/ICU).
    info "building release: swift build -c release --static-swift-stdlib --product clusterpki" >&2
    (cd "$REPO" && swift build -c release --static-swift-stdlib --product clusterpki) >/dev/null
    echo "$(cd "$REPO" && swift build -c release --show-bin-path)/clusterpki"
}

# floor_bin CLUSTERPKI_BIN: the signing-floor benchmark peer (Sources/SigningFloor), FLOOR_BIN, else beside the
# clusterpki binary, else built like it (shares every module with it, so this is one file and a link).
floor_bin() {
    if [[ -n "${FLOOR_BIN:-}" ]]; then echo "$FLOOR_BIN"; return; fi
    local beside; beside="$(dirname "$1")/signing-floor"
    if [[ -x "$beside" ]]; then echo "$beside"; return; fi
    info "building release: swift build -c release --static-swift-stdlib --product signing-floor" >&2
    (cd "$REPO" && swift build -c release --static-swift-stdlib --product signing-floor) >/dev/null
    echo "$(cd "$REPO" && swift build -c release --show-bin-path)/signing-floor"
}

# wrk_result LOG: the RESULT line's fields as "key=value ..." (sign.lua), or Requests/sec for plain GETs
bench_endpoint() {
    require_cmd openssl python3 wrk cfssl curl
    local bin floor; bin="$(release_bin)"; floor="$(floor_bin "$bin")"
    check "release binary: $bin" test -x "$bin"
    check "signing-floor binary: $floor" test -x "$floor"
    local dur="${DURATION:-8}" rounds="${ROUNDS:-3}" threads="${WRK_THREADS:-2}" sconns="${SIGN_CONNS:-16}" gconns="${GET_CONNS:-64}"
    local out="${BENCH_OUT:-$REPO/.build/bench}"; mkdir -p "$out"
    mktemp_dir W clusterpki-bench-endpoint
    info "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared machines add noise)"
    info "cfssl: $(cfssl version 2>/dev/null | head -n1); wrk: $(wrk --version 2>&1 | head -n1 | cut -d' ' -f1-2)"

    local algo port cport
    declare -A SPORT CPORT TOKEN SPID CPID DPORT DPID FPORT FPID
    for algo in ECDSA-P256 RSA-2048; do
        local k="$W/$algo"
        "$bin" init --kubernetes-dir "$k" --db "$k/state.db" --node-name bench-cp --apiserver-advertise-address 127.0.0.1 \
            --encryption-algorithm "$algo" >"$W/init-$algo.log" 2>&1 || { fail "init $algo" "$(tail -n 5 "$W/init-$algo.log")"; finish; exit 1; }
        TOKEN[$algo]="$("$bin" token create --db "$k/state.db" --kubernetes-dir "$k" --ttl 2h --description bench)"
        port="$(free_port 127.0.0.1)"
        spawn _pid "$W/serve-$algo.log" "$bin" serve --listen "127.0.0.1:$port" --kubernetes-dir "$k" --db "$k/state.db" \
            --policy kubeadm --node-name bench-cp --log-level warning
        wait_port 127.0.0.1 "$port" 60 "$_pid" || { fail "clusterpki serve ($algo) listens" "$(tail -n 5 "$W/serve-$algo.log")"; finish; exit 1; }
        SPORT[$algo]=$port; SPID[$algo]=$_pid
        cport="$(free_port 127.0.0.1)"
        spawn _pid "$W/cfssl-$algo.log" cfssl serve -address 127.0.0.1 -port "$cport" -ca "$k/pki/ca.crt" -ca-key "$k/pki/ca.key" \
            -tls-cert "$k/pki/apiserver.crt" -tls-key "$k/pki/apiserver.key" -loglevel 2
        wait_port 127.0.0.1 "$cport" 30 "$_pid" || { fail "cfssl serve ($algo) listens" "$(tail -n 5 "$W/cfssl-$algo.log")"; finish; exit 1; }
        CPORT[$algo]=$cport; CPID[$algo]=$_pid
        # The same cfssl recording every certificate it signs in its SQLite certificate database (informative baseline).
        python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).executescript(open(sys.argv[2]).read())' \
            "$W/cfssl-certdb-$algo.db" "$REPO/scripts/baseline/cfssl-certdb.sql"
        printf '{"driver":"sqlite3","data_source":"%s"}\n' "$W/cfssl-certdb-$algo.db" >"$W/cfssl-db-$algo.json"
        cport="$(free_port 127.0.0.1)"
        spawn _pid "$W/cfssl-db-$algo.log" cfssl serve -address 127.0.0.1 -port "$cport" -ca "$k/pki/ca.crt" -ca-key "$k/pki/ca.key" \
            -tls-cert "$k/pki/apiserver.crt" -tls-key "$k/pki/apiserver.key" -db-config "$W/cfssl-db-$algo.json" -loglevel 2
        wait_port 127.0.0.1 "$cport" 30 "$_pid" || { fail "cfssl serve -db-config ($algo) listens" "$(tail -n 5 "$W/cfssl-db-$algo.log")"; finish; exit 1; }
        DPORT[$algo]=$cport; DPID[$algo]=$_pid
        # clusterpki's stack signing only, on cfssl's API (Sources/SigningFloor): what the stack costs per CSR.
        cport="$(free_port 127.0.0.1)"
        spawn _pid "$W/floor-$algo.log" "$floor" --listen "127.0.0.1:$cport" --ca-dir "$k/pki" \
            --tls-cert "$k/pki/apiserver.crt" --tls-key "$k/pki/apiserver.key"
        wait_port 127.0.0.1 "$cport" 30 "$_pid" || { fail "signing-floor ($algo) listens" "$(tail -n 5 "$W/floor-$algo.log")"; finish; exit 1; }
        FPORT[$algo]=$cport; FPID[$algo]=$_pid
        check "$algo CA: openssl says the CA key is $algo" bash -c "openssl x509 -in '$k/pki/ca.crt' -noout -text | grep -q '$( [[ $algo == RSA-2048 ]] && echo 'Public-Key: (2048 bit)' || echo 'ASN1 OID: prime256v1')'"
    done

    local csrs="$W/csrs.txt"
    python3 "$REPO/scripts/load/make-csrs.py" "${CSR_COUNT:-2000}" "$csrs"
    check "pre-generated $(wc -l <"$csrs") CSRs" test -s "$csrs"

    # sanity: one request each way, the certificate verifies against the tree's CA
    one_sign() { # one_sign ALGO clusterpki|cfssl -> writes $W/one-ALGO-MODE.crt
        local algo="$1" mode="$2" k="$W/$1" b64 pemjson
        IFS=$'\t' read -r b64 pemjson < <(head -n1 "$csrs")
        if [[ $mode == clusterpki ]]; then
            curl -sf --max-time 10 --cacert "$k/pki/ca.crt" -H "Authorization: Bearer ${TOKEN[$algo]}" -H 'Content-Type: application/json' \
                -d '{"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest","metadata":{"name":"sanity-'"$algo"'"},"spec":{"request":"'"$b64"'","signerName":"kubernetes.io/kube-apiserver-client-kubelet","usages":["digital signature","client auth"]}}' \
                "https://127.0.0.1:${SPORT[$algo]}/apis/certificates.k8s.io/v1/certificatesigningrequests" |
                python3 -c 'import sys,json,base64; sys.stdout.write(base64.b64decode(json.load(sys.stdin)["status"]["certificate"]).decode())'
        else
            curl -sf --max-time 10 --cacert "$k/pki/ca.crt" -H 'Content-Type: application/json' -d '{"certificate_request":"'"$pemjson"'"}' \
                "https://127.0.0.1:${CPORT[$algo]}/api/v1/cfssl/sign" |
                python3 -c 'import sys,json; sys.stdout.write(json.load(sys.stdin)["result"]["certificate"])'
        fi >"$W/one-$algo-$mode.crt" && openssl verify -CAfile "$k/pki/ca.crt" "$W/one-$algo-$mode.crt" | grep -q ': OK$'
    }
    for algo in ECDSA-P256 RSA-2048; do
        check "$algo: clusterpki signs one CSR; openssl verify -CAfile ca.crt accepts it" one_sign "$algo" clusterpki
        check "$algo: cfssl signs the same CSR; openssl verify -CAfile ca.crt accepts it" one_sign "$algo" cfssl
    done

    local results="$W/results.txt" r log
    : >"$results"
    # (a) cluster-info GET throughput
    local url="https://127.0.0.1:${SPORT[ECDSA-P256]}/api/v1/namespaces/kube-public/configmaps/cluster-info"
    for ((r = 1; r <= rounds; r++)); do
        log="$W/wrk-get-$r.log"
        timeout $((dur + 30)) wrk -t"$threads" -c"$gconns" -d"${dur}s" --latency "$url" >"$log" 2>&1 || true
        echo "GET round=$r $(awk '/^Requests\/sec:/ {print "rate=" $2} /Non-2xx/ {print "non2xx=" $NF} /Socket errors/ {print "sockerr=1"}' "$log" | tr '\n' ' ') p99=$(awk '$1 == "99%" {print $2}' "$log")" >>"$results"
        tail -n1 "$results"
    done
    # (b) signing: interleaved rounds, same CSRs and concurrency for both servers
    # CPU accounting per round: the server's utime+stime from /proc (clock ticks) and wrk's from bash's `time`,
    # so that the report can say where a signed CSR's CPU goes on this machine, not only how many there were.
    local mode tag pid cpu0 cpu1 user0 user1 threads0 threads1 tick wrkcpu
    tick="$(getconf CLK_TCK)"
    proc_cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
    proc_user() { awk '{print $14}' "/proc/$1/stat"; }
    # CPU ticks by thread kind (utime + stime of each live thread): the event loops (NIO-*), Swift concurrency's pool
    # (libdispatch's default-qos root queue) and the serial queues GRDB runs SQLite connections on (libdispatch's
    # overcommit threads: the writer, the readers); "other" is any other thread. A thread that ends between two
    # samples takes its ticks with it: the report sets the kinds' sum against the process's total.
    proc_threads() {
        python3 - "$1" <<'PY'
import glob, sys
kinds = {"nio": 0, "pool": 0, "db": 0, "other": 0}
for path in glob.glob(f"/proc/{sys.argv[1]}/task/*/stat"):
    try:
        text = open(path).read()
    except OSError:
        continue
    comm, fields = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()
    ticks = int(fields[11]) + int(fields[12])
    kind = "nio" if comm.startswith("NIO-") else "db" if comm.endswith("overcommit") else "pool" if comm.endswith("default-qos") else "other"
    kinds[kind] += ticks
print(" ".join(f"{k}={v}" for k, v in kinds.items()))
PY
    }
    # threads_delta BEFORE AFTER: two proc_threads samples as "threads_<kind>_s=<seconds>" fields of a SIGN line.
    threads_delta() {
        python3 -c '
import sys
a, b = (dict(kv.split("=") for kv in t.split()) for t in sys.argv[1:3])
print(" ".join(f"threads_{k}_s={(int(b[k]) - int(a.get(k, 0))) / int(sys.argv[3])}" for k in b))' "$1" "$2" "$tick"
    }
    for ((r = 1; r <= rounds; r++)); do
        for algo in ECDSA-P256 RSA-2048; do
            for mode in clusterpki cfssl cfssl-db floor; do
                log="$W/wrk-sign-$algo-$mode-$r.log"
                case $mode in
                    clusterpki) port=${SPORT[$algo]}; pid=${SPID[$algo]} ;;
                    cfssl) port=${CPORT[$algo]}; pid=${CPID[$algo]} ;;
                    cfssl-db) port=${DPORT[$algo]}; pid=${DPID[$algo]} ;;
                    floor) port=${FPORT[$algo]}; pid=${FPID[$algo]} ;;
                esac
                tag="r$r$RANDOM"
                cpu0="$(proc_cpu "$pid")"; user0="$(proc_user "$pid")"; threads0="$(proc_threads "$pid")"
                wrkcpu="$( { TIMEFORMAT='%U %S'; time MODE=$([[ $mode == clusterpki ]] && echo clusterpki || echo cfssl) TOKEN="${TOKEN[$algo]}" RUN_TAG="$tag" CSR_FILE="$csrs" timeout $((dur + 30)) \
                    wrk -t"$threads" -c"$sconns" -d"${dur}s" -s "$REPO/scripts/load/sign.lua" "https://127.0.0.1:$port/" >"$log" 2>&1 || true; } 2>&1 )"
                cpu1="$(proc_cpu "$pid")"; user1="$(proc_user "$pid")"; threads1="$(proc_threads "$pid")"
                echo "SIGN algo=$algo mode=$mode round=$r $(grep '^RESULT' "$log" | sed 's/^RESULT //') server_cpu_s=$(python3 -c "print(($cpu1 - $cpu0) / $tick)") server_user_s=$(python3 -c "print(($user1 - $user0) / $tick)") wrk_cpu_s=$(awk '{print $1 + $2}' <<<"$wrkcpu") $(threads_delta "$threads0" "$threads1")" >>"$results"
                tail -n1 "$results"
            done
        done
    done
    local rows signed
    for algo in ECDSA-P256 RSA-2048; do
        rows="$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM certificates").fetchone()[0])' "$W/cfssl-certdb-$algo.db")"
        signed="$(awk -v a="$algo" '$1 == "SIGN" && $2 == "algo=" a && $3 == "mode=cfssl-db" { for (i = 4; i <= NF; i++) if ($i ~ /^ok=/) { sub(/^ok=/, "", $i); n += $i } } END { print n + 0 }' "$results")"
        check "$algo: cfssl -db-config recorded every certificate it returned ($rows rows >= $signed signed)" test "$rows" -ge "$signed"
    done
    # The unavoidable crypto of one signed CSR on this machine: verifying the CSR's P-256 self-signature (proof of
    # possession) plus the CA's signature; openssl speed's last two columns are sign/s and verify/s.
    local speed="$W/openssl-speed.txt"
    openssl speed -seconds 2 ecdsap256 rsa2048 >"$speed" 2>/dev/null || true
    echo "SPEED $(awk '/^rsa 2048 bits/ {print "rsa_sign=" $(NF-1)} /ecdsa \(nistp256\)/ {print "p256_sign=" $(NF-1) " p256_verify=" $NF}' "$speed" | tr '\n' ' ') cores=$(nproc)" >>"$results"
    cp "$results" "$out/bench-endpoint.txt"

    local report
    report="$(python3 - "$results" "$rounds" <<'PY'
import re, statistics, sys
lines = open(sys.argv[1]).read().splitlines()
def kv(line): return dict(re.findall(r"(\w+)=(\S*)", line))
med = lambda xs: statistics.median(xs) if xs else 0.0
gets = [kv(l) for l in lines if l.startswith("GET ")]
signs = [kv(l) for l in lines if l.startswith("SIGN ")]
speed = next((kv(l) for l in lines if l.startswith("SPEED ")), {})
targets = []  # (description, met)
def target(desc, met):
    targets.append((desc, met))
rates = [float(g.get("rate", 0) or 0) for g in gets]
get_med = med(rates)
print(f"cluster-info GET (TLS keep-alive, wrk): median {get_med:,.0f} req/s, rounds {', '.join(f'{x:,.0f}' for x in rates)}")
bad = sum(int(g.get("non2xx", 0) or 0) for g in gets) + sum(1 for g in gets if "sockerr" in g or "rate" not in g)
print(f"CHECKBAD get {bad}")
print()
print(f"{'CA':<11} {'clusterpki sig/s':>17} {'cfssl sig/s':>12} {'cfssl+certdb/s':>15} {'floor sig/s':>12}"
      "   p50/p99 ms: clusterpki | cfssl | cfssl+certdb | floor")
rows = {}
for algo in ("ECDSA-P256", "RSA-2048"):
    sel = lambda mode: [s for s in signs if s["algo"] == algo and s["mode"] == mode]
    c, f, d, x = sel("clusterpki"), sel("cfssl"), sel("cfssl-db"), sel("floor")
    rate = lambda xs: [float(s.get("rate_ok", 0) or 0) for s in xs]
    cr, fr, dr, xr = rate(c), rate(f), rate(d), rate(x)
    cm, fm, dm, xm = med(cr), med(fr), med(dr), med(xr)
    p = lambda xs, k: med([float(x.get(k, 0) or 0) for x in xs])
    lat = lambda xs: f"{p(xs, 'p50_ms'):.1f}/{p(xs, 'p99_ms'):.1f}"
    print(f"{algo:<11} {cm:17,.0f} {fm:12,.0f} {dm:15,.0f} {xm:12,.0f}   {lat(c)} | {lat(f)} | {lat(d)} | {lat(x)}")
    print(f"    rounds: clusterpki {', '.join(f'{x:,.0f}' for x in cr)}; cfssl {', '.join(f'{x:,.0f}' for x in fr)};"
          f" cfssl+certdb {', '.join(f'{x:,.0f}' for x in dr)}; floor {', '.join(f'{v:,.0f}' for v in xr)}")
    nbad = sum(int(s.get("bad", 0) or 0) + int(s.get("errors", 0) or 0) for s in c + f + d + x) + sum(1 for s in c + f + d + x if "ok" not in s)
    fb = next((s.get("first_bad") for s in c + f + d + x if s.get("first_bad")), "")
    print(f"CHECKBAD sign-{algo} {nbad} {fb}")
    # Where the CPU goes: µs of CPU per signed CSR (median over rounds) for each server and for wrk driving it.
    def per_req(xs, key):
        v = [float(x.get(key, 0) or 0) * 1e6 / int(x["ok"]) for x in xs if int(x.get("ok", 0) or 0) > 0 and key in x]
        return med(v)
    cs, cw, fs, fw = per_req(c, "server_cpu_s"), per_req(c, "wrk_cpu_s"), per_req(f, "server_cpu_s"), per_req(f, "wrk_cpu_s")
    ds, xs = per_req(d, "server_cpu_s"), per_req(x, "server_cpu_s")
    print(f"    CPU per signed CSR (server, /proc, median of rounds): clusterpki {cs:,.0f} us, cfssl {fs:,.0f} us,"
          f" cfssl+certdb {ds:,.0f} us, floor {xs:,.0f} us; wrk: {cw:,.0f} us against clusterpki, {fw:,.0f} us against cfssl")
    # The kernel's share (system time: system calls, the WAL's writes and syncs, thread wake-ups), which
    # endpoint-instructions does not count.
    # Each a median over rounds of its own, so user + system need not add up to the total's median exactly.
    for v in c + f + d + x:
        if "server_user_s" in v and "server_cpu_s" in v:
            v["server_sys_s"] = float(v["server_cpu_s"]) - float(v["server_user_s"])
    cu, fu, du, xu = (per_req(v, "server_user_s") for v in (c, f, d, x))
    cy, fy, dy, xy = (per_req(v, "server_sys_s") for v in (c, f, d, x))
    if cu > 0 and xu > 0:
        print(f"    of which user / system: clusterpki {cu:,.0f} / {cy:,.0f} us, cfssl {fu:,.0f} / {fy:,.0f} us,"
              f" cfssl+certdb {du:,.0f} / {dy:,.0f} us, floor {xu:,.0f} / {xy:,.0f} us; the product path adds"
              f" {cu - xu:,.0f} us user and {cy - xy:,.0f} us system")
    # By thread kind: the SQLite connections' queues carry the durable transaction (the group commit's SQLite work,
    # WAL writes and syncs), which the floor does not have.
    kinds = ("nio", "pool", "db", "other")
    ck = {k: per_req(c, f"threads_{k}_s") for k in kinds}
    xk = {k: per_req(x, f"threads_{k}_s") for k in kinds}
    if any(ck.values()):
        names = {"nio": "event loops", "pool": "concurrency pool", "db": "SQLite queues (writer, readers)", "other": "other"}
        print("    by thread (median of rounds): " + ", ".join(f"{names[k]} {ck[k]:,.0f} us (floor {xk[k]:,.0f})" for k in kinds)
              + f"; threads that ended within a round are in neither (clusterpki {cs - sum(ck.values()):,.0f} us)")
    if xs > 0 and fs > 0:
        print(f"    the stack's floor (signing-floor: Hummingbird 2 + NIOSSL + Foundation JSON + swift-certificates + the CA code,"
              f" sign only) is {xs / fs:.2f}x cfssl sign-only's CPU; clusterpki's product path (token, object, review,"
              f" durable transaction) adds {cs - xs:,.0f} us to it, cfssl's certdb adds {ds - fs:,.0f} us to cfssl")
    try:
        verify = 1e6 / float(speed["p256_verify"])
        sign = 1e6 / float(speed["rsa_sign" if algo == "RSA-2048" else "p256_sign"])
        crypto = verify + sign
        print(f"    unavoidable crypto (openssl speed): CSR P-256 verify {verify:,.0f} us + CA sign {sign:,.0f} us = {crypto:,.0f} us"
              f" -> clusterpki {cs - crypto:,.0f} us beyond it, cfssl {fs - crypto:,.0f} us")
    except (KeyError, ValueError, ZeroDivisionError):
        print("    (openssl speed figures missing)")
    rows[algo] = dict(cs=cs, fs=fs, cm=cm, fm=fm, dm=dm, cp99=p(c, "p99_ms"), fp99=p(f, "p99_ms"), dp99=p(d, "p99_ms"))
print()
for algo, r in rows.items():
    target(f"(1) {algo}: server CPU per signed CSR clusterpki {r['cs']:,.0f} us <= cfssl sign-only {r['fs']:,.0f} us", r["cs"] > 0 and r["cs"] <= r["fs"])
for algo, r in rows.items():
    ratio = r["cm"] / r["dm"] if r["dm"] else 0.0
    target(f"(2) {algo}: rate clusterpki {r['cm']:,.0f}/s >= 2x cfssl+certdb {r['dm']:,.0f}/s ({ratio:.2f}x)", ratio >= 2)
    ratio = r["cm"] / r["fm"] if r["fm"] else 0.0
    target(f"(2) {algo}: rate clusterpki {r['cm']:,.0f}/s >= cfssl sign-only {r['fm']:,.0f}/s ({ratio:.2f}x)", ratio >= 1)
for algo, r in rows.items():
    target(f"(3) {algo}: p99 clusterpki {r['cp99']:.1f} ms <= cfssl sign-only {r['fp99']:.1f} ms at 16 connections"
           f" (cfssl+certdb {r['dp99']:.1f} ms)", r["cp99"] > 0 and r["cp99"] <= r["fp99"])
target(f"(5) cluster-info GET {get_med:,.0f} req/s >= 20,000 req/s", get_med >= 20000)
print("Targets of issue 15 (informative: not counted as checks; the checks are for correctness):")
for desc, met in targets:
    print(f"  {'met    ' if met else 'NOT met'}  {desc}")
print(f"  {sum(1 for _, m in targets if m)} of {len(targets)} targets met"
      " ((4), instructions per signed CSR: scripts/bench.sh endpoint-instructions)")
PY
)"
    echo
    grep -v '^CHECK' <<<"$report"
    grep -v '^CHECK' <<<"$report" >"$out/bench-endpoint-report.txt"
    echo "(raw: $out/bench-endpoint.txt, report: $out/bench-endpoint-report.txt, wrk logs in the work dir with KEEP_TMP=1)"
    local kind a b c rest
    while read -r kind a b c; do
        case "$kind" in
            CHECKBAD) check_eq "$a: every request returned a certificate / 200 (failed requests)" 0 "$b" ;;
        esac
    done < <(grep '^CHECK' <<<"$report")
}

# cg_per_csr N COUNT SMALL LARGE [FLOOR_SMALL FLOOR_LARGE]: the top N functions by their own instructions per signed
# CSR, "(Ir(LARGE) - Ir(SMALL)) / COUNT  name", demangled, so that startup and shutdown cancel out as in the total (the
# large run alone, divided by its CSRs, counted startup's one-off work, such as the Swift runtime's first protocol
# conformance look-ups, as if every CSR paid it). With the floor's two runs: each function's per-CSR count in
# clusterpki minus the floor's, the N largest differences (where the product path's instructions go). Own instructions
# only: callgrind charges an async function's resumptions, on whichever thread runs them, to the frames below it, so
# inclusive counts of the request path add up to more than the whole process.
cg_per_csr() {
    local annotated=() f
    for f in "${@:3}"; do
        annotated+=("$(mktemp "${TMPDIR:-/tmp}/cg-annotate.XXXXXX")")
        callgrind_annotate --inclusive=no --threshold=100 "$f" 2>/dev/null >"${annotated[-1]}"
    done
    python3 -c '
import sys, re
n, count, paths = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
def load(path):
    table = {}
    for line in open(path):
        m = re.match(r"\s*([0-9,]+)\s+(\([^)]*\)\s+)?(\S.*)", line.rstrip("\n"))
        if not m or "PROGRAM TOTALS" in line or ":" not in m.group(3): continue
        name = re.sub(r"^(\?\?\?|\S*?\.(swift|c|cc|cpp|h|S|inc)):", "", m.group(3), count=1)
        name = re.sub(r" \[/\S*/([^/\]]+)\]$", "", name)
        table[name] = table.get(name, 0) + int(m.group(1).replace(",", ""))
    return table
tables = [load(path) for path in paths]
def per_csr(small, large):
    return {k: (large.get(k, 0) - small.get(k, 0)) / count for k in set(small) | set(large)}
rows = per_csr(tables[0], tables[1])
if len(tables) == 4:
    floor = per_csr(tables[2], tables[3])
    rows = {k: rows.get(k, 0) - floor.get(k, 0) for k in set(rows) | set(floor)}
for name, ir in sorted(rows.items(), key=lambda kv: -kv[1])[:n]:
    print(f"{ir:>12,.0f}/CSR  {name}")' "$1" "$2" "${annotated[@]}" | { command -v swift >/dev/null 2>&1 && swift demangle --simplified || cat; } | cut -c1-200
    rm -f "${annotated[@]}"
}

# endpoint-instructions: the repeatable CPU figure of issue 15. `clusterpki serve` (the same release binary) runs under
#       valgrind --tool=callgrind twice per CA type, fresh tree each time: once for INSTR_SMALL (200) and once for
#       INSTR_LARGE (2,200) signed CSRs, sent one after another over one TLS keep-alive connection with a bootstrap
#       token (scripts/load/sign-count.py, the same request body as sign.lua). The server is stopped with SIGTERM,
#       callgrind writes its totals at exit; (Ir(large) - Ir(small)) / (large - small) = instructions per signed CSR
#       with startup, warm-up and shutdown cancelled out (the serving certificate, whose key generation costs a random
#       number of instructions, is issued by a first start outside callgrind). Then the top functions by their own
#       instructions per signed CSR (callgrind_annotate, the large run minus the small one, swift-demangled) show
#       where they go, and, with the floor, the same per function for clusterpki minus the floor.
#       Then the same two counts for signing-floor (cfssl's sign-only API on clusterpki's stack, see endpoint) on
#       the same CA: the floor under clusterpki's product path (INSTR_FLOOR=0 skips it).
#       INSTR_ALGOS="ECDSA-P256 RSA-2048" (default both), INSTR_TOP=40 (functions shown); output in
#       $BENCH_OUT/instructions-<algo>.txt and callgrind.out.<algo>-<n>.
bench_endpoint_instructions() {
    require_cmd openssl python3 valgrind callgrind_annotate objcopy
    local bin; bin="$(release_bin)"
    check "release binary: $bin" test -x "$bin"
    local out="${BENCH_OUT:-$REPO/.build/bench}"; mkdir -p "$out"
    local small="${INSTR_SMALL:-200}" large="${INSTR_LARGE:-2200}" top="${INSTR_TOP:-40}"
    mktemp_dir W clusterpki-bench-instr
    info "valgrind: $(valgrind --version); machine load average $(cut -d' ' -f1-3 /proc/loadavg) (instruction counts do not depend on it)"
    # valgrind 3.19 cannot read the DWARF 5 the Swift toolchain writes ("possibly corrupted debuginfo"): run a copy
    # without debug sections; the symbol table stays, so functions keep their (mangled, then demangled) names.
    local vbin="$W/clusterpki-nodebug" vfloor="$W/signing-floor-nodebug"
    objcopy --strip-debug "$bin" "$vbin"
    [[ ${INSTR_FLOOR:-1} == 1 ]] && objcopy --strip-debug "$(floor_bin "$bin")" "$vfloor"
    local csrs="$W/csrs.txt"
    python3 "$REPO/scripts/load/make-csrs.py" "$large" "$csrs"
    local algo n k port pid token rc cg summary=()
    for algo in ${INSTR_ALGOS:-ECDSA-P256 RSA-2048}; do
        declare -A IR=()
        for n in "$small" "$large"; do
            k="$W/$algo-$n"
            "$bin" init --kubernetes-dir "$k" --db "$k/state.db" --node-name bench-cp --apiserver-advertise-address 127.0.0.1 \
                --encryption-algorithm "$algo" >"$W/init-$algo-$n.log" 2>&1 || { fail "init $algo" "$(tail -n 5 "$W/init-$algo-$n.log")"; continue 2; }
            token="$("$bin" token create --db "$k/state.db" --kubernetes-dir "$k" --ttl 2h --description bench)"
            port="$(free_port 127.0.0.1)"
            # serve issues its serving certificate at its first start, with a fresh key whose generation (an RSA
            # prime search with the kubeadm policy's default) costs a random number of instructions: made here,
            # outside callgrind, so that the two measured runs differ only by the CSRs they sign.
            spawn pid "$W/serve-first-$algo-$n.log" "$bin" serve --listen "127.0.0.1:$port" --kubernetes-dir "$k" \
                --db "$k/state.db" --policy kubeadm --node-name bench-cp --log-level warning
            wait_port 127.0.0.1 "$port" 60 "$pid" || { fail "clusterpki serve ($algo) listens" "$(tail -n 5 "$W/serve-first-$algo-$n.log")"; continue 2; }
            stop_pid "$pid" quiet
            port="$(free_port 127.0.0.1)"
            cg="$out/callgrind.out.$algo-$n"
            rm -f "$cg"
            spawn pid "$W/serve-$algo-$n.log" valgrind --tool=callgrind --callgrind-out-file="$cg" \
                "$vbin" serve --listen "127.0.0.1:$port" --kubernetes-dir "$k" --db "$k/state.db" \
                --policy kubeadm --node-name bench-cp --log-level warning
            wait_port 127.0.0.1 "$port" 300 "$pid" || { fail "clusterpki serve under callgrind ($algo) listens" "$(tail -n 5 "$W/serve-$algo-$n.log")"; continue 2; }
            local t0=$SECONDS
            rc=0
            python3 "$REPO/scripts/load/sign-count.py" "https://127.0.0.1:$port" "$k/pki/ca.crt" "$token" "$csrs" "$n" "i$n" \
                >"$W/client-$algo-$n.log" 2>&1 || rc=$?
            check_eq "$algo: $n signed CSRs under callgrind, every one 201 with a certificate ($((SECONDS - t0)) s)" 0 "$rc"
            # SIGTERM: graceful shutdown, callgrind writes its totals at exit (can take a while under valgrind)
            kill -TERM "$pid" 2>/dev/null || true
            local i
            for ((i = 0; i < 1200; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
            stop_pid "$pid" quiet
            check "$algo: callgrind wrote $cg" test -s "$cg"
            IR[$n]="$(awk '/^totals:/ {print $2; exit} /^summary:/ {s=$2} END {if (s) print s}' "$cg" | head -n1)"
            [[ -n "${IR[$n]}" ]] || IR[$n]=0
            info "$algo: $n CSRs -> $(printf "%'d" "${IR[$n]}") instructions in the whole server process"
        done
        local per
        per="$(python3 -c 'import sys; a, b, n1, n2 = map(int, sys.argv[1:]); print((b - a) // (n2 - n1))' "${IR[$small]}" "${IR[$large]}" "$small" "$large")"
        check "$algo: instructions per signed CSR measured ($per > 0)" test "$per" -gt 0
        local txt="$out/instructions-$algo.txt"
        {
            echo "INSTRUCTIONS algo=$algo per_csr=$per small=$small ir_small=${IR[$small]} large=$large ir_large=${IR[$large]}"
            echo "top $top functions by own (exclusive) instructions per signed CSR (the $large-CSR run minus the $small-CSR run):"
            cg_per_csr "$top" $((large - small)) "$out/callgrind.out.$algo-$small" "$out/callgrind.out.$algo-$large"
        } >"$txt"
        summary+=("$algo: $(printf "%'d" "$per") instructions per signed CSR  (($(printf "%'d" "${IR[$large]}") - $(printf "%'d" "${IR[$small]}")) / $((large - small)))")
        # The same count for signing-floor (clusterpki's stack signing only, cfssl's API) on this tree's CA: the
        # floor under the product path. INSTR_FLOOR=0 skips it.
        if [[ ${INSTR_FLOOR:-1} == 1 ]]; then
            declare -A FIR=()
            k="$W/$algo-$small"
            for n in "$small" "$large"; do
                port="$(free_port 127.0.0.1)"
                cg="$out/callgrind.out.floor-$algo-$n"
                rm -f "$cg"
                spawn pid "$W/floor-$algo-$n.log" valgrind --tool=callgrind --callgrind-out-file="$cg" \
                    "$vfloor" --listen "127.0.0.1:$port" --ca-dir "$k/pki" --tls-cert "$k/pki/apiserver.crt" \
                    --tls-key "$k/pki/apiserver.key"
                wait_port 127.0.0.1 "$port" 300 "$pid" || { fail "signing-floor under callgrind ($algo) listens" "$(tail -n 5 "$W/floor-$algo-$n.log")"; continue 2; }
                rc=0
                python3 "$REPO/scripts/load/sign-count.py" "https://127.0.0.1:$port" "$k/pki/ca.crt" - "$csrs" "$n" "f$n" cfssl \
                    >"$W/client-floor-$algo-$n.log" 2>&1 || rc=$?
                check_eq "$algo: signing-floor signed $n CSRs under callgrind, every one 200 with a certificate" 0 "$rc"
                kill -TERM "$pid" 2>/dev/null || true
                for ((i = 0; i < 1200; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
                stop_pid "$pid" quiet
                FIR[$n]="$(awk '/^totals:/ {print $2; exit} /^summary:/ {s=$2} END {if (s) print s}' "$cg" | head -n1)"
                [[ -n "${FIR[$n]}" ]] || FIR[$n]=0
            done
            local fper
            fper="$(python3 -c 'import sys; a, b, n1, n2 = map(int, sys.argv[1:]); print((b - a) // (n2 - n1))' "${FIR[$small]}" "${FIR[$large]}" "$small" "$large")"
            check "$algo: signing-floor instructions per signed CSR measured ($fper > 0)" test "$fper" -gt 0
            summary+=("$algo: signing-floor (the stack, sign only) $(printf "%'d" "$fper") instructions per signed CSR; clusterpki's product path adds $(printf "%'d" $((per - fper))) ($(python3 -c 'import sys; print(f"{int(sys.argv[1]) / max(1, int(sys.argv[2])):.2f}")' "$per" "$fper")x the floor)")
            {
                echo
                echo "top $top functions by own (exclusive) instructions per signed CSR, clusterpki minus signing-floor (the product path):"
                cg_per_csr "$top" $((large - small)) "$out/callgrind.out.$algo-$small" "$out/callgrind.out.$algo-$large" \
                    "$out/callgrind.out.floor-$algo-$small" "$out/callgrind.out.floor-$algo-$large"
            } >>"$txt"
        fi
        echo
        cat "$txt"
    done
    echo
    local s; for s in "${summary[@]}"; do echo "$s"; done
    printf '%s\n' "${summary[@]}" >"$out/instructions-summary.txt"
}

bench_tokens() {
    require_cmd python3
    local build="${TOKENS_BUILD:-release}" log args
    local out="${BENCH_OUT:-$REPO/.build/bench}"; mkdir -p "$out"
    log="$out/bench-tokens.log"
    if [[ $build == release ]]; then
        args=(-c release -Xswiftc -enable-testing --scratch-path "$REPO/.build/release-testing")
    else
        args=()
        info "NOTE: debug build of the tests (TOKENS_BUILD=debug): figures are pessimistic, the targets are for release"
    fi
    info "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared machines add noise)"
    info "building the $build tests: swift build ${args[*]} --build-tests (first time: as long as a full build)"
    (cd "$REPO" && swift build "${args[@]}" --build-tests) >"$out/bench-tokens-build.log" 2>&1 \
        || { fail "swift build ${args[*]} --build-tests" "$(tail -n 20 "$out/bench-tokens-build.log")"; return 0; }
    info "running: CLUSTERPKI_BENCH=1 swift test ${args[*]} --skip-build --filter TokenBenchmarkTests"
    local rc=0
    (cd "$REPO" && CLUSTERPKI_BENCH=1 /usr/bin/env time -f 'TIME wall=%e user=%U sys=%S' \
        swift test "${args[@]}" --skip-build --filter TokenBenchmarkTests) >"$log" 2>&1 || rc=$?
    check_eq "TokenBenchmarkTests ($build) passed" 0 "$rc"
    grep -E '^BENCH|^TIME' "$log" || { fail "TokenBenchmarkTests printed its figures" "$(tail -n 20 "$log")"; return 0; }
    local report
    report="$(python3 - "$log" "$build" <<'PY'
import re, sys
text = open(sys.argv[1]).read(); build = sys.argv[2]
def dur(name):
    m = re.search(name + r"=([0-9.e-]+) seconds", text)
    return float(m.group(1)) if m else None
p50, p99, sweep, insert = dur("p50"), dur("p99"), dur("sweep"), dur("insert")
n = re.search(r"tokens=(\d+)", text); n = int(n.group(1)) if n else 0
t = re.search(r"TIME wall=([0-9.]+) user=([0-9.]+) sys=([0-9.]+)", text)
extra = re.search(r"BENCH p90=([0-9.e-]+) seconds p999=([0-9.e-]+) seconds over1ms=(\d+)/(\d+)", text)
print(f"token store ({build} build), {n:,} live tokens:")
print(f"  authentication p50 {p50 * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms  (target p99 < 1 ms: {'met' if p99 < 0.001 else 'NOT met'})")
if extra:
    print(f"  p90 {float(extra.group(1)) * 1000:.3f} ms, p99.9 {float(extra.group(2)) * 1000:.3f} ms, over 1 ms: {extra.group(3)}/{extra.group(4)}")
print(f"  sweep of {n:,} expired tokens {sweep:.3f} s  (target < 1 s: {'met' if sweep < 1 else 'NOT met'})")
print(f"  (insert of {n:,} tokens in one transaction {insert:.2f} s)")
if t:
    wall, cpu = float(t.group(1)), float(t.group(2)) + float(t.group(3))
    print(f"  swift test process: wall {wall:.1f} s, CPU {cpu:.1f} s (CPU/wall {cpu / wall:.2f}; far below 1 = it mostly waited for a core)")
print(f"CHECK p99-ms {p99 * 1000:.4f} 1")
print(f"CHECK sweep-s {sweep:.4f} 1")
PY
)" || { fail "parse the benchmark output" "$report"; return 0; }
    echo
    grep -v '^CHECK' <<<"$report"
    local _k what value limit
    while read -r _k what value limit; do
        check "tokens $what: $value < $limit" python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$value" "$limit"
    done < <(grep '^CHECK' <<<"$report")
}

bench_ha() {
    require_cmd etcd etcdctl python3 curl
    python3 -c 'import cryptography' 2>/dev/null || { fail "python3 cryptography is installed"; return 0; }
    local bin; bin="$(release_bin)"
    check "release binary: $bin" test -x "$bin"
    mktemp_dir W clusterpki-bench-ha
    local members="${ETCD_MEMBERS:-3}" joiners="${HA_JOINERS:-200}" rounds="${HA_ROUNDS:-3}" checks="${HA_CHECKS:-2000}"
    local hosts=(127.0.0.1 127.0.0.2 127.0.0.3) names=(m0 m1 m2) cport pport i
    cport="$(free_port 127.0.0.1)"; pport="$(free_port 127.0.0.1)"
    info "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); etcd: $members member(s), client port $cport"
    local store="etcd://" cluster="" sans=""
    for ((i = 0; i < members; i++)); do
        store+="${hosts[$i]}:$cport,"; cluster+="${names[$i]}=https://${hosts[$i]}:$pport,"; sans+="\"${hosts[$i]}\", "
    done
    store="${store%,}" cluster="${cluster%,}"
    # One tree for both stores: etcd's member certificates cover every member address.
    local K="$W/k"
    mkdir -p "$K"
    cat >"$W/kubeadm.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
encryptionAlgorithm: ECDSA-P256
etcd:
  local:
    serverCertSANs: [${sans%, }]
    peerCertSANs: [${sans%, }]
YAML
    check "certs generate all --store etcd:// (with clusterpki-etcd-client)" "$bin" certs generate all --kubernetes-dir "$K" \
        --config "$W/kubeadm.yaml" --node-name bench --apiserver-advertise-address 127.0.0.1 --store "$store"
    local pids=() pid
    for ((i = 0; i < members; i++)); do
        spawn pid "$W/etcd-$i.log" etcd --name "${names[$i]}" --data-dir "$W/etcd-$i" \
            --listen-client-urls "https://${hosts[$i]}:$cport" --advertise-client-urls "https://${hosts[$i]}:$cport" \
            --listen-peer-urls "https://${hosts[$i]}:$pport" --initial-advertise-peer-urls "https://${hosts[$i]}:$pport" \
            --initial-cluster "$cluster" --initial-cluster-state new \
            --cert-file "$K/pki/etcd/server.crt" --key-file "$K/pki/etcd/server.key" --trusted-ca-file "$K/pki/etcd/ca.crt" \
            --client-cert-auth=true --peer-cert-file "$K/pki/etcd/peer.crt" --peer-key-file "$K/pki/etcd/peer.key" \
            --peer-trusted-ca-file "$K/pki/etcd/ca.crt" --peer-client-cert-auth=true --logger zap --log-outputs stderr
        pids+=("$pid")
    done
    local healthy=0 out
    for _ in $(seq 1 60); do
        out="$(etcdctl --endpoints "$(sed 's|\([^,]*\)|https://\1|g' <<<"${store#etcd://}")" --cacert "$K/pki/etcd/ca.crt" --cert "$K/pki/clusterpki-etcd-client.crt" \
            --key "$K/pki/clusterpki-etcd-client.key" endpoint health 2>&1)" && { healthy=1; break; }
        sleep 0.5
    done
    check_eq "etcd healthy" 1 "$healthy"
    local token hash
    token="$("$bin" token generate)"
    hash="$("$bin" certs ca-hash --kubernetes-dir "$K")"
    # One serve per backend, both up for the whole run; the same token in both stores.
    local backend port ports=() serves=()
    for backend in sqlite etcd; do
        local opts=(--db "$W/state.db"); [[ $backend == etcd ]] && opts=(--store "$store")
        check "$backend: kubeconfig generate + token create" bash -c '"$1" kubeconfig generate all --kubernetes-dir "$2" "${@:5}" >/dev/null &&
            "$1" token create "$3" --ttl 2h --kubernetes-dir "$2" "${@:5}" >/dev/null' _ "$bin" "$K" "$token" "$backend" "${opts[@]}"
        port="$(free_port 127.0.0.1)"
        spawn pid "$W/serve-$backend.log" "$bin" serve --kubernetes-dir "$K" "${opts[@]}" --listen "127.0.0.1:$port" \
            --node-name bench --log-level warning
        wait_port 127.0.0.1 "$port" 90 "$pid" || { fail "$backend serve listens" "$(tail -n 20 "$W/serve-$backend.log")"; return 0; }
        ports+=("$port"); serves+=("$pid")
    done
    local r
    for ((r = 1; r <= rounds; r++)); do
        for i in 0 1; do
            backend=$([[ $i == 0 ]] && echo sqlite || echo etcd)
            python3 "$REPO/scripts/load/joiners.py" --server "127.0.0.1:${ports[$i]}" --token "$token" --ca-hash "$hash" \
                --count "$joiners" --out "$W/certs-$backend-$r" --prefix "$backend-$r" --timeout 300 \
                >"$W/joins-$backend-$r.json" 2>"$W/joins-$backend-$r.err" || true
            info "round $r $backend: $(cat "$W/joins-$backend-$r.json")"
        done
    done
    for i in 0 1; do
        backend=$([[ $i == 0 ]] && echo sqlite || echo etcd)
        python3 - "127.0.0.1" "${ports[$i]}" "$K/pki/ca.crt" "$token" "$checks" >"$W/check-$backend.txt" <<'PY' || true
import http.client, ssl, sys, time
host, port, ca, token, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
conn = http.client.HTTPSConnection(host, port, context=ssl.create_default_context(cafile=ca), timeout=30)
headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
def buckets():   # the server's own read-only token-check histogram: {le: cumulative count}
    conn.request("GET", "/metrics"); text = conn.getresponse().read().decode()
    prefix = 'clusterpki_token_check_duration_seconds_bucket{path="read_only",le="'
    return {float(l[len(prefix):].split('"')[0]): int(float(l.split()[-1]))
            for l in text.splitlines() if l.startswith(prefix) and "+Inf" not in l}
samples, before = [], {}
for i in range(n + 50):
    if i == 50:
        before = buckets()
    t0 = time.perf_counter()
    conn.request("GET", "/apis/certificates.k8s.io/v1/certificatesigningrequests/bench-missing", headers=headers)
    resp = conn.getresponse(); resp.read()
    if resp.status != 404:
        raise SystemExit(f"unexpected HTTP {resp.status}")
    if i >= 50:  # warm-up
        samples.append(time.perf_counter() - t0)
after = buckets()
delta = {le: after[le] - before.get(le, 0) for le in sorted(after)}
# p99 of the check as the upper edge of the bucket where 99 % of the n checks are reached (an upper bound), the
# share of checks over 5 ms, and the median bucket edge.
p99 = next((le for le, c in delta.items() if c >= 0.99 * n), float("inf"))
p50 = next((le for le, c in delta.items() if c >= 0.5 * n), float("inf"))
over5 = 1 - delta.get(0.005, 0) / n
samples.sort()
print(f"{samples[len(samples) // 2] * 1000:.3f} {samples[len(samples) * 99 // 100] * 1000:.3f} "
      f"{p50 * 1000:.3f} {p99 * 1000:.3f} {over5:.5f}")
PY
        info "$backend token check: request latency p50/p99 ms, check (server histogram) p50/p99 bucket edge ms, share > 5 ms: $(cat "$W/check-$backend.txt")"
    done
    local report
    report="$(python3 - "$W" "$rounds" <<'PY'
import json, statistics, sys
w, rounds = sys.argv[1], int(sys.argv[2])
rate = {}
for b in ("sqlite", "etcd"):
    runs = [json.load(open(f"{w}/joins-{b}-{r}.json")) for r in range(1, rounds + 1)]
    errors = sum(x["errors"] for x in runs)
    rate[b] = statistics.median(x["joins_per_s"] for x in runs)
    print(f"{b}: joins/s median {rate[b]:.1f} over {rounds} rounds {[x['joins_per_s'] for x in runs]}, errors {errors}")
    print(f"CHECK {b}-join-errors {errors} 0.5")
check = {b: [float(v) for v in open(f"{w}/check-{b}.txt").read().split()] for b in ("sqlite", "etcd")}
for b in ("sqlite", "etcd"):
    req50, req99, chk50, chk99, over5 = check[b]
    print(f"{b}: token check (server histogram) p50 <= {chk50:g} ms, p99 <= {chk99:g} ms, {over5:.2%} over 5 ms; "
          f"whole request (check + one CSR read + HTTP/TLS + client) p50 {req50:.3f} ms, p99 {req99:.3f} ms")
print(f"etcd/sqlite join rate: {rate['etcd'] / rate['sqlite']:.2f} (target >= 0.5)")
print(f"CHECK sqlite-to-etcd-join-ratio {rate['sqlite'] / rate['etcd']:.3f} 2")
# p99 under 5 ms: fewer than 1 % of the checks in the histogram's buckets above 5 ms.
print(f"CHECK etcd-token-check-share-over-5ms {check['etcd'][4]:.5f} 0.01")
PY
)" || { fail "parse the ha benchmark output" "$report"; return 0; }
    echo; grep -v '^CHECK' <<<"$report"
    local _k what value limit
    while read -r _k what value limit; do
        check "ha $what: $value < $limit" python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$value" "$limit"
    done < <(grep '^CHECK' <<<"$report")
    for pid in "${serves[@]}" "${pids[@]}"; do stop_pid "$pid"; done
}

case "${1:-tree}" in
    tree) bench_tree ;;
    endpoint) bench_endpoint ;;
    endpoint-instructions) bench_endpoint_instructions ;;
    keygen) mktemp_dir W clusterpki-bench; b="$(release_bin)"; check "release binary built: $b" test -x "$b"; tree_parallel_check "$b" "$W" ;;
    tokens) bench_tokens ;;
    ha) bench_ha ;;
    *) echo "usage: scripts/bench.sh [tree|tokens|endpoint|endpoint-instructions|keygen|ha]" >&2; _FINISHED=1; exit 2 ;;
esac
finish

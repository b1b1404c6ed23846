#!/usr/bin/env bash
# Regenerates Sources/EtcdAPI/ (the Swift messages and gRPC clients of etcd's v3 API) from etcd's own protos.
#   scripts/generate-etcd-grpc.sh
# Needs: Debian's protobuf-compiler (protoc) and golang-etcd-server-dev (the protos); `swift package resolve` done.
# The two protoc plugins are built from the package's own dependency checkouts (so the generated code matches the
# runtime versions in Package.swift) into .build-protoc/, which git ignores. CI never runs this script: the output
# is committed.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"

ETCD_SRC="${ETCD_SRC:-/usr/share/gocode/src/go.etcd.io/etcd}"
OUT="$REPO/Sources/EtcdAPI"
SCRATCH="$REPO/.build-protoc"
PROTOC="${PROTOC:-/usr/bin/protoc}"

for f in "$ETCD_SRC/etcdserver/etcdserverpb/rpc.proto" "$ETCD_SRC/mvcc/mvccpb/kv.proto" "$ETCD_SRC/auth/authpb/auth.proto"; do
    [[ -f "$f" ]] || { echo "missing $f: apt-get install golang-etcd-server-dev" >&2; exit 1; }
done
[[ -x "$PROTOC" ]] || { echo "missing $PROTOC: apt-get install protobuf-compiler" >&2; exit 1; }
[[ -d .build/checkouts/grpc-swift-protobuf && -d .build/checkouts/swift-protobuf ]] \
    || { echo "no dependency checkouts: run 'swift package resolve' first" >&2; exit 1; }

# ---- 1. the plugins, one product per build (two --product flags build only the last)
build_plugin() {   # build_plugin PACKAGE PRODUCT
    local src="$SCRATCH/src/$1" commit
    commit="$(git -C ".build/checkouts/$1" rev-parse HEAD)"
    # A copy, so that building never writes into SwiftPM's checkout (it would then refuse to update it); copied
    # again only when the checkout moved, so that a second run rebuilds nothing.
    if [[ "$(cat "$src/.copied-from" 2>/dev/null)" != "$commit" ]]; then
        rm -rf "$src" && mkdir -p "$SCRATCH/src" && cp -R ".build/checkouts/$1" "$src" && rm -rf "$src/.git"
        echo "$commit" > "$src/.copied-from"
    fi
    swift build -c release --package-path "$src" --scratch-path "$SCRATCH/$1" --product "$2" >&2
    echo "$SCRATCH/$1/release/$2"
}
GEN_SWIFT="$(build_plugin swift-protobuf protoc-gen-swift)"
GEN_GRPC="$(build_plugin grpc-swift-protobuf protoc-gen-grpc-swift-2)"

# ---- 2. the protos, laid out as rpc.proto's imports expect, without the Go and REST annotations
ROOT="$(mktemp -d)"
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/etcd/etcdserver/etcdserverpb" "$ROOT/etcd/mvcc/mvccpb" "$ROOT/etcd/auth/authpb"
cp "$ETCD_SRC/etcdserver/etcdserverpb/rpc.proto" "$ROOT/etcd/etcdserver/etcdserverpb/"
cp "$ETCD_SRC/mvcc/mvccpb/kv.proto" "$ROOT/etcd/mvcc/mvccpb/"
cp "$ETCD_SRC/auth/authpb/auth.proto" "$ROOT/etcd/auth/authpb/"
python3 - "$ROOT" <<'PY'
import pathlib, re, sys

def strip(text: str) -> str:
    # Drop gogoproto and google.api imports and the `option (gogoproto...)` lines: they only steer Go code generation.
    lines = [l for l in text.splitlines(keepends=True)
             if not re.match(r'\s*import\s+"(gogoproto|google/api)/', l)
             and not re.match(r'\s*option\s+\(gogoproto\.[^)]*\)', l)]
    text = "".join(lines)
    # Drop every `option (google.api.http) = { ... };` block, matching braces (some nest additional_bindings {}).
    out, i = [], 0
    pattern = re.compile(r'option\s+\(google\.api\.http\)\s*=\s*\{')
    while (m := pattern.search(text, i)):
        out.append(text[i:m.start()])
        depth, j = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        j = text.index(";", j) + 1
        i = j
    out.append(text[i:])
    return "".join(out)

def drop_services(text: str, names) -> str:
    # clusterpki's client calls KV, Watch, Lease and Maintenance only: the Cluster and Auth services (their client
    # code alone is ~2,300 lines) are left out; their messages stay.
    for name in names:
        m = re.search(r'(?m)^service\s+' + name + r'\s*\{', text)
        if not m:
            sys.exit(f"service {name} not found in rpc.proto")
        depth, j = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        text = text[:m.start()] + text[j:]
    return text

for path in pathlib.Path(sys.argv[1]).rglob("*.proto"):
    stripped = strip(path.read_text())
    if path.name == "rpc.proto":
        stripped = drop_services(stripped, ["Cluster", "Auth"])
    for needle in ("gogoproto", "google.api"):
        if needle in stripped:
            sys.exit(f"{path}: '{needle}' is still present after stripping")
    path.write_text(stripped)
PY

# ---- 3. protoc: public messages and clients only (etcd is the server)
find "$OUT" -name "*.swift" -delete && find "$OUT" -mindepth 1 -type d -empty -delete
mkdir -p "$OUT"
"$PROTOC" -I "$ROOT" \
    --plugin=protoc-gen-swift="$GEN_SWIFT" --plugin=protoc-gen-grpc-swift-2="$GEN_GRPC" \
    --swift_out="$OUT" --swift_opt=Visibility=Public,FileNaming=DropPath \
    --grpc-swift-2_out="$OUT" --grpc-swift-2_opt=Visibility=Public,Client=true,Server=false,FileNaming=DropPath \
    etcd/etcdserver/etcdserverpb/rpc.proto etcd/mvcc/mvccpb/kv.proto etcd/auth/authpb/auth.proto
# kv.proto and auth.proto declare no service: drop their empty client files.
grep -l "This file contained no services" "$OUT"/*.grpc.swift | xargs -r rm -f
# ---- 4. one file per generated type (the project's 250-line limit holds for generated code too)
python3 "$REPO/scripts/split-generated-swift.py" "$OUT"

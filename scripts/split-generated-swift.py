#!/usr/bin/env python3
"""Splits protoc's Swift output into one file per generated type, so that no source file exceeds the project's
250-line limit and a reader finds a message or client by its name.

    scripts/split-generated-swift.py DIR          (run by scripts/generate-etcd-grpc.sh after protoc)

Each `NAME.pb.swift` / `NAME.grpc.swift` in DIR becomes DIR/NAME/<Type>.pb.swift (or .grpc.swift): the top-level
declarations of one type (its struct or enum, its runtime extensions, a service's descriptor and client extensions)
with the file's header (its comments and imports). A type whose declarations exceed the limit is cut at a top-level
declaration into <Type>+2.pb.swift, ...; a single declaration over the limit stops the script. The file-private
`_protobuf_package` constant becomes module-internal under a per-package name (the types of one proto file now live
in several Swift files), and the API-version check stays file-private in <NAME>/<NAME>+Package.pb.swift. gRPC
clients lose their `///` comments (repeated parameter boilerplate; the .proto is the reference); messages keep
theirs.
"""
import pathlib
import re
import sys

LIMIT = 250
DECL = re.compile(
    r"^(?:@\S+\s+)*(?:(?:public|internal|fileprivate|private|nonisolated|final)\s+)*"
    r"(?:struct|enum|extension|class|protocol|let|var|typealias|func)\s+([A-Za-z0-9_]+)")
PACKAGE = re.compile(r'^fileprivate nonisolated let _protobuf_package = "([a-z0-9_.]+)"$')


def blocks(lines):
    """Top-level declarations as (root type, lines); leading comments and attributes belong to the next one."""
    pending, i, out = [], 0, []
    while i < len(lines):
        line = lines[i]
        if not line.strip() or line.startswith("//") or line.startswith("@"):
            pending.append(line)
            i += 1
            continue
        match = DECL.match(line)
        if not match:
            sys.exit(f"unexpected top-level line {i + 1}: {line!r}")
        body = [line]
        if line.rstrip().endswith("{"):
            while lines[i] != "}":
                i += 1
                body.append(lines[i])
        i += 1
        while pending and not pending[0].strip():
            pending.pop(0)
        out.append((match.group(1), pending + body))
        pending = []
    return out


def split(path: pathlib.Path):
    kind = ".grpc.swift" if path.name.endswith(".grpc.swift") else ".pb.swift"
    stem = path.name[: -len(kind)]
    lines = path.read_text().split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    first = next(i for i, l in enumerate(lines) if DECL.match(l) or l.startswith("@") or l.startswith("// MARK"))
    # The header: comments and imports, without the trailing comment that introduces the version check.
    header = lines[:first]
    while header and header[-1].startswith("//") and not header[-1].startswith("// swift"):
        header.pop()
    body = lines[first:]
    if kind == ".grpc.swift":
        body = [l for l in body if not l.lstrip().startswith("///")]
    package = next((PACKAGE.match(l).group(1) for l in body if PACKAGE.match(l)), None)
    constant = "_protobuf_package_" + (package or "").replace(".", "_")
    if package:
        body = [re.sub(r"\b_protobuf_package\b", constant, l.replace("fileprivate nonisolated let", "nonisolated let"))
                if "_protobuf_package" in l else l for l in body]
    groups = {}  # root type -> its blocks, in order of first appearance
    last = None
    for root, block in blocks(body):
        if root == "GRPCCore":  # `extension GRPCCore.ServiceDescriptor`: the service declared just before
            root = last
        elif root in (constant, "_GeneratedWithProtocGenSwiftVersion"):
            root = f"{stem}+Package"
        groups.setdefault(root, []).append(block)
        last = root
    outdir = path.parent / stem
    outdir.mkdir(exist_ok=True)
    written = []
    for root, group in groups.items():
        parts, current = [], []
        for block in group:
            size = len(header) + sum(len(b) + 1 for b in current) + len(block)
            if current and size > LIMIT:
                parts.append(current)
                current = []
            if len(header) + len(block) > LIMIT:
                sys.exit(f"{path.name}: one declaration of {root} has {len(block)} lines, over {LIMIT}")
            current.append(block)
        parts.append(current)
        for n, part in enumerate(parts, start=1):
            target = outdir / f"{root}{'' if n == 1 else f'+{n}'}{kind}"
            text = "\n".join(header + sum(([""] + b for b in part), [])[1:]) + "\n"
            target.write_text(text)
            written.append(target)
    path.unlink()
    return written


def main():
    directory = pathlib.Path(sys.argv[1])
    files = sorted(directory.glob("*.pb.swift")) + sorted(directory.glob("*.grpc.swift"))
    total = 0
    for path in files:
        written = split(path)
        longest = max(len(p.read_text().split("\n")) - 1 for p in written)
        total += len(written)
        print(f"{path.name}: {len(written)} files, the longest {longest} lines")
    print(f"{total} files in {directory}")


if __name__ == "__main__":
    main()

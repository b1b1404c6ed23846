import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A small real tmpfs that tests fill up to get a genuine ENOSPC (mounting needs root, as `scripts/test.sh` runs).
///
/// ``mount(megabytes:)`` records an issue and returns nil when not root, so a disk-full test fails loudly instead of
/// passing without having run.
public final class FullFileSystem: @unchecked Sendable {
    public let url: URL
    private var filler: URL { url.appendingPathComponent(".filler") }

    private init(url: URL) { self.url = url }

    /// Mounts a tmpfs of `megabytes` on a fresh directory.
    public static func mount(megabytes: Int, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> FullFileSystem?
    {
        guard getuid() == 0 else {
            Issue.record(
                "this disk-full test mounts a tmpfs and must run as root (scripts/test.sh does)",
                sourceLocation: sourceLocation)
            return nil
        }
        let directory = try TemporaryDirectory(prefix: "clusterpki-full")
        try run("/bin/mount", "-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", directory.url.path)
        return FullFileSystem(url: directory.url)
    }

    /// Writes zeros until the file system says ENOSPC.
    public func fill() {
        let fd = open(filler.path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0, count: 4096)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// Frees what ``fill()`` took.
    public func free() { unlink(filler.path) }

    /// Unmounts and removes the directory.
    public func unmount() {
        try? Self.run("/bin/umount", "-l", url.path)
        try? FileManager.default.removeItem(at: url)
    }

    static func run(_ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(
                .fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(arguments.joined(separator: " ")) failed"])
        }
    }
}

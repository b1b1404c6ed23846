import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Thin, checked wrappers over the POSIX calls atomic writes need.
enum FileSystem {
    static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(UInt64.random(in: 0...UInt64.max, using: &generator), radix: 36)
    }

    static func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    static func checked(_ path: String, _ call: () -> Int32) throws {
        guard call() == 0 else { throw failure(path) }
    }

    static func failure(_ path: String, _ code: Int32 = errno) -> PKIError {
        switch code {
        case EACCES, EROFS, EPERM: return .directoryNotWritable(path: path, detail: errnoText(code))
        case ENOSPC, EDQUOT: return .fileSystem(path: path, detail: "no space left on device")
        default: return .fileSystem(path: path, detail: errnoText(code))
        }
    }

    /// Creates a directory and its missing parents with mode 0700.
    static func makeDirectory(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw PKIError.fileSystem(path: url.path, detail: "exists and is not a directory")
            }
            return
        }
        let parent = url.deletingLastPathComponent()
        if parent.path != url.path { try makeDirectory(parent) }
        if mkdir(url.path, 0o700) != 0 && errno != EEXIST { throw failure(url.path) }
        try syncDirectory(parent.path)
    }

    /// Writes a file that must not exist yet, with `mode` set before any byte is written.
    static func writeNew(_ data: Data, to path: String, mode: UInt32, sync: Bool) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw failure(path) }
        defer { close(fd) }
        guard fchmod(fd, mode_t(mode)) == 0 else { throw failure(path) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure(path)
                }
                offset += written
            }
        }
        if sync { guard fsync(fd) == 0 else { throw failure(path) } }
    }

    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure(path) }
    }

    static func removeTree(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }
}

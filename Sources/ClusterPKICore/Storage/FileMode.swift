import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Permission bits of existing files, so a rewrite keeps the mode an operator chose.
public enum FileMode {
    /// The permission bits (`0o7777` mask) of the file at `url`, or nil when it cannot be stat'ed.
    public static func of(_ url: URL) -> UInt32? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        return UInt32(info.st_mode) & 0o7777
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension DatabaseFile {
    /// Whether the file system holding `path` has no block left for an unprivileged writer (what SQLite, which
    /// does not keep errno in its result, would have hit as ENOSPC).
    static func hasNoSpace(near path: String) -> Bool {
        var stats = statvfs()
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard statvfs(directory, &stats) == 0 else { return false }
        return stats.f_bavail == 0
    }
}

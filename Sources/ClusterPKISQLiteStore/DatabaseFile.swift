import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation

/// File-system checks done before SQLite touches the file, so a wrong file is reported and left byte-identical.
enum DatabaseFile {
    static let sqliteHeader = Array("SQLite format 3\u{0}".utf8)

    /// Creates the parent directory (0700) and an empty database file (0600) if missing, then checks the header.
    static func prepare(path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(
                    at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError.cannotOpenDatabase(
                    path: path, detail: "cannot create \(directory.path): \(error.localizedDescription)")
            }
        } else if !isDirectory.boolValue {
            throw StoreError.cannotOpenDatabase(path: path, detail: "\(directory.path) is not a directory")
        }

        // O_EXCL so that a file another process just created is never truncated or re-permissioned.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 {
            close(fd)
            return
        }
        let createErrno = errno
        guard createErrno == EEXIST else {
            let detail = String(cString: strerror(createErrno))
            if createErrno == EACCES || createErrno == EROFS || createErrno == EPERM {
                throw StoreError.readOnlyDatabase(path: path, detail: "cannot create the file: \(detail)")
            }
            throw StoreError.cannotOpenDatabase(path: path, detail: detail)
        }
        try checkHeader(path: path)
    }

    /// Fails unless the file is empty or starts with SQLite's 16-byte magic header.
    static func checkHeader(path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw StoreError.cannotOpenDatabase(path: path, detail: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw StoreError.notAStateDatabase(path: path, detail: "it is not a regular file")
        }
        if info.st_size == 0 { return }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let detail = String(cString: strerror(errno))
            throw StoreError.cannotOpenDatabase(path: path, detail: detail)
        }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: sqliteHeader.count)
        let count = header.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count == sqliteHeader.count, header == sqliteHeader else {
            throw StoreError.notAStateDatabase(path: path, detail: "the file is not an SQLite database")
        }
    }
}

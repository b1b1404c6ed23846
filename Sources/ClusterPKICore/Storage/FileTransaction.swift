import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes several files so that after a crash either all of them or none of them are in place.
///
/// POSIX cannot rename two files atomically, so a cert and its key are committed through a journal:
/// every file is staged (and synced) in `.clusterpki-txn-<id>/` inside the root, then a manifest is
/// renamed into place (the commit point), then the files are renamed to their targets. ``recover(in:)``
/// rolls a committed journal forward and deletes an uncommitted one; every command runs it first.
public struct FileTransaction: Sendable {
    public struct Entry: Sendable, Codable {
        public var path: String
        public var contents: Data
        public var mode: UInt32
    }

    static let stagingPrefix = ".clusterpki-txn-"
    static let manifestName = "manifest"
    static let tempMarker = ".clusterpki-tmp-"

    public private(set) var entries: [Entry] = []
    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    /// Stages `contents` for `path`, relative to the transaction root.
    public mutating func write(_ contents: Data, to path: String, mode: UInt32) {
        entries.removeAll { $0.path == path }
        entries.append(Entry(path: path, contents: contents, mode: mode))
    }

    public mutating func write(_ text: String, to path: String, mode: UInt32) {
        write(Data(text.utf8), to: path, mode: mode)
    }

    /// Commits every staged file under `root`; on error nothing under `root` has changed.
    public func commit(in root: URL) throws {
        guard !entries.isEmpty else { return }
        try FileSystem.makeDirectory(root)
        for directory in Set(entries.map { root.appendingPathComponent($0.path).deletingLastPathComponent() }) {
            try FileSystem.makeDirectory(directory)
        }
        if entries.count == 1 { return try commitSingle(entries[0], root: root) }

        let staging = root.appendingPathComponent(Self.stagingPrefix + FileSystem.randomSuffix())
        try FileSystem.checked(staging.path) { mkdir(staging.path, 0o700) }
        do {
            for (index, entry) in entries.enumerated() {
                try FileSystem.writeNew(
                    entry.contents, to: staging.appendingPathComponent("\(index)").path, mode: entry.mode, sync: true)
            }
            let manifest = try JSONEncoder().encode(entries.map(\.path))
            let pending = staging.appendingPathComponent("manifest.pending")
            try FileSystem.writeNew(manifest, to: pending.path, mode: 0o600, sync: true)
            try FileSystem.checked(staging.path) {
                rename(pending.path, staging.appendingPathComponent(Self.manifestName).path)
            }
            try FileSystem.syncDirectory(staging.path)
        } catch {
            FileSystem.removeTree(staging)
            throw error
        }
        try Self.rollForward(staging, root: root, paths: entries.map(\.path))
    }

    private func commitSingle(_ entry: Entry, root: URL) throws {
        let target = root.appendingPathComponent(entry.path)
        let temp = target.deletingLastPathComponent()
            .appendingPathComponent("." + target.lastPathComponent + Self.tempMarker + FileSystem.randomSuffix())
        do {
            try FileSystem.writeNew(entry.contents, to: temp.path, mode: entry.mode, sync: true)
            try FileSystem.checked(target.path) { rename(temp.path, target.path) }
        } catch {
            unlink(temp.path)
            throw error
        }
        try FileSystem.syncDirectory(target.deletingLastPathComponent().path)
    }

    private static func rollForward(_ staging: URL, root: URL, paths: [String]) throws {
        var directories = Set<String>()
        for (index, path) in paths.enumerated() {
            let staged = staging.appendingPathComponent("\(index)").path
            let target = root.appendingPathComponent(path)
            guard access(staged, F_OK) == 0 else { continue }  // moved before a crash
            try FileSystem.checked(target.path) { rename(staged, target.path) }
            directories.insert(target.deletingLastPathComponent().path)
        }
        for directory in directories { try FileSystem.syncDirectory(directory) }
        FileSystem.removeTree(staging)
        try FileSystem.syncDirectory(root.path)
    }

    /// Completes or discards what a killed process left under `root`; returns the paths rolled forward.
    @discardableResult
    public static func recover(in root: URL) throws -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return [] }
        var recovered: [String] = []
        for name in names where name.hasPrefix(stagingPrefix) {
            let staging = root.appendingPathComponent(name)
            let manifest = staging.appendingPathComponent(manifestName)
            if let data = FileManager.default.contents(atPath: manifest.path),
                let paths = try? JSONDecoder().decode([String].self, from: data)
            {
                try rollForward(staging, root: root, paths: paths)
                recovered += paths
            } else {
                FileSystem.removeTree(staging)
            }
        }
        removeStrayTemporaries(in: root)
        return recovered
    }

    private static func removeStrayTemporaries(in directory: URL) {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return }
        while let relative = enumerator.nextObject() as? String {
            if (relative as NSString).lastPathComponent.contains(tempMarker) {
                unlink(directory.appendingPathComponent(relative).path)
            }
        }
    }
}

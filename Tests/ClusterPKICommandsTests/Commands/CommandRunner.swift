import ArgumentParser
import Foundation

@testable import ClusterPKICommands

/// Runs `clusterpki ARGUMENTS...` in process, as the executable would (parse, validate, run), without exiting.
func runCommand(_ arguments: [String]) async throws {
    var command = try ClusterPKICommand.parseAsRoot(arguments)
    if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
    } else {
        try command.run()
    }
}

/// Every file under `directory` (relative paths, sorted), without SQLite's `-wal`/`-shm` companions, which any reader
/// of a WAL database may add beside it.
func filesUnder(_ directory: URL) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: directory.path)
    var files: [String] = []
    while let relative = enumerator?.nextObject() as? String {
        if relative.hasSuffix("-wal") || relative.hasSuffix("-shm") { continue }
        files.append(relative)
    }
    return files.sorted()
}

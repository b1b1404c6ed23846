import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation

/// Runs `--restart-hook` through `/bin/sh -c` without blocking Swift concurrency's threads.
public enum RestartHook {
    /// Runs `command` with `environment` added; the exit status is nil when it could not be started.
    public static func run(_ command: String, environment: [String: String] = [:]) async
        -> ScheduledRenewalReport.HookResult
    {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", command]
                process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = pipe
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(
                        returning: .init(command: command, exitStatus: nil, output: "cannot start /bin/sh: \(error)"))
                    return
                }
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                let status =
                    process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
                continuation.resume(returning: .init(command: command, exitStatus: status, output: tail(data)))
            }
        }
    }

    /// The last 4 KiB of the output, as text.
    static func tail(_ data: Data) -> String {
        String(decoding: data.suffix(4096), as: UTF8.self)
    }
}

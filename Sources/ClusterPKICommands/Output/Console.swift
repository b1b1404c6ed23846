import Foundation

/// Standard error, for warnings and failure lines (standard output stays what scripts parse).
enum Console {
    static func warn(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// One line on standard output, flushed at once (a long-running command's line must reach a log or a pipe
    /// before the command goes on).
    static func line(_ line: String) {
        print(line)
        fflush(nil)  // all streams: `stdout` itself is a global Swift 6 will not touch
    }
}

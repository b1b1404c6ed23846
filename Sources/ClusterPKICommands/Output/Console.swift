import Foundation

/// Standard error, for warnings and failure lines (standard output stays what scripts parse).
enum Console {
    static func warn(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

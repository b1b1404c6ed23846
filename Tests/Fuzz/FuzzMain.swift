// libFuzzer's entry point, linked into every target with that target's `fuzz(_:)`
// (scripts/fuzz.sh compiles this file, the target's file and the clusterpki imports its table names).

@_cdecl("LLVMFuzzerTestOneInput")
public func llvmFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// A broken invariant: crash, so libFuzzer keeps the input as a reproducer.
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: \(message())") }
}

/// The input as text, as a file or a request body would be read.
func text(_ data: [UInt8]) -> String { String(decoding: data, as: UTF8.self) }

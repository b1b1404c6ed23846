extension Unicode.Scalar {
    /// For an ASCII scalar, whether it is printable (the space through `~`: no C0 control, no DEL); `nil` beyond
    /// ASCII, where the caller's own Unicode rule decides. Answered without a Unicode property lookup: names are
    /// nearly always ASCII, and both name validation and log escaping run on every CSR.
    var asciiPrintable: Bool? {
        isASCII ? value >= 0x20 && value != 0x7F : nil
    }
}

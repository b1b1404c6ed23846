/// GoDurationParser (Go's time.ParseDuration) and goQuote, which its errors use.
func fuzz(_ data: [UInt8]) {
    let input = text(data)
    do {
        let seconds = try GoDurationParser.seconds(input)
        require(seconds.isFinite && abs(seconds) <= Double(Int64.max) / 1e9 + 1, "\(goQuote(input)) = \(seconds) s")
        // The canonical form (written into policies and messages) must mean the same duration, to the nanosecond.
        if let duration = try? GoDuration(parsing: input) {
            let reparsed = try? GoDuration(parsing: duration.description).seconds
            require(
                reparsed.map { abs($0 - seconds) <= 2e-9 + abs(seconds) * 1e-15 } == true,
                "\(goQuote(input)) prints as \(duration), which reads back as \(String(describing: reparsed))")
        }
    } catch {
        require(!error.reason.contains("\n"), "message not on one line: \(error.reason)")
    }
    let quoted = goQuote(input)
    require(!quoted.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "goQuote left a control character")
}

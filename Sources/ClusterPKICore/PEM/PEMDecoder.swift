/// Go's `encoding/pem.Decode`, called again on the rest until it finds no block, in linear time.
///
/// Go rescans the rest of the input for an END line after every rejected BEGIN line, which is quadratic on input
/// made of many BEGIN lines; the memos below give the same answers without the rescans, so a request body of a
/// megabyte cannot hold a CPU for minutes.
struct PEMDecoder {
    private let data: [UInt8]
    /// Where Go's `rest` starts.
    private var position = 0
    /// The last END search: from any offset in `from...found` the first END line is `found` (nil: there is none).
    private var endSearch: (from: Int, found: Int?)?
    /// An END line and the last byte before it that cannot be in a body: bodies starting at or before it fail.
    private var badBody: (end: Int, lastBadByte: Int)?
    /// The last "only blanks up to the line's end" check.
    private var blankLine: (at: Int, blank: Bool)?

    private static let begin = Array("\n-----BEGIN ".utf8)
    private static let end = Array("\n-----END ".utf8)
    private static let dashes = Array("-----".utf8)

    init(_ data: [UInt8]) { self.data = data }

    /// The next block, or nil when Go's `pem.Decode` would return nil.
    mutating func next() -> PEMBlock? {
        var rest = position
        while true {
            if hasPrefix(Self.begin.dropFirst(), at: rest) {
                rest += Self.begin.count - 1
            } else if let found = find(Self.begin, from: rest) {
                rest = found + Self.begin.count
            } else {
                return nil
            }
            let typeLine = line(at: rest)
            rest = typeLine.next
            guard typeLine.end - typeLine.start >= Self.dashes.count,
                hasPrefix(Self.dashes[...], at: typeLine.end - Self.dashes.count)
            else { continue }
            let type = data[typeLine.start..<(typeLine.end - Self.dashes.count)]
            var headers: [String: String] = [:]
            while true {
                if rest == data.count { return nil }
                let header = line(at: rest)
                guard let colon = data[header.start..<header.end].firstIndex(of: UInt8(ascii: ":")) else { break }
                headers[text(trimmingSpace(header.start..<colon))] = text(trimmingSpace((colon + 1)..<header.end))
                rest = header.next
            }
            let endIndex: Int
            let trailerStart: Int
            if headers.isEmpty, hasPrefix(Self.end.dropFirst(), at: rest) {
                endIndex = rest
                trailerStart = rest + Self.end.count - 1
            } else if let found = findEnd(from: rest) {
                endIndex = found
                trailerStart = found + Self.end.count
            } else {
                continue
            }
            let trailerEnd = trailerStart + type.count + Self.dashes.count
            guard trailerEnd <= data.count, data[trailerStart..<(trailerStart + type.count)].elementsEqual(type),
                hasPrefix(Self.dashes[...], at: trailerStart + type.count), isBlankToLineEnd(trailerEnd),
                let bytes = body(rest..<endIndex)
            else { continue }
            position = line(at: endIndex + Self.end.count - 1).next
            return PEMBlock(type: text(type[...]), headers: headers, bytes: bytes)
        }
    }

    /// Go's `getLine`: the line at `start` without its `\n` or `\r\n` and trailing spaces and tabs, and where the
    /// next line starts.
    private func line(at start: Int) -> (start: Int, end: Int, next: Int) {
        var newline = start
        while newline < data.count, data[newline] != 0x0A { newline += 1 }
        var end = newline
        if newline < data.count, end > start, data[end - 1] == 0x0D { end -= 1 }
        while end > start, data[end - 1] == 0x20 || data[end - 1] == 0x09 { end -= 1 }
        return (start, end, min(newline + 1, data.count))
    }

    private mutating func isBlankToLineEnd(_ start: Int) -> Bool {
        if let blankLine, blankLine.at == start { return blankLine.blank }
        let blank = line(at: start).end == start
        blankLine = (start, blank)
        return blank
    }

    private mutating func findEnd(from start: Int) -> Int? {
        if let endSearch, endSearch.from <= start, start <= (endSearch.found ?? Int.max) { return endSearch.found }
        let found = find(Self.end, from: start)
        endSearch = (start, found)
        return found
    }

    /// The decoded body, or nil. A body with a byte no base64 text can hold fails without decoding, and that
    /// byte is remembered, since the next candidates often share this END line.
    private mutating func body(_ range: Range<Int>) -> [UInt8]? {
        if let badBody, badBody.end == range.upperBound, range.lowerBound <= badBody.lastBadByte { return nil }
        if let bad = data[range].lastIndex(where: { !GoBase64.isBodyByte($0) }) {
            badBody = (range.upperBound, bad)
            return nil
        }
        return GoBase64.decode(data[range])
    }

    private func hasPrefix(_ prefix: ArraySlice<UInt8>, at offset: Int) -> Bool {
        offset >= 0 && data.count - offset >= prefix.count
            && data[offset..<(offset + prefix.count)].elementsEqual(prefix)
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, data.count >= needle.count else { return nil }
        var index = start
        while index <= data.count - needle.count {
            if data[index] == first, hasPrefix(needle[...], at: index) { return index }
            index += 1
        }
        return nil
    }

    /// Go's `bytes.TrimSpace` for ASCII whitespace (header keys and values).
    private func trimmingSpace(_ range: Range<Int>) -> ArraySlice<UInt8> {
        var slice = data[range]
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0D).contains($0) }
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return slice
    }

    private func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}

import Foundation

extension KubeconfigDocument {
    /// The file's text with the given embedded values replaced and every other byte unchanged.
    ///
    /// Each value is located by its YAML position, checked to be written on one line, and replaced in the same
    /// quoting style; the result is parsed again and must resolve to the new values.
    public func replacing(_ replacements: [Field: String]) throws -> String {
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        let ordered = try replacements.map { field, newValue -> (Location, Field, String) in
            guard let location = locations[field] else {
                throw KubeconfigError.missingEmbeddedData(path: path, field: field.rawValue)
            }
            return (location, field, newValue)
        }.sorted { ($0.0.line, $0.0.column) > ($1.0.line, $1.0.column) }  // right to left, bottom to top

        for (location, field, newValue) in ordered {
            func refuse(_ reason: String) -> KubeconfigError {
                .cannotEditInPlace(path: path, field: field.rawValue, reason: reason)
            }
            let index = location.line - 1, start = location.column - 1
            guard lines.indices.contains(index), start <= lines[index].count else {
                throw refuse("its position is outside the file")
            }
            let quote: String
            switch location.style {
            case .plain: quote = ""
            case .singleQuoted: quote = "'"
            case .doubleQuoted: quote = "\""
            case .other: throw refuse("it is a block scalar")
            }
            let written = Array((quote + location.value + quote).unicodeScalars)
            let line = lines[index]
            guard start + written.count <= line.count, Array(line[start..<start + written.count]) == written else {
                throw refuse("the value spans several lines or uses escapes")
            }
            if location.style == .plain, start + written.count < line.count {
                let next = line[start + written.count]
                guard [" ", "\t", "\r", ",", "}", "]"].contains(next) else {
                    throw refuse("the value is not a single plain word")
                }
            }
            lines[index].replaceSubrange(
                start..<start + written.count, with: Array((quote + newValue + quote).unicodeScalars))
        }
        let result = lines.map { line -> String in
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: line)
            return String(scalars)
        }.joined(separator: "\n")

        let check = try KubeconfigDocument(text: result, path: path)
        for (field, newValue) in replacements where check.value(field) != newValue {
            throw KubeconfigError.cannotEditInPlace(
                path: path, field: field.rawValue, reason: "the edited file does not read back the new value")
        }
        return result
    }
}

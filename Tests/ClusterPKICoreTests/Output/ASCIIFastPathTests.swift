import Testing

@testable import ClusterPKICore

/// The ASCII shortcuts of the name and quoting checks answer exactly what Unicode's tables answer.
@Suite struct ASCIIFastPathTests {
    static let ascii = (0..<0x80).map { Unicode.Scalar(UInt8($0)) }

    @Test func printableMatchesTheGeneralCategory() {
        for scalar in Self.ascii {
            let byTable: Bool
            switch scalar.properties.generalCategory {
            case .control: byTable = false
            default: byTable = true  // letters, marks, numbers, punctuation, symbols, and the space
            }
            #expect(scalar.asciiPrintable == byTable, "U+\(String(scalar.value, radix: 16))")
            #expect(GoQuote.isPrintable(scalar) == byTable, "U+\(String(scalar.value, radix: 16))")
            #expect(SubjectNameValidator.isAllowedInName(scalar) == byTable, "U+\(String(scalar.value, radix: 16))")
        }
    }

    @Test func beyondASCIITheCallersRuleDecides() {
        for scalar: Unicode.Scalar in ["\u{80}", "\u{85}", "\u{A0}", "\u{E9}", "\u{2028}", "\u{1F600}"] {
            #expect(scalar.asciiPrintable == nil, "U+\(String(scalar.value, radix: 16))")
        }
    }

    @Test func whitespaceMatchesTheWhiteSpaceProperty() {
        for scalar in Self.ascii + ["\u{85}", "\u{A0}", "\u{2028}", "\u{3000}", "a", "\u{200B}"] {
            #expect(
                SubjectNameValidator.isWhitespace(scalar) == scalar.properties.isWhitespace,
                "U+\(String(scalar.value, radix: 16))")
        }
    }
}

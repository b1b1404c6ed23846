import Foundation

/// Quotes like Go's `%q` (`strconv.Quote`), so messages match kubeadm's byte for byte and an untrusted value can
/// neither end the quoted text nor break the line it is printed on.
public func goQuote(_ value: String) -> String {
    "\"" + GoQuote.escape(value, quote: "\"") + "\""
}

/// An untrusted value for one line of a log or a table: every character `%q` would escape is escaped the same way,
/// but the value is not put in quotes (a `"` stays as it is; a `\` is doubled, so `\n` cannot be forged).
public func goEscape(_ value: String) -> String {
    GoQuote.escape(value, quote: nil)
}

/// The escaping behind ``goQuote(_:)`` and ``goEscape(_:)``.
enum GoQuote {
    /// Go's rule: a character is printed as it is if it is a letter, mark, number, punctuation, symbol or the ASCII
    /// space (`unicode.IsPrint`); anything else (controls, line and paragraph separators, bidirectional overrides,
    /// other spaces, unassigned code points) becomes `\a`…`\v`, `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
    static func escape(_ value: String, quote: Unicode.Scalar?) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(value.unicodeScalars.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case _ where scalar == quote: out += "\\" + String(scalar)
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            case _ where isPrintable(scalar): out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x80: out += "\\x" + hex(scalar.value, digits: 2)
            case _ where scalar.value < 0x10000: out += "\\u" + hex(scalar.value, digits: 4)
            default: out += "\\U" + hex(scalar.value, digits: 8)
            }
        }
        return out
    }

    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if let printable = scalar.asciiPrintable { return printable }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark,
            .decimalNumber, .letterNumber, .otherNumber,
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation,
            .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

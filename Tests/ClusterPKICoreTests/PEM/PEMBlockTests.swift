import ClusterPKICore
import ClusterPKITesting
import Foundation
import SwiftASN1
import Testing

/// Go's `encoding/pem.Decode` behaviour, case by case (its pem_test.go cases and the ones clients produce).
@Suite struct PEMBlockTests {
    static let test = Array("test".utf8)  // "dGVzdA=="

    @Test(arguments: [
        ("plain", "-----BEGIN FOO-----\ndGVzdA==\n-----END FOO-----\n"),
        ("no final newline", "-----BEGIN FOO-----\ndGVzdA==\n-----END FOO-----"),
        ("CRLF", "-----BEGIN FOO-----\r\ndGVzdA==\r\n-----END FOO-----\r\n"),
        ("trailing blanks on the marker lines", "-----BEGIN FOO----- \t\ndGVzdA==\n-----END FOO-----  \n"),
        ("spaces and tabs in the base64", "-----BEGIN FOO-----\n dG V\tzd A= =\n-----END FOO-----\n"),
        ("one character per line", "-----BEGIN FOO-----\nd\nG\nV\nz\nd\nA\n=\n=\n-----END FOO-----\n"),
        (
            "text before and after",
            "subject=CN = x\nissuer=...\n-----BEGIN FOO-----\ndGVzdA==\n-----END FOO-----\ntrailer\n"
        ),
        ("a rejected BEGIN first", "-----BEGIN BAR-----\n-----BEGIN FOO-----\ndGVzdA==\n-----END FOO-----\n"),
    ])
    func decodesWhatGoDecodes(_ label: String, _ text: String) throws {
        let blocks = PEMBlock.blocks(in: text)
        #expect(blocks == [PEMBlock(type: "FOO", bytes: Self.test)], "\(label)")
    }

    @Test(arguments: [
        ("no END line", "-----BEGIN FOO-----\ndGVzdA==\n"),
        ("END of another type", "-----BEGIN FOO-----\ndGVzdA==\n-----END BAR-----\n"),
        ("too few trailing dashes", "-----BEGIN FOO-----\ndGVzdA==\n-----END FOO----\n"),
        ("too many trailing dashes", "-----BEGIN FOO-----\ndGVzdA==\n-----END FOO------\n"),
        ("text after END on its line", "-----BEGIN FOO-----\ndGVzdA==\n-----END FOO----- x\n"),
        ("BEGIN line without dashes", "-----BEGIN FOO\ndGVzdA==\n-----END FOO-----\n"),
        ("padding missing", "-----BEGIN FOO-----\ndGVzdA\n-----END FOO-----\n"),
        ("padding wrong", "-----BEGIN FOO-----\ndGVzdA=\n-----END FOO-----\n"),
        ("data after padding", "-----BEGIN FOO-----\ndGVzdA==dGVz\n-----END FOO-----\n"),
        ("not base64", "-----BEGIN FOO-----\n!!!!\n-----END FOO-----\n"),
        ("indented BEGIN", " -----BEGIN FOO-----\ndGVzdA==\n-----END FOO-----\n"),
    ])
    func findsNoBlockWhereGoFindsNone(_ label: String, _ text: String) {
        #expect(PEMBlock.blocks(in: text).isEmpty, "\(label)")
    }

    @Test func anEmptyBodyIsABlock() {
        #expect(PEMBlock.blocks(in: "-----BEGIN FOO-----\n-----END FOO-----\n") == [PEMBlock(type: "FOO", bytes: [])])
    }

    @Test func readsHeadersAndSeesEncryptedBlocks() throws {
        let text =
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123\n\ndGVzdA==\n-----END RSA PRIVATE KEY-----\n"
        let block = try #require(PEMBlock.blocks(in: text).first)
        #expect(block.headers == ["Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,0123"])
        #expect(block.bytes == Self.test && block.isEncrypted)
    }

    @Test func findsEveryBlockInOrderAndSkipsBrokenOnes() {
        let text = """
            first
            -----BEGIN A-----
            QQ==
            -----END A-----
            between
            -----BEGIN BROKEN-----
            QQ=
            -----END BROKEN-----
            -----BEGIN B-----
            Qg==
            -----END B-----
            """
        #expect(PEMBlock.blocks(in: text).map(\.type) == ["A", "B"])
        #expect(PEMBlock.first(in: Array(text.utf8))?.bytes == Array("A".utf8))
    }

    @Test(arguments: [1, 2, 3, 47, 48, 100, 1000])
    func roundTripsWhatSwiftASN1WritesAtAnyLineLength(_ size: Int) throws {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let pem = PEMDocument(type: "DATA", derBytes: bytes).pemString
        #expect(PEMBlock.blocks(in: pem) == [PEMBlock(type: "DATA", bytes: bytes)])
        // Re-wrapped at 76 columns with CRLF, as Python's base64.encodebytes and Windows tools write it.
        let body = Data(bytes).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
        let rewrapped = "-----BEGIN DATA-----\r\n\(body)\r\n-----END DATA-----\r\n"
        #expect(PEMBlock.blocks(in: rewrapped) == [PEMBlock(type: "DATA", bytes: bytes)])
    }

    /// Inputs on which Go's algorithm rescans the rest for an END line after every rejected BEGIN line.
    enum Adversarial: String, CaseIterable, Sendable {
        case manyBeginsEndWithJunk, manyBeginsOneEnd, manyBeginsNoEnd, beginsBlanksEnd

        func text(lines: Int) -> String {
            let begins = String(repeating: "-----BEGIN A-----\n", count: lines)
            switch self {
            case .manyBeginsEndWithJunk: return begins + "-----END A----- x"
            case .manyBeginsOneEnd: return begins + "-----END A-----\n"
            case .manyBeginsNoEnd: return begins
            case .beginsBlanksEnd: return begins + "-----END A-----" + String(repeating: " ", count: lines * 18) + "x"
            }
        }
    }

    /// About 300 kB: linear work is well under a second; Go's quadratic rescans would be billions of byte
    /// comparisons (minutes in a debug build), so the generous bound holds on a loaded machine and still catches it.
    @Test(arguments: Adversarial.allCases)
    func adversarialInputTakesLinearTime(_ shape: Adversarial) {
        let text = shape.text(lines: 16_000)
        let elapsed = ContinuousClock().measure { #expect(PEMBlock.blocks(in: text).count <= 1) }
        #expect(elapsed < .seconds(30), "\(shape): \(elapsed)")
    }
}

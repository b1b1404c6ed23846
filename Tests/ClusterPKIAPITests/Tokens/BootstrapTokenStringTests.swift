import ClusterPKIAPI
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@Suite struct BootstrapTokenStringTests {
    // Spec 4.1, from kubeadm's apis/bootstraptoken/v1/utils_test.go.
    static let valid = [
        "abcdef.1234567890123456", "123456.aabbccddeeffgghh", "abcdef.abcdef0123456789", "123456.1234560123456789",
    ]
    static let invalid = [
        "", ".", "1234567890123456789012", "12345.1234567890123456", ".1234567890123456", "123456.",
        "123456:1234567890.123456", "abcdef:1234567890123456", "Abcdef.1234567890123456", "123456.AABBCCDDEEFFGGHH",
        "123456.AABBCCD-EEFFGGHH", "abc*ef.1234567890123456",
        // Beyond the upstream vectors: the `\z` anchor rejects a trailing newline, and a second dot is not a token.
        "abcdef.1234567890123456\n", "abcdef.1234567890123456.", "abcdéf.1234567890123456",
    ]

    @Test(arguments: valid)
    func parsesValidToken(_ text: String) throws {
        let token = try BootstrapTokenString(parsing: text)
        #expect(token.token == text)
        #expect(token.id == String(text.prefix(6)))
        #expect(token.secret == String(text.suffix(16)))
    }

    @Test(arguments: invalid)
    func rejectsInvalidTokenWithKubeadmText(_ text: String) {
        #expect(throws: BootstrapTokenFormatError.malformedToken(text)) { try BootstrapTokenString(parsing: text) }
        let message = BootstrapTokenFormatError.malformedToken(text).message
        #expect(message.hasSuffix(#"was not of the form "\\A([a-z0-9]{6})\\.([a-z0-9]{16})\\z""#))
    }

    @Test func jsonFormIsTheQuotedToken() throws {
        let token = try BootstrapTokenString(parsing: "abcdef.abcdef0123456789")
        #expect(String(decoding: try JSONEncoder().encode(token), as: UTF8.self) == #""abcdef.abcdef0123456789""#)
        #expect(
            try JSONDecoder().decode(BootstrapTokenString.self, from: Data(#""abcdef.abcdef0123456789""#.utf8)) == token
        )
    }

    @Test func descriptionNeverShowsTheSecret() throws {
        let token = try BootstrapTokenString(parsing: "abcdef.abcdef0123456789")
        #expect("\(token)" == "abcdef.<redacted>")
        #expect(!String(reflecting: token).contains(token.secret))
        let full = BootstrapToken(token: token, usages: [.signing], groups: [], expires: nil, created: referenceNow)
        #expect(!"\(full)".contains(token.secret))
        #expect(!String(reflecting: full).contains(token.secret))
    }

    @Test func generatedTokensAreValidAndDistinct() throws {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let token = BootstrapTokenString.generate()
            #expect(try BootstrapTokenString(parsing: token.token) == token)
            seen.insert(token.token)
        }
        #expect(seen.count == 1000)
    }

    @Test func generationCoversTheWholeAlphabetEvenly() {
        var counts = [UInt8: Int]()
        for _ in 0..<2000 {
            for byte in BootstrapTokenString.generate().token.utf8 where byte != UInt8(ascii: ".") {
                counts[byte, default: 0] += 1
            }
        }
        // 44,000 draws over 36 symbols: about 1,222 each; a biased mapping would skew the first four symbols.
        #expect(counts.count == 36)
        #expect(counts.values.allSatisfy { (1000...1450).contains($0) })
    }

    @Test(arguments: [("abcdef", "abcdef"), ("abcdef.1234567890123456", "abcdef")])
    func deleteAcceptsIDOrToken(_ input: String, _ id: String) throws {
        #expect(try BootstrapTokenString.id(fromIDOrToken: input) == id)
    }

    @Test func deleteRejectsOtherInputWithKubeadmText() {
        #expect(throws: BootstrapTokenFormatError.malformedTokenOrID("invalid-token")) {
            try BootstrapTokenString.id(fromIDOrToken: "invalid-token")
        }
        #expect(
            BootstrapTokenFormatError.malformedTokenOrID("x").message
                == #"given token didn't match pattern "\\A([a-z0-9]{6})\\.([a-z0-9]{16})\\z" or "\\A([a-z0-9]{6})\\z""#)
    }
}

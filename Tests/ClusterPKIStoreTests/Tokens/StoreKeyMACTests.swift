import ClusterPKIAPI
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKIStore

/// The keyed hash of a token secret: the stored form must not change (databases hold these MACs), and a check made
/// from the precomputed keyed state must be as strict as a fresh HMAC.
@Suite struct StoreKeyMACTests {
    static let token = try! BootstrapTokenString(id: "abcdef", secret: "0123456789abcdef")

    /// RFC 5869 HKDF-SHA256 of the test key, then RFC 2104 HMAC-SHA256 of "id.secret", computed with Python's
    /// `hmac` and `hashlib`; the same computation matched a MAC stored by the build before the keyed state.
    @Test func theStoredMACIsHKDFThenHMACOfIdAndSecret() {
        let expected = "7072202e93a3e97e70e5d46cf366d8112aedd0e195921f5b084a3e9e094159bd"
        #expect(testKey.secretMAC(for: Self.token).map { String(format: "%02x", $0) }.joined() == expected)
    }

    @Test func onlyTheExactMACOfTheSameTokenIsValid() throws {
        let mac = testKey.secretMAC(for: Self.token)
        #expect(testKey.isValidSecret(Self.token, mac: mac))
        var flipped = mac
        flipped[31] ^= 0x01
        let other = try BootstrapTokenString(id: "abcdef", secret: "0123456789abcdeg")
        for wrong in [flipped, mac.prefix(31), mac + [0], Data(), testKey.secretMAC(for: other)] {
            #expect(!testKey.isValidSecret(Self.token, mac: wrong))
        }
        #expect(!StoreKey.random().isValidSecret(Self.token, mac: mac))
    }

    /// Every check starts from the same keyed state: many at once, from many tasks, agree with the first.
    @Test func checksFromManyTasksDoNotDisturbTheKeyedState() async throws {
        let tokens = try (0..<64).map { index in
            try BootstrapTokenString(id: "abcdef", secret: String(format: "%016x", index))
        }
        let macs = tokens.map { testKey.secretMAC(for: $0) }
        let results = await withTaskGroup(of: Bool.self) { group in
            for round in 0..<8 {
                for (index, token) in tokens.enumerated() {
                    group.addTask {
                        testKey.isValidSecret(token, mac: macs[index])
                            && !testKey.isValidSecret(token, mac: macs[(index + round + 1) % macs.count])
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 512 && results.allSatisfy { $0 })
        #expect(tokens.map { testKey.secretMAC(for: $0) } == macs)
    }
}

import ClusterPKICore
import Foundation
import Testing

@Suite struct UUIDRandomTests {
    @Test func randomUUIDsAreVersion4RFC4122AndDistinct() {
        let uuids = (0..<1000).map { _ in UUID.random() }
        for uuid in uuids {
            let text = uuid.uuidString.lowercased()
            let characters = Array(text)
            #expect(characters.count == 36 && characters[14] == "4", "\(text)")
            #expect("89ab".contains(characters[19]), "\(text)")
        }
        #expect(Set(uuids).count == 1000)
        // Apart from the version and variant bits, every bit is set in some UUID.
        let union = uuids.reduce(into: [UInt8](repeating: 0, count: 16)) { union, uuid in
            withUnsafeBytes(of: uuid.uuid) { for (i, byte) in $0.enumerated() { union[i] |= byte } }
        }
        var expected = [UInt8](repeating: 0xff, count: 16)
        expected[6] = 0x4f
        expected[8] = 0xbf
        #expect(union == expected)
    }

    @Test func theLowercasedStringIsFoundationsUUIDStringInLowercase() {
        var uuids = (0..<1000).map { _ in UUID.random() }
        uuids.append(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        uuids.append(UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)))
        for uuid in uuids { #expect(uuid.lowercasedString == uuid.uuidString.lowercased()) }
        let fixed = UUID(
            uuid: (0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10))
        #expect(fixed.lowercasedString == "01234567-89ab-cdef-fedc-ba9876543210")
    }
}

import Foundation
import Testing

@testable import ClusterPKIAPI

/// The CSR object's own JSON writer against Foundation's `JSONEncoder` (what ``KubernetesJSON/encode(_:)`` does for
/// every other type): the same JSON value (Foundation writes members in hash order, which changes from process to
/// process, so bytes are compared only for strings), the same object back.
@Suite struct KubernetesJSONCSRTests {
    /// Foundation's encoding, through the generic path the writer replaces for this type.
    static func foundation<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// Every member set, ownerReferences and conditions included.
    static func full(_ text: String = "x") -> CertificateSigningRequestObject {
        var object = CertificateSigningRequestObject(
            metadata: ObjectMeta(
                name: "n-\(text)", generateName: "g-\(text)", namespace: "ns-\(text)", uid: "u-\(text)",
                resourceVersion: "7", creationTimestamp: "2026-12-01T00:00:00Z", labels: ["l": text],
                annotations: ["a": text],
                ownerReferences: [
                    OwnerReference(
                        apiVersion: "v1", kind: "K", name: text, uid: "o", controller: true, blockOwnerDeletion: false)
                ]),
            spec: .init(request: "cmVx/+=", signerName: "s/\(text)", expirationSeconds: 3600, usages: ["a", text]),
            status: .init(
                conditions: [
                    .init(
                        type: "Approved", status: "True", reason: "R", message: text, lastUpdateTime: "t1",
                        lastTransitionTime: "t2")
                ], certificate: "Y2VydA=="))
        object.spec.username = "user-\(text)"
        object.spec.uid = ""
        object.spec.groups = ["system:bootstrappers", text]
        object.spec.extra = ["k": [text, "v"]]
        return object
    }

    /// The same JSON value as Foundation's: both parsed by `JSONSerialization`, compared member by member.
    static func sameJSON(_ object: CertificateSigningRequestObject) throws -> Bool {
        let fast = try JSONSerialization.jsonObject(with: KubernetesJSON.encode(object)) as? NSDictionary
        let slow = try JSONSerialization.jsonObject(with: foundation(object)) as? NSDictionary
        return fast != nil && fast == slow
    }

    @Test func aFullObjectIsFoundationsJSONInDeclarationOrder() throws {
        let object = Self.full()
        #expect(try Self.sameJSON(object))
        #expect(
            try KubernetesJSON.decode(CertificateSigningRequestObject.self, from: KubernetesJSON.encode(object))
                == object)
        // Declaration order, as the API server writes it; kind and apiVersion first.
        let text = try #require(String(data: KubernetesJSON.encode(object), encoding: .utf8))
        #expect(
            text.hasPrefix(
                #"{"kind":"CertificateSigningRequest","apiVersion":"certificates.k8s.io/v1","metadata":{"name":"n-x","generateName""#
            ))
        #expect(text.hasSuffix(#""certificate":"Y2VydA=="}}"#))
    }

    @Test func everyStringIsEscapedAsFoundationEscapesIt() throws {
        // All of ASCII (the C0 controls, quote, backslash, slash, DEL), then non-ASCII scalars of 2, 3 and 4 bytes,
        // U+2028/U+2029 included.
        let ascii = String(String.UnicodeScalarView((0..<128).map { Unicode.Scalar(UInt8($0)) }))
        for text in [ascii, "é\u{2028}\u{2029}✓\u{1F600}", "", "\\\"/"] + ascii.map(String.init) {
            var json = JSONBytes(capacity: 16)
            json.string(text)
            #expect(Data(json.bytes) == (try Self.foundation(text)), "\(text.debugDescription)")
            let object = Self.full(text)
            #expect(try Self.sameJSON(object))
            #expect(
                try KubernetesJSON.decode(CertificateSigningRequestObject.self, from: KubernetesJSON.encode(object))
                    == object)
        }
    }

    /// The eight-bytes-at-a-time scan: every byte value in every lane of a word, beside safe ASCII and beside
    /// non-ASCII bytes, is flagged exactly when it needs escaping.
    @Test func theWordScanFlagsExactlyTheWordsWithAByteToEscape() {
        for filler in [UInt8(ascii: "A"), 0xFF, 0x80, 0x20, 0x7F] {
            for lane in 0..<8 {
                for value in 0...255 {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[lane] = UInt8(value)
                    let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                    let needs = value < 0x20 || value == 0x22 || value == 0x5C
                    #expect(JSONBytes.mayNeedEscaping(word) == needs, "filler \(filler) lane \(lane) byte \(value)")
                }
            }
        }
    }

    /// A character to escape at every offset of a base64-like run (so in every lane of the scan's words and in the
    /// tail it finishes byte by byte), alone, in pairs, and beside multi-byte scalars: Foundation's bytes.
    @Test func escapesAreFoundWhereverTheyFallInTheRun() throws {
        let run = "MIIBkTCCATcCAQAwVzEVMBMGA1UEChMMc3lzdGVtOm5vZGVz"
        for special in ["\"", "\\", "\n", "\u{01}", "\u{1F}", "é", "\u{1F600}"] {
            for offset in 0...run.count {
                let index = run.index(run.startIndex, offsetBy: offset)
                var once = run
                once.insert(contentsOf: special, at: index)
                var twice = once
                twice.insert(contentsOf: special + "\t", at: twice.startIndex)
                for text in [once, twice, special + run + special] {
                    var json = JSONBytes(capacity: 16)
                    json.string(text)
                    #expect(Data(json.bytes) == (try Self.foundation(text)), "\(text.debugDescription)")
                }
            }
        }
    }

    /// A list of strings (the ledger's organizations) is the encoder's output, byte for byte.
    @Test func aStringArrayIsFoundationsJSON() throws {
        let ascii = String(String.UnicodeScalarView((0..<128).map { Unicode.Scalar(UInt8($0)) }))
        for strings in [[], ["system:nodes"], ["a", "", "é\u{2028}\u{1F600}", ascii, "x/y", "\\\""]] as [[String]] {
            #expect(KubernetesJSON.encode(strings: strings) == (try KubernetesJSON.encode(strings)), "\(strings)")
            #expect(try JSONDecoder().decode([String].self, from: KubernetesJSON.encode(strings: strings)) == strings)
        }
    }

    @Test func absentMembersAreLeftOutAsTheEncoderLeavesThemOut() throws {
        let minimal = CertificateSigningRequestObject(
            metadata: ObjectMeta(), spec: .init(request: "", signerName: ""), status: nil)
        var noKind = minimal
        noKind.kind = nil
        noKind.apiVersion = nil
        var emptyCollections = minimal
        emptyCollections.metadata.labels = [:]
        emptyCollections.spec.extra = [:]
        emptyCollections.spec.usages = []
        emptyCollections.status = .init(conditions: [], certificate: nil)
        for object in [minimal, noKind, emptyCollections] {
            #expect(try Self.sameJSON(object))
        }
        #expect(
            try KubernetesJSON.encode(noKind) == Data(#"{"metadata":{},"spec":{"request":"","signerName":""}}"#.utf8))
    }

    @Test func dictionariesOfManyKeysDecodeToTheSameObject() throws {
        var object = Self.full()
        object.metadata.annotations = Dictionary(uniqueKeysWithValues: (0..<20).map { ("k\($0)", "v\($0)") })
        object.spec.extra = ["b": ["1"], "a": [], "c": ["x", "y"]]
        let fast = try KubernetesJSON.encode(object)
        #expect(try KubernetesJSON.decode(CertificateSigningRequestObject.self, from: fast) == object)
        // Sorted keys: the same bytes on every run.
        let text = try #require(String(data: fast, encoding: .utf8))
        #expect(text.contains(#""extra":{"a":[],"b":["1"],"c":["x","y"]}"#))
    }

    /// The writer lists members by hand: a member added to one of these types must be added to it too, or this fails.
    @Test func theWriterKnowsEveryStoredMember() {
        let object = Self.full()
        let counts = [
            Mirror(reflecting: object).children.count, Mirror(reflecting: object.metadata).children.count,
            Mirror(reflecting: object.metadata.ownerReferences![0]).children.count,
            Mirror(reflecting: object.spec).children.count, Mirror(reflecting: object.status!).children.count,
            Mirror(reflecting: object.status!.conditions![0]).children.count,
        ]
        // kind apiVersion metadata spec status | ObjectMeta | OwnerReference | Spec | Status | Condition
        #expect(counts == [5, 9, 6, 8, 2, 6])
    }
}

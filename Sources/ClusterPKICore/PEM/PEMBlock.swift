/// One PEM block as Go's `encoding/pem` reads it: the type, the `Key: Value` headers and the decoded bytes.
///
/// This is the one PEM reader of clusterpki (certificates, private and public keys, CSRs), so every file and request
/// body is read as kubeadm and the API server read it: base64 lines of any length, CRLF, spaces and tabs inside the
/// base64, and text before, between and after blocks are all accepted; a BEGIN line without its matching END line,
/// or a body that is not base64, is not a block (and is skipped, as Go skips it).
public struct PEMBlock: Sendable, Hashable {
    /// The text between `-----BEGIN ` and `-----`, e.g. `CERTIFICATE REQUEST`.
    public var type: String
    /// RFC 1421 headers such as `Proc-Type: 4,ENCRYPTED`; the last of a repeated key wins, as in Go.
    public var headers: [String: String]
    /// The decoded body, usually DER.
    public var bytes: [UInt8]

    public init(type: String, headers: [String: String] = [:], bytes: [UInt8]) {
        self.type = type
        self.headers = headers
        self.bytes = bytes
    }

    /// Every block of `data`, in order, as repeated `pem.Decode(rest)` calls find them.
    public static func blocks(in data: some Collection<UInt8>) -> [PEMBlock] {
        var decoder = PEMDecoder(Array(data))
        var blocks: [PEMBlock] = []
        while let block = decoder.next() { blocks.append(block) }
        return blocks
    }

    /// Every block of `text`, in order.
    public static func blocks(in text: String) -> [PEMBlock] { blocks(in: Array(text.utf8)) }

    /// The first block only, as one `pem.Decode` call returns it (what the API server reads from a CSR).
    public static func first(in data: some Collection<UInt8>) -> PEMBlock? {
        var decoder = PEMDecoder(Array(data))
        return decoder.next()
    }

    /// Go's `x509.IsEncryptedPEMBlock`: a legacy OpenSSL-encrypted block carries a `DEK-Info` header.
    public var isEncrypted: Bool { headers["DEK-Info"] != nil }
}

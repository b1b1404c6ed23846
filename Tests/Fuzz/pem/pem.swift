import Foundation

/// PEMBlock and the readers built on it; every block decoded must re-encode (64 columns) to the same block.
func fuzz(_ data: [UInt8]) {
    for block in PEMBlock.blocks(in: data) where block.headers.isEmpty && !block.type.contains("\n") {
        let body = Data(block.bytes).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        let pem = "-----BEGIN \(block.type)-----\n\(body.isEmpty ? "" : body + "\n")-----END \(block.type)-----\n"
        require(PEMBlock.blocks(in: pem) == [block], "round trip changed the block of type \(goQuote(block.type))")
    }
    let input = text(data)
    _ = try? PEMCertificates.parse(input, path: "fuzz.crt")
    _ = try? PrivateKeyMaterial(pemEncoded: input, path: "fuzz.key")
    _ = try? PublicKeyBundle.parse(input, path: "fuzz.pub")
}

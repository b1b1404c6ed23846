import Foundation
import SwiftASN1
import X509

/// Writes PEM blocks byte-identical to swift-asn1's `PEMDocument.pemString` (64-column base64, `\n` line ends, no
/// trailing newline), with Foundation's base64 encoder: `pemString` wraps lines by walking `Substring` indices, which
/// was ~3 % of the instructions of a signed CSR (`scripts/bench.sh endpoint-instructions`).
public enum PEMEncoder {
    /// One `type` block of `der`, without the trailing newline.
    public static func block(type: String, der: some Collection<UInt8>) -> String {
        let body = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        var text = "-----BEGIN \(type)-----\n"
        text.reserveCapacity(body.utf8.count + 2 * type.utf8.count + 40)
        if !body.isEmpty { text += body + "\n" }
        text += "-----END \(type)-----"
        return text
    }

    /// A `CERTIFICATE` block of `certificate`, without the trailing newline.
    public static func certificate(_ certificate: Certificate) throws -> String {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return block(type: "CERTIFICATE", der: serializer.serializedBytes)
    }
}

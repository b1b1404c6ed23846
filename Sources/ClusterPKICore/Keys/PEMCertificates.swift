import Foundation
import SwiftASN1
import X509

/// Reading and writing `CERTIFICATE` PEM the way client-go does.
public enum PEMCertificates {
    /// Every `CERTIFICATE` block of `text` without headers, first one first; other blocks are skipped (client-go's
    /// `certutil.ParseCertsPEM`).
    public static func parse(_ text: String, path: String) throws -> [Certificate] {
        var certificates: [Certificate] = []
        for block in PEMBlock.blocks(in: text) where block.type == "CERTIFICATE" && block.headers.isEmpty {
            do { certificates.append(try Certificate(derEncoded: block.bytes)) } catch {
                throw PKIError.malformedPEM(path: path, detail: "a CERTIFICATE block does not hold X.509 DER: \(error)")
            }
        }
        guard !certificates.isEmpty else {
            throw PKIError.malformedPEM(path: path, detail: "data does not contain any valid RSA or ECDSA certificates")
        }
        return certificates
    }

    /// Newline-terminated PEM for one or more certificates (a bundle).
    public static func encode(_ certificates: [Certificate]) throws -> String {
        try certificates.map { try PEMEncoder.certificate($0) + "\n" }.joined()
    }
}

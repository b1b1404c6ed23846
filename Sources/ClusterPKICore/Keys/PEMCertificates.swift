import Foundation
import SwiftASN1
import X509

/// Reading and writing `CERTIFICATE` PEM the way client-go does.
public enum PEMCertificates {
    /// Every `CERTIFICATE` block of `text`, first one first; other block types are skipped.
    public static func parse(_ text: String, path: String) throws -> [Certificate] {
        let documents: [PEMDocument]
        do { documents = try PEMDocument.parseMultiple(pemString: text) } catch {
            throw PKIError.malformedPEM(path: path, detail: "\(error)")
        }
        var certificates: [Certificate] = []
        for document in documents where document.discriminator == "CERTIFICATE" {
            do { certificates.append(try Certificate(derEncoded: document.derBytes)) } catch {
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
        try certificates.map { try $0.serializeAsPEM().pemString + "\n" }.joined()
    }
}

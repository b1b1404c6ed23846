import Foundation

extension DiscoveryHash {
    /// `certs ca-hash`: one hash per certificate in the PEM file at `path` (a CA bundle during a rotation holds two).
    public static func hashes(ofCertificateFile path: String) throws -> [DiscoveryHash] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw PKIError.fileSystem(path: path, detail: "cannot read the CA certificate; pass it with --cert FILE")
        }
        return try PEMCertificates.parse(text, path: path).map { try DiscoveryHash(of: $0) }
    }
}

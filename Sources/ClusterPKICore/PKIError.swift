import Foundation

/// Every failure of the CA core; each message says what to do next.
public enum PKIError: Error, Equatable, Sendable {
    case malformedPEM(path: String, detail: String)
    case keyDoesNotMatchCertificate(path: String)
    case notACertificateAuthority(name: String, path: String)
    case unknownCertificateName(String, known: [String])
    case unknownKeyAlgorithm(String)
    case invalidAdvertiseAddress(String)
    case invalidCIDR(String)
    case invalidControlPlaneEndpoint(String)
    case invalidDuration(String, field: String)
    case directoryNotWritable(path: String, detail: String)
    case fileSystem(path: String, detail: String)
    case missingCertificateAuthority(name: String, path: String)
    case missingCAKey(name: String, path: String)
    case existingCertificateInvalid(name: String, reason: String)
    case incompletePair(name: String, present: String, missing: String)
    case policy(field: String, problem: String)
    case config(path: String, problem: String)
    case unsupportedKey(path: String)
    case signing(String)
    case csrNotPEM
    case csrWrongPEMType(String)
    case csrNotPKCS10(detail: String)
    case csrBadSignature
    case csrKeyTooWeak(bits: Int, minimum: Int)
    case csrUnsupportedKey(String)
    case emptyName(field: SubjectField)
    case nameTooLong(field: SubjectField, value: String, length: Int, limit: Int)
    case nameNotPrintable(field: SubjectField, value: String)
    case duplicateName(field: SubjectField, value: String)
    case invalidDNSName(field: SubjectField, value: String, reason: String)
    case invalidNodeName(String, reason: String)

    public var message: String {
        switch self {
        case .malformedPEM(let path, let detail):
            return
                "\(path) is not valid PEM (\(detail)); restore it from a backup or remove it and run `clusterpki certs generate` again"
        case .keyDoesNotMatchCertificate(let path):
            return
                "the private key \(path) does not match its certificate; restore the matching key or remove both files and regenerate them"
        case .notACertificateAuthority(let name, let path):
            return
                "certificate \(name) (\(path)) is not a CA; replace it with a CA certificate (basicConstraints CA:TRUE) or remove it to have one generated"
        case .unknownCertificateName(let name, let known):
            return "unknown certificate name \"\(name)\"; valid names are: \(known.joined(separator: ", "))"
        case .unknownKeyAlgorithm(let value):
            return
                "unknown encryption algorithm \"\(value)\"; use one of RSA-2048, RSA-3072, RSA-4096, ECDSA-P256, ECDSA-P384"
        case .invalidAdvertiseAddress(let value):
            return
                "advertise address \"\(value)\" is not a valid IP address; pass an IPv4 or IPv6 address with --apiserver-advertise-address"
        case .invalidCIDR(let value):
            return "service subnet \"\(value)\" is not a valid CIDR; pass e.g. --service-cidr 10.96.0.0/12"
        case .invalidControlPlaneEndpoint(let value):
            return
                "control-plane endpoint \"\(value)\" is not host[:port]; pass e.g. --control-plane-endpoint lb.example.com:6443"
        case .invalidDuration(let value, let field):
            return "\(field): \"\(value)\" is not a duration; use Go syntax such as 24h, 90m or 8760h0m0s"
        case .directoryNotWritable(let path, let detail):
            return
                "cannot write to \(path) (\(detail)); check that it exists and is writable, or choose another directory"
        case .fileSystem(let path, let detail):
            return "\(path): \(detail); fix the file system problem (space, permissions) and run the command again"
        case .missingCertificateAuthority(let name, let path):
            return
                "the \(name) certificate authority is missing (\(path)); run `clusterpki certs generate \(name)` first or copy it from the first control-plane node"
        case .missingCAKey(let name, let path):
            return
                "the \(name) private key \(path) is absent (external CA mode), so certificates it signs cannot be created here; create them with the external CA and place them in the certificate directory"
        case .existingCertificateInvalid(let name, let reason):
            return
                "the existing certificate \(name) cannot be used: \(reason); remove its .crt and .key to have it regenerated, or fix the configuration"
        case .incompletePair(let name, let present, let missing):
            return
                "\(name): \(present) exists but \(missing) does not; restore the missing file or remove the other one to regenerate the pair"
        case .policy(let field, let problem):
            return "policy: \(field): \(problem)"
        case .config(let path, let problem):
            return "config \(path): \(problem)"
        case .unsupportedKey(let path):
            return
                "the private key file \(path) is neither in RSA nor ECDSA format; replace it with an RSA or ECDSA key"
        case .signing(let detail):
            return "signing failed: \(detail)"
        case .csrNotPEM, .csrWrongPEMType, .csrNotPKCS10, .csrBadSignature, .csrKeyTooWeak, .csrUnsupportedKey:
            return csrMessage
        case .emptyName, .nameTooLong, .nameNotPrintable, .duplicateName, .invalidDNSName, .invalidNodeName:
            return nameMessage
        }
    }
}

extension PKIError: CustomStringConvertible, LocalizedError {
    public var description: String { message }
    public var errorDescription: String? { message }
}

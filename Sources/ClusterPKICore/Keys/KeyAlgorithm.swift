/// A key type kubeadm's `encryptionAlgorithm` can name.
public enum KeyAlgorithm: String, CaseIterable, Sendable, Codable {
    case rsa2048 = "RSA-2048"
    case rsa3072 = "RSA-3072"
    case rsa4096 = "RSA-4096"
    case ecdsaP256 = "ECDSA-P256"
    case ecdsaP384 = "ECDSA-P384"

    /// Parses kubeadm's spelling; an empty string means the kubeadm default, RSA-2048.
    public init(parsing value: String) throws {
        if value.isEmpty { self = .rsa2048; return }
        guard let algorithm = KeyAlgorithm(rawValue: value) else { throw PKIError.unknownKeyAlgorithm(value) }
        self = algorithm
    }

    public var isRSA: Bool {
        switch self {
        case .rsa2048, .rsa3072, .rsa4096: return true
        case .ecdsaP256, .ecdsaP384: return false
        }
    }
}

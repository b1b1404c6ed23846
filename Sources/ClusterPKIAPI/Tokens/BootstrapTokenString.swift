/// A kubeadm bootstrap token string, `<id>.<secret>` (6 + 16 characters of `[a-z0-9]`).
public struct BootstrapTokenString: Sendable, Hashable {
    /// The public token id, `[a-z0-9]{6}`.
    public let id: String
    /// The private token secret, `[a-z0-9]{16}`; print it only where the user asked for the token.
    public let secret: String

    /// kubeadm's `BootstrapTokenPattern`, used verbatim in error messages.
    public static let pattern = #"\A([a-z0-9]{6})\.([a-z0-9]{16})\z"#
    /// kubeadm's `BootstrapTokenIDPattern`, used verbatim in error messages.
    public static let idPattern = #"\A([a-z0-9]{6})\z"#
    /// The 36 characters a token is made of.
    public static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)
    public static let idLength = 6
    public static let secretLength = 16

    /// Parses `<id>.<secret>` with kubeadm's rules and error text.
    public init(parsing token: String) throws {
        // Split on bytes: a `Character` split of the presented token ran on every authenticated request.
        let bytes = token.utf8
        guard let dot = bytes.firstIndex(of: UInt8(ascii: ".")) else {
            throw BootstrapTokenFormatError.malformedToken(token)
        }
        let id = Substring(bytes[..<dot])
        let secret = Substring(bytes[bytes.index(after: dot)...])
        guard Self.isTokenText(id, length: Self.idLength), Self.isTokenText(secret, length: Self.secretLength) else {
            throw BootstrapTokenFormatError.malformedToken(token)
        }
        self.id = String(id)
        self.secret = String(secret)
    }

    /// Builds a token from its two halves, validating both.
    public init(id: String, secret: String) throws {
        try self.init(parsing: "\(id).\(secret)")
    }

    /// The full token, `<id>.<secret>`, for output the user asked for.
    public var token: String { "\(id).\(secret)" }

    /// The Secret name kubeadm would store this token under, `bootstrap-token-<id>`.
    public var secretName: String { "bootstrap-token-\(id)" }

    /// Whether `id` is a valid token id (`[a-z0-9]{6}`).
    public static func isValidID(_ id: String) -> Bool {
        isTokenText(Substring(id), length: idLength)
    }

    /// Accepts the id or the full token, as `kubeadm token delete` does, and returns the id.
    public static func id(fromIDOrToken value: String) throws -> String {
        if isValidID(value) { return value }
        guard let token = try? BootstrapTokenString(parsing: value) else {
            throw BootstrapTokenFormatError.malformedTokenOrID(value)
        }
        return token.id
    }

    // Character classes instead of a regex: the check is on the authentication path and `\z` semantics
    // (no trailing newline) come for free from comparing the exact UTF-8 length.
    private static func isTokenText(_ text: Substring, length: Int) -> Bool {
        let bytes = text.utf8
        guard bytes.count == length else { return false }
        return bytes.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x7a).contains($0) }
    }
}

extension BootstrapTokenString {
    /// A new random token: each character uniform over the 36-character alphabet from the system CSPRNG.
    public static func generate() -> BootstrapTokenString {
        var rng = SystemRandomNumberGenerator()
        return generate(using: &rng)
    }

    /// A new token drawn from `rng`; production code must pass a CSPRNG.
    public static func generate<R: RandomNumberGenerator>(using rng: inout R) -> BootstrapTokenString {
        func draw(_ count: Int) -> String {
            // `Int.random(in:)` rejects out-of-range draws, so every character is unbiased.
            String(
                decoding: (0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] },
                as: UTF8.self)
        }
        // Both halves come from the alphabet, so the initializer cannot fail.
        return try! BootstrapTokenString(id: draw(idLength), secret: draw(secretLength))
    }
}

extension BootstrapTokenString: CustomStringConvertible, CustomDebugStringConvertible {
    // Interpolation and logging never reveal the secret; use `token` where the user asked for it.
    public var description: String { "\(id).<redacted>" }
    public var debugDescription: String { "BootstrapTokenString(\(id).<redacted>)" }
}

extension BootstrapTokenString: Codable {
    // JSON form is the quoted token string, as kubeadm's `BootstrapTokenString.MarshalJSON`.
    public init(from decoder: any Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(token)
    }
}

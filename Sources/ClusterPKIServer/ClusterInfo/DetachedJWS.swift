import Crypto
import Foundation

/// The detached JWS of kube-controller-manager's BootstrapSigner (spec 5.3): HS256 keyed by the token secret.
public enum DetachedJWS {
    /// `base64url(header) + ".." + base64url(HMAC-SHA256(secret, header64 + "." + payload64))`.
    public static func sign(_ content: String, tokenID: String, tokenSecret: String) -> String {
        let header = base64URL(Data(#"{"alg":"HS256","kid":"\#(tokenID)"}"#.utf8))
        let payload = base64URL(Data(content.utf8))
        let key = SymmetricKey(data: Data(tokenSecret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(header).\(payload)".utf8), using: key)
        return "\(header)..\(base64URL(Data(mac)))"
    }

    /// Whether `signature` is the detached JWS of `content`; compared in constant time.
    public static func isValid(_ signature: String, content: String, tokenID: String, tokenSecret: String) -> Bool {
        let expected = Array(sign(content, tokenID: tokenID, tokenSecret: tokenSecret).utf8)
        let presented = Array(signature.utf8)
        guard expected.count == presented.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ presented[index] }
        return difference == 0
    }

    /// Base64url without padding (RFC 7515 §2).
    public static func base64URL(_ data: Data) -> String {
        var text = data.base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}

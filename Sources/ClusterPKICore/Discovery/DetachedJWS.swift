import Crypto
import Foundation

/// The detached HS256 JWS that signs cluster-info's kubeconfig (spec 5.3), keyed by the token secret only.
public enum DetachedJWS {
    /// `base64url(header) + ".." + base64url(HMAC-SHA256(secret, header.payload))`.
    public static func sign(content: String, tokenID: String, tokenSecret: String) -> String {
        let header = base64URL(Data("{\"alg\":\"HS256\",\"kid\":\"\(tokenID)\"}".utf8))
        let payload = base64URL(Data(content.utf8))
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(header).\(payload)".utf8),
            using: SymmetricKey(data: Data(tokenSecret.utf8)))
        return header + ".." + base64URL(Data(mac))
    }

    /// Recomputes the signature and compares it in constant time.
    public static func isValid(_ signature: String, content: String, tokenID: String, tokenSecret: String) -> Bool {
        let expected = Array(sign(content: content, tokenID: tokenID, tokenSecret: tokenSecret).utf8)
        let presented = Array(signature.utf8)
        guard expected.count == presented.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, presented) { difference |= a ^ b }
        return difference == 0
    }

    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

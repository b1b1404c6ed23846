import Foundation

/// clusterpki's key layout under the configured prefix (default `/clusterpki/`).
///
/// ```
/// meta/store-key-check          the store key's check value (like SQLite's storeMeta)
/// tokens/<id>                   TokenRecord, on a lease when the token expires
/// uploads/<name>                UploadRecord, on the lease of its proxy token
/// auth-failures/{token,client}/<subject>   AuthFailureCounter
/// audit/<batch>.<index>         AuditEvent; ordered by create revision, then key
/// credentials/<serial>          IssuedCredential
/// csr/<name>                    CertificateRequestRecord; resourceVersion = mod revision
/// nodes/<name>                  NodeRecord
/// rotation/<subject>            RotationPhase
/// ```
/// Names from outside (client addresses, CSR names) are escaped so that they never add a `/` level.
public struct EtcdKeys: Sendable, Hashable {
    public let prefix: String

    public init(prefix: String) { self.prefix = prefix }

    var storeKeyCheck: String { prefix + "meta/store-key-check" }
    var tokens: String { prefix + "tokens/" }
    func token(_ id: String) -> String { tokens + Self.escape(id) }
    var uploads: String { prefix + "uploads/" }
    func upload(_ name: String) -> String { uploads + Self.escape(name) }
    var authFailures: String { prefix + "auth-failures/" }
    func authFailure(scope: String, subject: String) -> String { authFailures + scope + "/" + Self.escape(subject) }
    var audit: String { prefix + "audit/" }
    func audit(batch: String, index: Int) -> String { audit + batch + "." + String(format: "%03d", index) }
    var credentials: String { prefix + "credentials/" }
    func credential(_ serial: String) -> String { credentials + Self.escape(serial) }
    var certificateRequests: String { prefix + "csr/" }
    func certificateRequest(_ name: String) -> String { certificateRequests + Self.escape(name) }
    var nodes: String { prefix + "nodes/" }
    func node(_ name: String) -> String { nodes + Self.escape(name) }
    var rotations: String { prefix + "rotation/" }
    func rotation(_ subject: String) -> String { rotations + Self.escape(subject) }

    /// The end of the range of every key starting with `prefix`: its last byte incremented (etcd's `WithPrefix`).
    public static func rangeEnd(ofPrefix prefix: Data) -> Data {
        var end = prefix
        while let last = end.last {
            if last < 0xff {
                end[end.index(before: end.endIndex)] = last + 1
                return end
            }
            end.removeLast()
        }
        return Data([0])  // every key
    }

    /// Percent-escapes all but `[A-Za-z0-9._:@-]`, so a name is one key level whatever it contains.
    static func escape(_ component: String) -> String {
        var out = ""
        for byte in component.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "-"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}

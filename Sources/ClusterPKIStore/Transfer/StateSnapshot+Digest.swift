import ClusterPKIAPI
import ClusterPKICore
import Crypto
import Foundation

extension StateSnapshot {
    /// SHA-256 (hex) of ``canonicalSerialization()``: equal on two stores exactly when they hold the same records.
    public var digest: String {
        Hex.encode(Data(SHA256.hash(data: canonicalSerialization())))
    }

    /// Every record as one JSON object per line with sorted keys, in a fixed order: tokens by id, uploads by name,
    /// the audit log oldest first, credentials by serial, CSRs by name, nodes by name, rotation phases by subject.
    ///
    /// Only what survives any backend counts: times in whole milliseconds since 1970, no backend ids or resource
    /// versions, bytes as base64, absent values left out. A token secret appears only as SHA-256 of `<id>.<secret>`.
    public func canonicalSerialization() -> Data {
        var lines: [Data] = []
        func add(_ record: some Encodable) {
            lines.append((try? CanonicalRecord.encoder.encode(record)) ?? Data())
        }
        for stored in tokens { add(CanonicalRecord.Token(stored)) }
        for stored in uploads { add(CanonicalRecord.Upload(stored)) }
        for event in auditEvents { add(CanonicalRecord.Audit(event)) }
        for credential in credentials { add(CanonicalRecord.Credential(credential)) }
        for request in certificateRequests { add(CanonicalRecord.CSR(request)) }
        for node in nodes { add(CanonicalRecord.Node(node)) }
        for phase in rotationPhases { add(CanonicalRecord.Rotation(phase)) }
        return Data(lines.joined(separator: Data("\n".utf8)))
    }
}

/// The canonical form of each kind of record (see ``StateSnapshot/canonicalSerialization()``).
enum CanonicalRecord {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Whole milliseconds since 1970: every backend keeps at least that, whatever its own encoding of a date.
    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    struct Token: Encodable {
        var kind = "token"
        var id, secretSHA256, description: String
        var usages, groups: [String]
        var created: Int64
        var expires: Int64?
        var maxUses, usesLeft: Int?
        var upload: String?

        init(_ stored: StateSnapshot.Token) {
            let token = stored.token
            id = token.id
            secretSHA256 = Hex.encode(Data(SHA256.hash(data: Data("\(token.id).\(token.token.secret)".utf8))))
            description = token.description
            usages = token.usages.map(\.rawValue)
            groups = token.groups
            created = ms(token.created)
            expires = token.expires.map(ms)
            maxUses = token.maxUses
            usesLeft = token.usesLeft
            upload = stored.upload
        }
    }

    struct Upload: Encodable {
        var kind = "upload"
        var name, proxyTokenID: String
        var created: Int64
        var expires: Int64?
        var fetches: Int
        var blobs: [String: String]

        init(_ stored: StateSnapshot.StoredUpload) {
            name = stored.upload.name
            proxyTokenID = stored.upload.proxyTokenID
            created = ms(stored.upload.created)
            expires = stored.upload.expires.map(ms)
            fetches = stored.fetches
            blobs = stored.upload.blobs.mapValues { $0.base64EncodedString() }
        }
    }

    struct Audit: Encodable {
        var kind = "audit"
        var time: Int64
        var actor, action, detail: String
        var tokenID: String?

        init(_ event: AuditEvent) {
            time = ms(event.time)
            actor = event.actor
            action = event.action.rawValue
            detail = event.detail
            tokenID = event.tokenID
        }
    }

    struct Credential: Encodable {
        var kind = "credential"
        var serial, commonName, actor: String
        var organizations: [String]
        var notAfter, created: Int64
        var revoked: Int64?
        var revokedBy: String?

        init(_ credential: IssuedCredential) {
            serial = credential.serial
            commonName = credential.commonName
            actor = credential.actor
            organizations = credential.organizations
            notAfter = ms(credential.notAfter)
            created = ms(credential.created)
            revoked = credential.revoked.map(ms)
            revokedBy = credential.revokedBy
        }
    }

    struct CSR: Encodable {
        var kind = "csr"
        var name, requester, object: String
        var created: Int64

        init(_ request: StoredCertificateRequest) {
            name = request.name
            requester = request.requester
            object = request.object.base64EncodedString()
            created = ms(request.created)
        }
    }

    struct Node: Encodable {
        var kind = "node"
        var name, recordedBy: String
        var addresses: [String]
        var recorded: Int64

        init(_ node: NodeRecord) {
            name = node.name
            recordedBy = node.recordedBy
            addresses = node.addresses
            recorded = ms(node.recorded)
        }
    }

    struct Rotation: Encodable {
        var kind = "rotation"
        var subject, phase, actor, detail: String
        var updatedAt: Int64

        init(_ phase: RotationPhase) {
            subject = phase.subject
            self.phase = phase.phase
            actor = phase.actor
            detail = phase.detail
            updatedAt = ms(phase.updatedAt)
        }
    }
}

import ClusterPKIStore
import Foundation

extension EtcdStateStore {
    /// The recorded phase of `subject`, as every replica sees it.
    public func rotationPhase(_ subject: String) async throws -> RotationPhase? {
        guard let kv = try await client.get(keys.rotation(subject)) else { return nil }
        return try EtcdJSON.decode(RotationPhase.self, from: kv.value, key: kv.keyString)
    }

    /// Upserts the phase and audits it in one transaction.
    public func recordRotationPhase(_ phase: RotationPhase) async throws {
        let event = AuditEvent(
            time: phase.updatedAt, actor: phase.actor, action: .rotationPhase,
            detail: "\(phase.subject) \(phase.phase) \(phase.detail)")
        _ = try await commit(
            .init(
                compare: [],
                success: [.put(keys.rotation(phase.subject), try EtcdJSON.encode(phase))] + auditOps([event])))
    }
}

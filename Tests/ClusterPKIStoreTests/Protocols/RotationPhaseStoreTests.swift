import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing
@testable import ClusterPKISQLiteStore

@Suite struct RotationPhaseStoreTests {
    @Test func phasesAreUpsertedPerSubjectAndAudited() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        #expect(try await store.rotationPhase("sa") == nil)
        try await store.recordRotationPhase(RotationPhase(subject: "sa", phase: "prepared", updatedAt: referenceNow, actor: "root", detail: "new=x"))
        try await store.recordRotationPhase(RotationPhase(subject: "ca", phase: "prepared", updatedAt: referenceNow, actor: "root"))
        let later = referenceNow.addingTimeInterval(60)
        try await store.recordRotationPhase(RotationPhase(subject: "sa", phase: "finished", updatedAt: later, actor: "admin", detail: "key=x"))
        #expect(try await store.rotationPhase("sa") == RotationPhase(subject: "sa", phase: "finished", updatedAt: later, actor: "admin", detail: "key=x"))
        #expect(try await store.rotationPhase("ca")?.phase == "prepared")
        #expect(try rawCount(store.path, "SELECT count(*) FROM rotationPhase") == 2)
        let events = try await store.auditEvents(limit: nil).filter { $0.action == .rotationPhase }
        #expect(events.map(\.detail) == ["sa prepared new=x", "ca prepared ", "sa finished key=x"])
    }
}

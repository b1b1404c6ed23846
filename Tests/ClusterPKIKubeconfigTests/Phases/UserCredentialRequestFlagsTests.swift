import ClusterPKIKubeconfig
import Testing

/// `kubeconfig user --org`: repeatable, comma-separated, trimmed; empty entries are kept for validation to refuse.
@Suite struct UserCredentialRequestFlagsTests {
    @Test func splitsAndTrims() {
        #expect(UserCredentialRequest.organizations(fromFlags: ["dev, ops", "qa"]) == ["dev", "ops", "qa"])
        #expect(UserCredentialRequest.organizations(fromFlags: []) == [])
    }

    @Test func keepsEmptyEntries() {
        #expect(UserCredentialRequest.organizations(fromFlags: ["dev,,ops", " "]) == ["dev", "", "ops", ""])
    }
}

import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// `token create`'s flag values turned into a request, with kubeadm's rules and texts.
@Suite struct TokenRequestFlagsTests {
    static func parse(
        token: String? = nil, ttl: String = "24h0m0s", usages: [String] = ["signing,authentication"],
        groups: [String] = ["system:bootstrappers:kubeadm:default-node-token"], maxUses: Int? = nil
    ) throws -> TokenRequest {
        try TokenRequest.parsing(
            token: token, ttl: ttl, usages: usages, groups: groups, description: "d", maxUses: maxUses)
    }

    @Test func defaultsAreKubeadms() throws {
        let request = try Self.parse()
        #expect(request == TokenRequest(ttl: 86400, description: "d"))
    }

    @Test(arguments: [("0", 0.0), ("1h30m", 5400.0), ("90s", 90.0)])
    func ttlIsAGoDuration(_ text: String, _ seconds: TimeInterval) throws {
        #expect(try Self.parse(ttl: text).ttl == seconds)
    }

    @Test func negativeTTLFailsWithTheTextAsGiven() {
        #expect(throws: StoreError.negativeTTL("-1h")) { try Self.parse(ttl: "-1h") }
    }

    @Test func malformedTTLFailsWithGosReason() {
        #expect(throws: StoreError.invalidDuration("1d", reason: #"time: unknown unit "d" in duration "1d""#)) {
            try Self.parse(ttl: "1d")
        }
    }

    @Test func usagesAndGroupsAreRepeatableCommaLists() throws {
        let request = try Self.parse(
            usages: ["signing, authentication", ""],
            groups: ["system:bootstrappers:a,system:bootstrappers:b", " system:bootstrappers:c "])
        #expect(request.usages == [.signing, .authentication])
        #expect(request.groups == ["system:bootstrappers:a", "system:bootstrappers:b", "system:bootstrappers:c"])
        #expect(TokenRequest.commaList(["a,,b", " ", "c "]) == ["a", "b", "c"])
    }

    @Test func unknownUsageFails() {
        #expect(throws: StoreError.invalidTokenUsages(invalid: ["bogus"])) { try Self.parse(usages: ["signing,bogus"]) }
    }

    @Test func groupsNeedTheAuthenticationUsage() {
        #expect(throws: StoreError.groupsWithoutAuthentication) { try Self.parse(usages: ["signing"]) }
    }

    @Test func maxUsesMustBePositive() throws {
        #expect(throws: StoreError.invalidMaxUses(0)) { try Self.parse(maxUses: 0) }
        #expect(try Self.parse(maxUses: 3).maxUses == 3)
    }

    @Test func tokenIsParsed() throws {
        #expect(try Self.parse(token: "abcdef.0123456789abcdef").token?.id == "abcdef")
        #expect(throws: (any Error).self) { try Self.parse(token: "ABCDEF.0123456789abcdef") }
    }

    /// The TTL is checked before the token, as kubeadm does.
    @Test func ttlIsCheckedFirst() {
        #expect(throws: StoreError.negativeTTL("-1s")) { try Self.parse(token: "bad", ttl: "-1s") }
    }
}

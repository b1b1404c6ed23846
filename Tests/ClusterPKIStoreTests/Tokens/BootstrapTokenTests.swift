import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKISQLiteStore

@Suite struct BootstrapTokenTests {
    @Test(arguments: [
        "system:bootstrappers:foo", "system:bootstrappers:kubeadm:default-node-token", "system:bootstrappers:a",
        "system:bootstrappers:" + String(repeating: "a", count: 256),
    ])
    func acceptsValidGroup(_ group: String) throws {
        try BootstrapToken.validateGroup(group)
    }

    @Test(arguments: [
        "system:bootstrappers", "system:bootstrappers:", "system:bootstrappers:foo-", "system:bootstrappers:foo:",
        "system:bootstrappers:Foo", "system:nodes", "foo", "system:bootstrappers:foo bar",
        "system:bootstrappers:" + String(repeating: "a", count: 257),
    ])
    func rejectsInvalidGroupWithKubeadmText(_ group: String) {
        #expect(throws: StoreError.invalidTokenGroup(group)) { try BootstrapToken.validateGroup(group) }
    }

    @Test func groupErrorTextMatchesClusterBootstrap() {
        #expect(
            StoreError.invalidTokenGroup("foo").message
                == #"bootstrap group "foo" is invalid (must match \Asystem:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]\z)"#)
    }

    @Test func unknownUsagesFailWithKubeadmText() throws {
        #expect(throws: StoreError.invalidTokenUsages(invalid: ["bar", "foo"])) {
            try TokenUsage.parse(["signing", "foo", "bar", "foo"])
        }
        #expect(
            StoreError.invalidTokenUsages(invalid: ["bar", "foo"]).message
                == "invalid bootstrap token usage string: bar,foo, valid usage options: signing,authentication")
        #expect(try TokenUsage.parse(["authentication", "signing"]) == [.authentication, .signing])
    }

    @Test func groupsNeedTheAuthenticationUsage() {
        let request = TokenRequest(usages: [.signing], groups: ["system:bootstrappers:foo"])
        #expect(throws: StoreError.groupsWithoutAuthentication) { try request.validate() }
    }

    // Spec 4.2: kubeadm's TestBootstrapTokenToSecret / TestEncodeTokenSecretData.
    @Test func exportsTheUpstreamSecret() throws {
        let token = BootstrapToken(
            token: try BootstrapTokenString(parsing: "abcdef.abcdef0123456789"), description: "foo",
            usages: [.signing, .authentication], groups: ["system:bootstrappers", "system:bootstrappers:foo"],
            expires: RFC3339.parse("1970-01-01T01:01:01Z"), created: referenceNow)
        let json = try JSONSerialization.jsonObject(with: try token.kubernetesSecretJSON()) as! [String: Any]
        #expect(json["apiVersion"] as? String == "v1")
        #expect(json["kind"] as? String == "Secret")
        #expect(json["type"] as? String == "bootstrap.kubernetes.io/token")
        let metadata = json["metadata"] as! [String: String]
        #expect(metadata == ["name": "bootstrap-token-abcdef", "namespace": "kube-system"])
        let data = json["data"] as! [String: String]
        let expected = [
            "token-id": "abcdef", "token-secret": "abcdef0123456789", "description": "foo",
            "expiration": "1970-01-01T01:01:01Z", "usage-bootstrap-signing": "true",
            "usage-bootstrap-authentication": "true",
            "auth-extra-groups": "system:bootstrappers,system:bootstrappers:foo",
        ]
        #expect(data == expected.mapValues { Data($0.utf8).base64EncodedString() })
    }

    @Test func exportOmitsEmptyFields() throws {
        let token = BootstrapToken(
            token: try BootstrapTokenString(parsing: "abcdef.abcdef0123456789"), usages: [], groups: [], expires: nil,
            created: referenceNow)
        #expect(token.secretData == ["token-id": "abcdef", "token-secret": "abcdef0123456789"])
    }

    // Spec 4.2: TTL 2h at reference time 1970-01-01T01:01:01Z expires at 03:01:01Z.
    @Test func ttlIsAddedToTheInjectedClock() throws {
        let now = RFC3339.parse("1970-01-01T01:01:01Z")!
        let request = TokenRequest(ttl: try TokenRequest.parseTTL("2h"))
        #expect(request.expiration(now: now).map(RFC3339.format) == "1970-01-01T03:01:01Z")
        #expect(TokenRequest(ttl: 0).expiration(now: now) == nil)
        // Expires wins over the TTL, as in kubeadm's encodeTokenSecretData.
        let fixed = RFC3339.parse("2030-05-06T07:08:09Z")!
        #expect(TokenRequest(ttl: 3600, expires: fixed).expiration(now: now) == fixed)
        // Sub-second parts of "now" are truncated like the RFC 3339 Secret value.
        #expect(
            TokenRequest(ttl: 60).expiration(now: now.addingTimeInterval(0.9)).map(RFC3339.format)
                == "1970-01-01T01:02:01Z")
    }

    static let durationCases: [(String, Double)] = [
        ("24h", 86_400.0), ("24h0m0s", 86_400), ("1h30m", 5_400), ("0", 0), ("1.5h", 5_400), ("90s", 90),
        ("300ms", 0.3), ("+2h", 7_200), ("-1h", -3_600), ("1h1m1s", 3_661), ("0s", 0), (".5m", 30),
    ]

    @Test(arguments: durationCases)
    func parsesGoDurations(_ text: String, _ seconds: Double) throws {
        #expect(abs(try TokenRequest.parseTTL(text) - seconds) < 1e-9)
    }

    static let badDurations: [(String, String)] = [
        ("", "time: invalid duration \"\""), ("1", "time: missing unit in duration \"1\""),
        ("1d", "time: unknown unit \"d\" in duration \"1d\""), ("h", "time: invalid duration \"h\""),
        (".h", "time: invalid duration \".h\""), ("1h-1m", "time: unknown unit \"h-\" in duration \"1h-1m\""),
        ("3000000h", "time: invalid duration \"3000000h\""),
    ]

    @Test(arguments: badDurations)
    func rejectsBadDurationsWithGoText(_ text: String, _ reason: String) {
        #expect(throws: StoreError.invalidDuration(text, reason: reason)) { try TokenRequest.parseTTL(text) }
    }

    @Test func negativeTTLIsRefused() {
        #expect(throws: StoreError.negativeTTL("-1h0m0s")) { try TokenRequest(ttl: -3600).validate() }
    }

    static let humanCases: [(Double, String)] = [
        (-5.0, "<invalid>"), (-1, "0s"), (-0.5, "0s"), (0, "0s"), (59.9, "59s"), (60, "1m"), (3599, "59m"),
        (3600, "1h"),
        (86_399, "23h"), (86_400, "1d"), (364 * 86_400, "364d"), (365 * 86_400, "1y"), (800 * 86_400, "2y"),
    ]

    @Test(arguments: humanCases)
    func shortHumanDurationMatchesApimachinery(_ seconds: Double, _ text: String) {
        #expect(HumanDuration.short(seconds: seconds) == text)
    }

    @Test func rfc3339RoundTrips() {
        #expect(RFC3339.format(referenceNow) == "2026-01-01T00:00:00Z")
        #expect(RFC3339.parse("2026-01-01T01:00:00+01:00") == referenceNow)
        #expect(RFC3339.parse("yesterday") == nil)
    }
}

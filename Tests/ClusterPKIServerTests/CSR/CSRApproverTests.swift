import ClusterPKIAPI
import ClusterPKICore
import ClusterPKILifecycle
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@Suite struct CSRApproverTests {
    static let client = "kubernetes.io/kube-apiserver-client-kubelet"
    static let serving = "kubernetes.io/kubelet-serving"
    static let clientUsages = ["digital signature", "client auth"]
    static let servingUsages = ["digital signature", "server auth"]

    static let bootstrapToken: Identity = .token(
        TokenAuthentication(
            token: BootstrapToken(
                token: try! BootstrapTokenString(parsing: "abcdef.0123456789abcdef"), usages: [.authentication],
                groups: ["system:bootstrappers:kubeadm:default-node-token"], expires: nil, created: Date()),
            usesLeft: nil))
    static let otherToken: Identity = .token(
        TokenAuthentication(
            token: BootstrapToken(
                token: try! BootstrapTokenString(parsing: "zzzzzz.0123456789abcdef"), usages: [.authentication],
                groups: ["system:bootstrappers:other"], expires: nil, created: Date()),
            usesLeft: nil))
    static func node(_ name: String) -> Identity {
        .certificate(
            CertificateIdentity(
                commonName: "system:node:\(name)", organizations: ["system:nodes"], serial: "1",
                notAfter: .distantFuture))
    }
    static let admin: Identity = .certificate(
        CertificateIdentity(
            commonName: "kubernetes-admin", organizations: ["kubeadm:cluster-admins"], serial: "2",
            notAfter: .distantFuture))
    static let worker1Record = NodeRecord(
        name: "worker-1", addresses: ["10.0.0.11", "fd00::11"], recorded: Date(), recordedBy: "test")

    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var review: CSRReview
        var node: NodeRecord? = nil
        var expected: String  // "AutoApproved" or the denial reason
        var testDescription: String { label }
    }

    static func review(
        _ signer: String = client, cn: String = "system:node:worker-1", o: [String] = ["system:nodes"],
        usages: [String] = clientUsages,
        dns: [String] = [], ips: [String] = [], other: [String] = [], requester: Identity = bootstrapToken,
        valid: Bool = true
    ) -> CSRReview {
        CSRReview(
            signerName: signer, usages: usages, commonName: cn, organizations: o, dnsNames: dns,
            ipAddresses: ips.compactMap(IPAddress.init),
            otherNames: other, signatureIsValid: valid, requester: requester)
    }

    static let cases: [Case] = [
        Case(label: "bootstrap token, kubelet client", review: review(), expected: "AutoApproved"),
        Case(
            label: "bootstrap token, RSA usages",
            review: review(usages: ["digital signature", "key encipherment", "client auth"]), expected: "AutoApproved"),
        Case(label: "token of another group", review: review(requester: otherToken), expected: "NotAuthorized"),
        Case(label: "anonymous", review: review(requester: .anonymous), expected: "NotAuthorized"),
        Case(
            label: "other signer", review: review("kubernetes.io/kube-apiserver-client", cn: "jane", o: []),
            expected: "SignerNotAllowed"),
        Case(label: "legacy unknown signer", review: review("example.com/anything"), expected: "SignerNotAllowed"),
        Case(label: "O=system:masters", review: review(o: ["system:masters"]), expected: "PrivilegedOrganization"),
        Case(
            label: "O=system:nodes plus system:masters", review: review(o: ["system:nodes", "system:masters"]),
            expected: "PrivilegedOrganization"),
        Case(
            label: "O=kubeadm:cluster-admins", review: review(o: ["kubeadm:cluster-admins"]),
            expected: "PrivilegedOrganization"),
        Case(label: "no O", review: review(o: []), expected: "InvalidSubject"),
        Case(label: "SANs on a client CSR", review: review(dns: ["worker-1"]), expected: "SANsNotAllowed"),
        Case(label: "IP SAN on a client CSR", review: review(ips: ["10.0.0.11"]), expected: "SANsNotAllowed"),
        Case(label: "CN not system:node:*", review: review(cn: "kubernetes-admin"), expected: "InvalidSubject"),
        Case(label: "CN system:node: empty", review: review(cn: "system:node:"), expected: "InvalidSubject"),
        Case(
            label: "server auth on a client CSR", review: review(usages: ["digital signature", "server auth"]),
            expected: "InvalidUsages"),
        Case(
            label: "extra usage", review: review(usages: ["digital signature", "client auth", "cert sign"]),
            expected: "InvalidUsages"),
        Case(label: "bad self-signature", review: review(valid: false), expected: "InvalidSignature"),
        Case(label: "self renewal", review: review(requester: node("worker-1")), expected: "AutoApproved"),
        Case(
            label: "self renewal, other node's CN",
            review: review(cn: "system:node:worker-2", requester: node("worker-1")), expected: "RequesterMismatch"),
        Case(label: "admin requests a node client cert", review: review(requester: admin), expected: "AutoApproved"),
        Case(
            label: "serving: own names",
            review: review(
                serving, usages: servingUsages, dns: ["worker-1"], ips: ["10.0.0.11", "fd00::11"],
                requester: node("worker-1")),
            node: worker1Record, expected: "AutoApproved"),
        Case(
            label: "serving: RSA usages",
            review: review(
                serving, usages: ["digital signature", "key encipherment", "server auth"], ips: ["10.0.0.11"],
                requester: node("worker-1")),
            node: worker1Record, expected: "AutoApproved"),
        Case(
            label: "serving: foreign IP",
            review: review(
                serving, usages: servingUsages, dns: ["worker-1"], ips: ["10.0.0.99"], requester: node("worker-1")),
            node: worker1Record, expected: "SANNotOwnedByNode"),
        Case(
            label: "serving: foreign DNS name",
            review: review(serving, usages: servingUsages, dns: ["kubernetes.default"], requester: node("worker-1")),
            node: worker1Record, expected: "SANNotOwnedByNode"),
        Case(
            label: "serving: no join record",
            review: review(serving, usages: servingUsages, dns: ["worker-1"], requester: node("worker-1")),
            expected: "UnknownNode"),
        Case(
            label: "serving: by bootstrap token", review: review(serving, usages: servingUsages, dns: ["worker-1"]),
            node: worker1Record,
            expected: "NotAuthorized"),
        Case(
            label: "serving: CN of another node",
            review: review(
                serving, cn: "system:node:worker-2", usages: servingUsages, dns: ["worker-1"],
                requester: node("worker-1")),
            node: worker1Record, expected: "RequesterMismatch"),
        Case(
            label: "serving: client usages",
            review: review(serving, usages: clientUsages, dns: ["worker-1"], requester: node("worker-1")),
            node: worker1Record, expected: "InvalidUsages"),
        Case(
            label: "serving: email SAN",
            review: review(
                serving, usages: servingUsages, dns: ["worker-1"], other: ["email:a@b"], requester: node("worker-1")),
            node: worker1Record, expected: "SANsNotAllowed"),
        Case(
            label: "serving: no SANs", review: review(serving, usages: servingUsages, requester: node("worker-1")),
            node: worker1Record,
            expected: "SANsNotAllowed"),
    ]

    /// The policy that denies serving CSRs naming what was not recorded (the default leaves them pending).
    static var denyingUnrecorded: ServerPolicy {
        var policy = ServerPolicy.default
        policy.certificateSigningRequests.unrecordedServingNames = .deny
        return policy
    }

    @Test(arguments: cases)
    func decision(_ testCase: Case) {
        let approver = CSRApprover(policy: Self.denyingUnrecorded)
        let decision = approver.decide(testCase.review, node: testCase.node)
        #expect(decision.reason == testCase.expected)
        if case .deny(_, let message) = decision { #expect(!message.isEmpty) }
    }

    @Test func policyCanDisableSelfRenewalAndServing() {
        var policy = ServerPolicy.default
        policy.certificateSigningRequests.selfNodeClientApproval = false
        policy.certificateSigningRequests.kubeletServingApproval = false
        let approver = CSRApprover(policy: policy)
        #expect(approver.decide(Self.review(requester: Self.node("worker-1")), node: nil).reason == "NotAuthorized")
        let serving = Self.review(
            Self.serving, usages: Self.servingUsages, dns: ["worker-1"], requester: Self.node("worker-1"))
        #expect(approver.decide(serving, node: Self.worker1Record).reason == "SignerNotAllowed")
    }

    @Test func approvalMessagesMatchKubeControllerManager() {
        let approver = CSRApprover(policy: .default)
        let join = approver.decide(Self.review(), node: nil)
        #expect(
            join.isApproved && join.message == "Auto approving kubelet client certificate after SubjectAccessReview.")
        let renewal = approver.decide(Self.review(requester: Self.node("worker-1")), node: nil)
        #expect(
            renewal.isApproved
                && renewal.message == "Auto approving self kubelet client certificate after SubjectAccessReview.")
    }

    /// With the default policy (as kubeadm: an admin decides), a serving CSR naming an address or a name not recorded
    /// at join, or from a node without a join record, is left pending with the same reason; other denials stay denials.
    @Test(arguments: cases.filter { ["SANNotOwnedByNode", "UnknownNode"].contains($0.expected) })
    func unrecordedServingNamesArePendingByDefault(_ testCase: Case) {
        let decision = CSRApprover(policy: .default).decide(testCase.review, node: testCase.node)
        #expect(decision.isPending)
        #expect(decision.reason == testCase.expected)
        #expect(decision.message.contains("kubectl certificate approve"))
        #expect(
            CSRApprover(policy: Self.denyingUnrecorded).decide(testCase.review, node: testCase.node).isPending == false)
    }

    @Test func otherDenialsAreNotPendingByDefault() {
        let approver = CSRApprover(policy: .default)
        for testCase in Self.cases
        where !["AutoApproved", "SANNotOwnedByNode", "UnknownNode"].contains(testCase.expected) {
            let decision = approver.decide(testCase.review, node: testCase.node)
            #expect(!decision.isPending && !decision.isApproved, "\(testCase.label)")
        }
    }

    /// An admin's approval checks only what the signer requires: a serving CSR with a foreign IP is signed as asked.
    @Test func adminApprovalSignsWhatTheSignerAccepts() throws {
        let approver = CSRApprover(policy: .default)
        let serving = Self.review(
            Self.serving, usages: Self.servingUsages, dns: ["worker-1"], ips: ["10.0.0.99"], requester: Self.admin)
        let decision = approver.decideAdminApproval(
            serving, message: "This CSR was approved by kubectl certificate approve.")
        let plan = try #require(decision.plan)
        #expect(plan.profile == .kubeletServing)
        #expect(plan.subjectAltNames.ipAddresses == [IPAddress("10.0.0.99")!])
        #expect(plan.message == "This CSR was approved by kubectl certificate approve.")
        #expect(
            approver.decideAdminApproval(Self.review(requester: Self.admin), message: "ok").plan?.profile
                == .kubeletClient)
    }

    @Test(arguments: [
        (review(o: ["system:masters"], requester: admin), "PrivilegedOrganization"),
        (review(requester: admin, valid: false), "InvalidSignature"),
        (review(cn: "kubernetes-admin", requester: admin), "InvalidSubject"),
        (review("kubernetes.io/kube-apiserver-client", requester: admin), "SignerNotAllowed"),
        (review(serving, usages: clientUsages, dns: ["worker-1"], requester: admin), "InvalidUsages"),
        (review(serving, usages: servingUsages, requester: admin), "SANsNotAllowed"),
        (review(dns: ["worker-1"], requester: admin), "SANsNotAllowed"),
    ])
    func adminApprovalStillRefusesWhatTheSignerRefuses(_ review: CSRReview, _ reason: String) {
        let decision = CSRApprover(policy: .default).decideAdminApproval(review, message: "ok")
        #expect(decision.reason == reason)
        #expect(!decision.isApproved)
    }
}

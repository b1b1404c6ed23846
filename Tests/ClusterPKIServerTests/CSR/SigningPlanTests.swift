import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing
import X509

/// The approval carries what is signed, and the signer signs exactly that.
@Suite struct SigningPlanTests {
    static let client = CertificateSigningRequestObject.kubeletClientSigner
    static let serving = CertificateSigningRequestObject.kubeletServingSigner

    /// (policy signing duration, spec.expirationSeconds, expected lifetime)
    @Test(
        arguments: [
            (8760.0 * 3600, nil, 8760.0 * 3600), (8760.0 * 3600, 3600, 3600.0), (7200.0, 86400, 7200.0),
            (8760.0 * 3600, 60, 600.0),
        ] as [(TimeInterval, Int?, TimeInterval)])
    func lifetimeIsTheSigningDurationCappedByExpirationSeconds(
        signingDuration: TimeInterval, expirationSeconds: Int?, expected: TimeInterval
    ) {
        var policy = ServerPolicy.default
        policy.certificateSigningRequests.signingDuration = GoDuration(seconds: signingDuration)
        var review = CSRApproverTests.review()
        review.expirationSeconds = expirationSeconds
        let plan = CSRApprover(policy: policy).decide(review, node: nil).plan
        #expect(plan?.lifetime == expected)
    }

    @Test func clientUsagesBecomeKeyUsagesAndClientAuth() throws {
        let review = CSRApproverTests.review(usages: ["digital signature", "key encipherment", "client auth"])
        let plan = try #require(CSRApprover(policy: .default).decide(review, node: nil).plan)
        #expect(
            plan
                == SigningPlan(
                    profile: .kubeletClient, commonName: "system:node:worker-1", organizations: ["system:nodes"],
                    keyUsages: [.digitalSignature, .keyEncipherment], extendedKeyUsages: [.clientAuth],
                    lifetime: 8760 * 3600,
                    message: "Auto approving kubelet client certificate after SubjectAccessReview."))
    }

    @Test func servingUsagesBecomeServerAuthWithTheRequestedNames() throws {
        let review = CSRApproverTests.review(
            Self.serving, usages: ["digital signature", "server auth"], dns: ["worker-1"], ips: ["10.0.0.11"],
            requester: CSRApproverTests.node("worker-1"))
        let plan = try #require(CSRApprover(policy: .default).decide(review, node: CSRApproverTests.worker1Record).plan)
        #expect(plan.profile == .kubeletServing)
        #expect(plan.keyUsages == [.digitalSignature])
        #expect(plan.extendedKeyUsages == [.serverAuth])
        #expect(plan.subjectAltNames == SubjectAltNames(dnsNames: ["worker-1"], ipAddresses: [IPAddress("10.0.0.11")!]))
    }

    @Test func deniedDecisionHasNoPlan() {
        let decision = CSRApprover(policy: .default).decide(CSRApproverTests.review(o: ["system:masters"]), node: nil)
        #expect(decision.plan == nil)
        #expect(
            decision.reason == "PrivilegedOrganization"
                && decision.message == "O=system:masters is never issued for a CSR")
    }

    /// Through the issuer: NotAfter, NotBefore, key usage and EKU of the certificate are the plan's.
    @Test func theCertificateIsThePlan() async throws {
        let cluster = try TestCluster()
        let issuer = CSRIssuerTests.issuer(cluster)
        let client = try await issuer.issue(
            try CSRIssuerTests.object(
                name: "rsa-usages", commonName: "system:node:a",
                usages: ["digital signature", "key encipherment", "client auth"],
                expirationSeconds: 3600),
            requester: CSRApproverTests.bootstrapToken, client: "10.0.0.5")
        let certificate = try #require(client.certificate)
        #expect(certificate.notValidAfter.timeIntervalSince(cluster.now).rounded() == 3600)
        #expect(
            cluster.now.timeIntervalSince(certificate.notValidBefore).rounded()
                == cluster.policy.validity.backdate.seconds)
        #expect(certificate.keyUsageBits?.digitalSignature == true && certificate.keyUsageBits?.keyEncipherment == true)
        #expect(certificate.extKeyUsages == [.clientAuth])
        #expect(certificate.dnsSANs.isEmpty && certificate.ipSANs.isEmpty)

        try await cluster.store.recordNode(
            NodeRecord(name: "a", addresses: ["10.0.0.5"], recorded: cluster.now, recordedBy: "test"))
        let serving = try await issuer.issue(
            try CSRIssuerTests.object(
                name: "serving", commonName: "system:node:a", dnsNames: ["a"], ipAddresses: ["10.0.0.5"],
                signer: Self.serving,
                usages: ["digital signature", "server auth"]),
            requester: CSRApproverTests.node("a"), client: "10.0.0.5")
        let servingCertificate = try #require(serving.certificate)
        #expect(
            servingCertificate.keyUsageBits?.digitalSignature == true
                && servingCertificate.keyUsageBits?.keyEncipherment == false)
        #expect(servingCertificate.extKeyUsages == [.serverAuth])
        #expect(servingCertificate.dnsSANs == ["a"] && servingCertificate.ipSANs == ["10.0.0.5"])
        #expect(
            servingCertificate.notValidAfter.timeIntervalSince(cluster.now).rounded()
                == cluster.policy.serverPolicy.certificateSigningRequests.signingDuration.seconds)
    }
}

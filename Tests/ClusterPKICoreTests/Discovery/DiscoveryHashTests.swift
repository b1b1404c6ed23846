import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing
import X509

@Suite struct DiscoveryHashTests {
    /// Spec 3, test vector 1: the certificate of kubeadm's pubkeypin_test.go.
    static let pubkeypinTestCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIDRDCCAiygAwIBAgIJAJgVaCXvC6HkMA0GCSqGSIb3DQEBBQUAMB8xHTAbBgNV
        BAMTFGt1YmVhZG0ta2V5cGlucy10ZXN0MCAXDTE3MDcwNTE3NDMxMFoYDzIxMTcw
        NjExMTc0MzEwWjAfMR0wGwYDVQQDExRrdWJlYWRtLWtleXBpbnMtdGVzdDCCASIw
        DQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAK0ba8mHU9UtYlzM1Own2Fk/XGjR
        J4uJQvSeGLtz1hID1IA0dLwruvgLCPadXEOw/f/IWIWcmT+ZmvIHZKa/woq2iHi5
        +HLhXs7aG4tjKGLYhag1hLjBI7icqV7ovkjdGAt9pWkxEzhIYClFMXDjKpMSynu+
        YX6nZ9tic1cOkHmx2yiZdMkuriRQnpTOa7bb03OC1VfGl7gHlOAIYaj4539WCOr8
        +ACTUMJUFEHcRZ2o8a/v6F9GMK+7SC8SJUI+GuroXqlMAdhEv4lX5Co52enYaClN
        +D9FJLRpBv2YfiCQdJRaiTvCBSxEFz6BN+PtP5l2Hs703ZWEkOqCByM6HV8CAwEA
        AaOBgDB+MB0GA1UdDgQWBBRQgUX8MhK2rWBWQiPHWcKzoWDH5DBPBgNVHSMESDBG
        gBRQgUX8MhK2rWBWQiPHWcKzoWDH5KEjpCEwHzEdMBsGA1UEAxMUa3ViZWFkbS1r
        ZXlwaW5zLXRlc3SCCQCYFWgl7wuh5DAMBgNVHRMEBTADAQH/MA0GCSqGSIb3DQEB
        BQUAA4IBAQCaAUif7Pfx3X0F08cxhx8/Hdx4jcJw6MCq6iq6rsXM32ge43t8OHKC
        pJW08dk58a3O1YQSMMvD6GJDAiAfXzfwcwY6j258b1ZlI9Ag0VokvhMl/XfdCsdh
        AWImnL1t4hvU5jLaImUUMlYxMcSfHBGAm7WJIZ2LdEfg6YWfZh+WGbg1W7uxLxk6
        y4h5rWdNnzBHWAGf7zJ0oEDV6W6RSwNXtC0JNnLaeIUm/6xdSddJlQPwUv8YH4jX
        c1vuFqTnJBPcb7W//R/GI2Paicm1cmns9NLnPR35exHxFTy+D1yxmGokpoPMdife
        aH+sfuxT8xeTPb3kjzF9eJTlnEquUDLM
        -----END CERTIFICATE-----
        """
    static let pubkeypinTestHash = "sha256:345959acb2c3b2feb87d281961c893f62a314207ef02599f1cc4a5fb255480b3"

    /// Spec 3, test vector 2: base64 of the PEM of the kubeadm dry-run CA (spec 5.1, `dryrun.go`).
    static let dryRunCABase64 =
        "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURCVENDQWUyZ0F3SUJBZ0lJTkpmdGFCK09Xd0F3RFFZSktvWklodmNOQVFFTEJRQXdGVEVUTUJFR0ExVUUKQXhNS2EzVmlaWEp1WlhSbGN6QWVGdzB5TkRBM01EZ3hNalF3TURSYUZ3MHpOREEzTURZeE1qUTFNRFJhTUJVeApFekFSQmdOVkJBTVRDbXQxWW1WeWJtVjBaWE13Z2dFaU1BMEdDU3FHU0liM0RRRUJBUVVBQTRJQkR3QXdnZ0VLCkFvSUJBUURhUURkaWdPeVdpbTZXLzQ4bjNQSG9WZVZCU2lkNldjbmRFV3VVcTVnQldYZGx0OTk2aCtWbkl0bHQKOHpDaGwvb1I1V2ZSYVJDODA1WitvTW4vWThJR1ZRM3QxaG55SW1ZbjR3M3Z6UlhvdUdlQmVpdTJTU1ZqZ0J3agpYanliYk1DbXJBZEljYkllWm1INjZldjV6KzVZS21aUlVZYzNoRGFIcFhkMEVFblp5SlY1d2FaczBYTVFVSE03CmVxT1pBWko5L21PM05VQnBsdnJQbnBPTUs3a1NFUFBnNzVjVTdXSG9KSEZrZVlXNTkzZ3NnQ3MyQnRVdTY0Y3EKYlZYOWJpZ3JZZGRwWmtvRUtLeFU4SEl3SHNJNVY4Um9uM21LRkdsckUxN2IybC84Q3FtQXVPdnl6TEllaVFHWAplZ0lhUi9uUkhISUQ5QVRpNnRYOEVhRERwZXYvQWdNQkFBR2pXVEJYTUE0R0ExVWREd0VCL3dRRUF3SUNwREFQCkJnTlZIUk1CQWY4RUJUQURBUUgvTUIwR0ExVWREZ1FXQkJRWWFDRGU2eXVWcVNhV1Y3M3pMaldtR2hpYVR6QVYKQmdOVkhSRUVEakFNZ2dwcmRXSmxjbTVsZEdWek1BMEdDU3FHU0liM0RRRUJDd1VBQTRJQkFRQ2NlTW5uaVBhcQpHUkVqR3A2WFJTN1FFWW1RcmJFZCtUVjVKUTE4byttVzZvR3BaOENBM0pBSFFETk5QRW1QYzB5dVhEeE85QkZYCmJnMlhSSCtLTkozVzJKZlExVEgzVFhKRWF4Zkh1WDRtQjU5UkNsQzExNGtsV2RIeDFqN0FtRWt1eTZ0ZGpuYWkKZmh0U0dueEEwM2JwN2I4Z28zSWpXNE5wV1JOMVdHNTl2YTBKOEJIRmg3Q0RpZUxuK0RNdUk2M0Jna1kveTJzMApML2RtOVBmcWdVSzFBMy8wZGhDVjZiRUNqekEzSkJld21kSC8rVUJPeVkybUMwNVlQMzNkMHA5eXlrYmtkWE5xCkRONXlBc3ZNUC9PV0NuQjFlQlFUb2pNODJMU3F3dHZtbU1SNHRXYXVoOXVkVktHY2s0eEJaV3Vkcm5LRFVVWEkKUURNUFJnSkMvTng0Ci0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K"
    static let dryRunCAHash = "sha256:3b793efefe27a19f93b0fbe6e637e9c41d0dde8a377d6ab1c0f656bf1136dd8a"

    static func dryRunCA() throws -> Certificate {
        let pem = String(decoding: try #require(Data(base64Encoded: dryRunCABase64)), as: UTF8.self)
        return try #require(try PEMCertificates.parse(pem, path: "dryrun.go").first)
    }

    @Test func pubkeypinTestVector() throws {
        let certificate = try #require(
            try PEMCertificates.parse(Self.pubkeypinTestCertificate, path: "pubkeypin_test.go").first)
        #expect(try DiscoveryHash(of: certificate).description == Self.pubkeypinTestHash)
    }

    @Test func dryRunCAVector() throws {
        #expect(try DiscoveryHash(of: Self.dryRunCA()).description == Self.dryRunCAHash)
    }

    @Test func unrelatedCertificateDoesNotMatchThePin() throws {
        let pin = try DiscoveryHash(parsing: Self.pubkeypinTestHash)
        #expect(try DiscoveryHash(of: Self.dryRunCA()) != pin)
    }

    @Test func dryRunCAMatchesSpecFixtureFacts() throws {
        let ca = try Self.dryRunCA()
        #expect(ca.subject.kubernetesIdentity.commonName == "kubernetes")
        #expect(Array(ca.serialNumber.bytes) == [0x34, 0x97, 0xED, 0x68, 0x1F, 0x8E, 0x5B, 0x00])
    }

    @Test(arguments: [
        pubkeypinTestHash, dryRunCAHash, pubkeypinTestHash.uppercased(),
        "Sha256:" + pubkeypinTestHash.dropFirst(7).uppercased(),
    ])
    func parsesValidPins(_ text: String) throws {
        let hash = try DiscoveryHash(parsing: text)
        #expect(hash.digest.count == 32)
        #expect(hash.description == text.lowercased())
    }

    @Test func uppercasePinEqualsLowercasePin() throws {
        #expect(
            try DiscoveryHash(parsing: Self.pubkeypinTestHash.uppercased())
                == DiscoveryHash(parsing: Self.pubkeypinTestHash))
    }

    @Test(arguments: [
        "xyz",
        "sha256:0011223344",
        pubkeypinTestHash + pubkeypinTestHash,
        pubkeypinTestHash + String(pubkeypinTestHash.dropFirst(7)),
        "md5:" + String(pubkeypinTestHash.dropFirst(7)),
        "sha256:" + String(repeating: "zz", count: 32),
        "sha256:" + String(pubkeypinTestHash.dropFirst(8)),
        String(pubkeypinTestHash.dropFirst(7)),
        "",
    ])
    func rejectsMalformedPins(_ text: String) {
        #expect(throws: PKIError.self) { try DiscoveryHash(parsing: text) }
    }

    @Test func wrongLengthNamesTheByteCount() {
        let error = #expect(throws: PKIError.self) { try DiscoveryHash(parsing: "sha256:0011223344") }
        #expect(error?.message.contains("expected a 32 byte SHA-256 hash, found 5 bytes") == true)
    }

    @Test
    func matchesTheOpenSSLPipelineForAGeneratedCA() async throws {
        try await TestSupport.withTemporaryDirectory { dir in
            let key = try PrivateKeyMaterial.generate(.ecdsaP256)
            let ca = try CertificateAuthority.selfSigned(
                name: "ca", commonName: "kubernetes", key: key,
                keyUsage: KeyUsage(digitalSignature: true, keyEncipherment: true, keyCertSign: true),
                notBefore: TestSupport.start, notAfter: TestSupport.start + 87600 * TestSupport.hour)
            let crt = dir.appendingPathComponent("ca.crt"), pub = dir.appendingPathComponent("pub.pem"),
                der = dir.appendingPathComponent("pub.der")
            try PEMCertificates.encode([ca.certificate]).write(to: crt, atomically: true, encoding: .utf8)
            try TestSupport.openssl(["x509", "-in", crt.path, "-pubkey", "-noout", "-out", pub.path])
            try TestSupport.openssl(["pkey", "-pubin", "-in", pub.path, "-outform", "der", "-out", der.path])
            let digest = try TestSupport.openssl(["dgst", "-sha256", "-r", der.path]).split(separator: " ").first.map(
                String.init)
            #expect(try DiscoveryHash(of: ca.certificate).description == "sha256:" + (digest ?? ""))
        }
    }
}

@Suite struct CertificateKeyTests {
    @Test func generatesSixtyFourLowercaseHexCharacters() {
        let key = CertificateKey.generate()
        #expect(key.bytes.count == 32)
        #expect(key.description.count == 64)
        #expect(key.description.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func generatedKeysDiffer() {
        #expect(CertificateKey.generate() != CertificateKey.generate())
    }

    @Test func parsesEitherCase() throws {
        let key = CertificateKey.generate()
        #expect(try CertificateKey(parsing: key.description.uppercased()) == key)
        #expect(try CertificateKey(parsing: key.description).description == key.description)
    }

    @Test(arguments: [16, 31, 33, 0])
    func rejectsWrongSizeWithKubeadmText(_ size: Int) {
        let error = #expect(throws: PKIError.self) { try CertificateKey(parsing: String(repeating: "ab", count: size)) }
        #expect(
            error?.message.contains("invalid certificate key size \(size), the key must be an AES key of size 32")
                == true)
    }

    @Test(arguments: ["xyz", String(repeating: "g", count: 64), String(repeating: "a", count: 63)])
    func rejectsNonHex(_ text: String) {
        #expect(throws: PKIError.self) { try CertificateKey(parsing: text) }
    }
}

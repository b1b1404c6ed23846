import ClusterPKIAPI
import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing

@Suite struct DetachedJWSTests {
    static let sentence = "Hello from the other side. I must have called a thousand times."

    /// Spec 5.3, cluster-bootstrap `jws_test.go`.
    @Test(arguments: [
        (
            sentence, "my voice is my passcode",
            "eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..VShe2taLd-YTrmWuRkcL_8QTNDHYxQIEBsAYYiIj1_8"
        ),
        (
            "", "my voice is my passcode",
            "eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..7Ui1ALizW4jXphVUB7xUqC9vLYLL9RZeOFfVLoB7Tgk"
        ),
        (sentence, "", "eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..UfkqvDGiIFxrMnFseDj9LYJOLNrvjW8aHhF71mvvAs8"),
    ])
    func upstreamVectors(content: String, secret: String, expected: String) {
        #expect(DetachedJWS.sign(content: content, tokenID: "joshua", tokenSecret: secret) == expected)
        #expect(DetachedJWS.isValid(expected, content: content, tokenID: "joshua", tokenSecret: secret))
    }

    @Test func appendedContentDoesNotValidate() {
        let signature = DetachedJWS.sign(
            content: Self.sentence, tokenID: "joshua", tokenSecret: "my voice is my passcode")
        #expect(
            !DetachedJWS.isValid(
                signature, content: Self.sentence + "foo", tokenID: "joshua", tokenSecret: "my voice is my passcode"))
        #expect(
            !DetachedJWS.isValid(
                signature + "x", content: Self.sentence, tokenID: "joshua", tokenSecret: "my voice is my passcode"))
    }

    /// Spec 5.4: kubeadm's dry-run cluster-info, byte for byte, signed with the token secret only.
    @Test func endToEndDiscoveryVector() throws {
        let kubeconfig = ClusterInfoKubeconfig.render(caData: Self.caB64, server: "https://192.168.0.101:6443")
        #expect(kubeconfig.hasPrefix("apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: LS0t"))
        #expect(
            kubeconfig.hasSuffix(
                "    server: https://192.168.0.101:6443\n  name: \"\"\ncontexts: null\ncurrent-context: \"\"\nkind: Config\npreferences: {}\nusers: null\n"
            ))
        #expect(
            DetachedJWS.sign(content: kubeconfig, tokenID: "abcdef", tokenSecret: "abcdef0123456789")
                == "eyJhbGciOiJIUzI1NiIsImtpZCI6ImFiY2RlZiJ9..wUZ0q9o0VK1RWFptmSBOEem2bXHWrHyxrposHg0mb1w")
        // The common misreading (full token as key) gives the other value of the spec.
        #expect(
            DetachedJWS.sign(content: kubeconfig, tokenID: "abcdef", tokenSecret: "abcdef.abcdef0123456789").hasSuffix(
                "MUpxpwNMdptYYrqSAlZtTwDLGsMJVyMtsoeJb2o5lAc"))
        // The PEM bytes give the same text as the base64 form.
        let pem = try #require(Data(base64Encoded: Self.caB64))
        #expect(ClusterInfoKubeconfig.render(caPEM: pem, server: "https://192.168.0.101:6443") == kubeconfig)
    }

    static let caB64 =
        "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURCVENDQWUyZ0F3SUJBZ0lJTkpmdGFCK09Xd0F3RFFZSktvWklodmNOQVFFTEJRQXdGVEVUTUJFR0ExVUUKQXhNS2EzVmlaWEp1WlhSbGN6QWVGdzB5TkRBM01EZ3hNalF3TURSYUZ3MHpOREEzTURZeE1qUTFNRFJhTUJVeApFekFSQmdOVkJBTVRDbXQxWW1WeWJtVjBaWE13Z2dFaU1BMEdDU3FHU0liM0RRRUJBUVVBQTRJQkR3QXdnZ0VLCkFvSUJBUURhUURkaWdPeVdpbTZXLzQ4bjNQSG9WZVZCU2lkNldjbmRFV3VVcTVnQldYZGx0OTk2aCtWbkl0bHQKOHpDaGwvb1I1V2ZSYVJDODA1WitvTW4vWThJR1ZRM3QxaG55SW1ZbjR3M3Z6UlhvdUdlQmVpdTJTU1ZqZ0J3agpYanliYk1DbXJBZEljYkllWm1INjZldjV6KzVZS21aUlVZYzNoRGFIcFhkMEVFblp5SlY1d2FaczBYTVFVSE03CmVxT1pBWko5L21PM05VQnBsdnJQbnBPTUs3a1NFUFBnNzVjVTdXSG9KSEZrZVlXNTkzZ3NnQ3MyQnRVdTY0Y3EKYlZYOWJpZ3JZZGRwWmtvRUtLeFU4SEl3SHNJNVY4Um9uM21LRkdsckUxN2IybC84Q3FtQXVPdnl6TEllaVFHWAplZ0lhUi9uUkhISUQ5QVRpNnRYOEVhRERwZXYvQWdNQkFBR2pXVEJYTUE0R0ExVWREd0VCL3dRRUF3SUNwREFQCkJnTlZIUk1CQWY4RUJUQURBUUgvTUIwR0ExVWREZ1FXQkJRWWFDRGU2eXVWcVNhV1Y3M3pMaldtR2hpYVR6QVYKQmdOVkhSRUVEakFNZ2dwcmRXSmxjbTVsZEdWek1BMEdDU3FHU0liM0RRRUJDd1VBQTRJQkFRQ2NlTW5uaVBhcQpHUkVqR3A2WFJTN1FFWW1RcmJFZCtUVjVKUTE4byttVzZvR3BaOENBM0pBSFFETk5QRW1QYzB5dVhEeE85QkZYCmJnMlhSSCtLTkozVzJKZlExVEgzVFhKRWF4Zkh1WDRtQjU5UkNsQzExNGtsV2RIeDFqN0FtRWt1eTZ0ZGpuYWkKZmh0U0dueEEwM2JwN2I4Z28zSWpXNE5wV1JOMVdHNTl2YTBKOEJIRmg3Q0RpZUxuK0RNdUk2M0Jna1kveTJzMApML2RtOVBmcWdVSzFBMy8wZGhDVjZiRUNqekEzSkJld21kSC8rVUJPeVkybUMwNVlQMzNkMHA5eXlrYmtkWE5xCkRONXlBc3ZNUC9PV0NuQjFlQlFUb2pNODJMU3F3dHZtbU1SNHRXYXVoOXVkVktHY2s0eEJaV3Vkcm5LRFVVWEkKUURNUFJnSkMvTng0Ci0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K"
}

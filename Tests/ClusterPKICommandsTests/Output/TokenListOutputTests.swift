import ClusterPKIAPI
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKICommands

@Suite struct TokenListOutputTests {
    // kubeadm's cmd/token_test.go TestTokenOutput, with usages read back sorted as `kubeadm token list` shows them.
    let token = BootstrapToken(
        token: try! BootstrapTokenString(parsing: "abcdef.1234567890123456"), description: "valid bootstrap tooken",
        usages: [.signing, .authentication], groups: ["system:bootstrappers:kubeadm:default-node-token"], expires: nil,
        created: referenceNow)

    @Test func textMatchesKubeadm() {
        let expected = """
            TOKEN                     TTL         EXPIRES   USAGES                   DESCRIPTION                                                EXTRA GROUPS
            abcdef.1234567890123456   <forever>   <never>   authentication,signing   valid bootstrap tooken                                     system:bootstrappers:kubeadm:default-node-token

            """
        #expect(TokenListOutput.text([token], now: referenceNow) == expected)
    }

    @Test func laterRowsAreAlignedOnTheirOwn() {
        var proxy = token
        proxy.token = try! BootstrapTokenString(parsing: "424h2b.bmvx996zclz8uu5k")
        proxy.usages = []
        proxy.groups = []
        proxy.description = Upload.proxyTokenDescription
        proxy.expires = referenceNow.addingTimeInterval(7199)
        let lines = TokenListOutput.text([token, proxy], now: referenceNow).split(separator: "\n")
        #expect(
            lines[2]
                == "424h2b.bmvx996zclz8uu5k   1h          2026-01-01T01:59:59Z   <none>                   Proxy for managing TTL for the kubeadm-certs secret        <none>"
        )
    }

    @Test func jsonMatchesKubeadm() {
        let expected = """
            {
                "kind": "BootstrapToken",
                "apiVersion": "output.kubeadm.k8s.io/v1alpha3",
                "token": "abcdef.1234567890123456",
                "description": "valid bootstrap tooken",
                "usages": [
                    "authentication",
                    "signing"
                ],
                "groups": [
                    "system:bootstrappers:kubeadm:default-node-token"
                ]
            }

            """
        #expect(TokenListOutput.json([token]) == expected)
        #expect(TokenListOutput.goJSON("a<b>&\"\n") == #""a\u003cb\u003e\u0026\"\n""#)
    }
}

import ClusterPKICore
import Testing

@testable import ClusterPKIServer

/// `serve`'s flags, checked before anything is read, with messages that name the flag.
@Suite struct ServeOptionsTests {
    static func options(
        logLevel: String = "info", listen: String = "127.0.0.1:9443", advertiseURL: String? = nil, sans: String? = nil,
        rotateEvery: String? = nil, restartHook: String? = nil
    ) throws -> ServeOptions {
        try ServeOptions(
            logLevel: logLevel, listen: listen, advertiseURL: advertiseURL, serverCertExtraSANs: sans,
            rotateEvery: rotateEvery,
            restartHook: restartHook)
    }

    @Test func parsesEveryFlag() throws {
        let options = try Self.options(
            logLevel: "debug", listen: "[::1]:8443", advertiseURL: "https://lb:9443", sans: "a.example, 10.0.0.1",
            rotateEvery: "12h", restartHook: "true")
        #expect(options.listenHost == "::1" && options.port == 8443)
        #expect(options.advertiseURL == "https://lb:9443")
        #expect(options.extraSANs == ["a.example", "10.0.0.1"])
        #expect(options.rotateEvery == GoDuration(seconds: 43200))
        #expect(options.restartHook == "true" && options.logLevel == "debug")
    }

    @Test func defaultsNeedNothingElse() throws {
        let options = try Self.options()
        #expect(options.listenHost == "127.0.0.1" && options.port == 9443)
        #expect(options.extraSANs.isEmpty && options.rotateEvery == nil && options.advertiseURL == nil)
    }

    @Test(arguments: [
        (Self.Case(listen: "127.0.0.1"), "--listen 127.0.0.1 is not host:port, e.g. 127.0.0.1:9443"),
        (Self.Case(listen: "host:99999"), "--listen host:99999 is not host:port, e.g. 127.0.0.1:9443"),
        (
            Self.Case(logLevel: "loud"),
            "--log-level must be one of trace, debug, info, notice, warning, error, critical"
        ),
        (Self.Case(advertiseURL: "http://lb:9443"), "--advertise-url must start with https://"),
        (Self.Case(rotateEvery: "30s"), "--rotate-every 30s is not a duration of at least 1m; use e.g. 12h"),
        (Self.Case(rotateEvery: "soon"), "--rotate-every soon is not a duration of at least 1m; use e.g. 12h"),
        (Self.Case(restartHook: "true"), "--restart-hook needs --rotate-every"),
    ])
    func refusesWithAMessageNamingTheFlag(_ input: Case, _ message: String) {
        #expect(throws: ServeOptions.Problem(description: message)) {
            try Self.options(
                logLevel: input.logLevel, listen: input.listen, advertiseURL: input.advertiseURL,
                rotateEvery: input.rotateEvery,
                restartHook: input.restartHook)
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var logLevel = "info", listen = "127.0.0.1:9443"
        var advertiseURL: String? = nil, rotateEvery: String? = nil, restartHook: String? = nil
        var testDescription: String {
            "\(logLevel) \(listen) \(advertiseURL ?? "-") \(rotateEvery ?? "-") \(restartHook ?? "-")"
        }
    }
}

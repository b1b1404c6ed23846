import Testing

/// Runs a suite with its own etcd member (``EtcdTestServer``), started before its first test and stopped after its last.
public struct EtcdServerTrait: SuiteTrait, TestScoping {
    public init() {}

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let server = try await EtcdTestServer.start()
        defer { server.stop() }
        try await EtcdTestServer.$current.withValue(server) { try await function() }
    }
}

extension Trait where Self == EtcdServerTrait {
    /// A real etcd for the suite's tests, reachable as `EtcdTestServer.current`.
    public static var etcdServer: Self { Self() }
}

extension EtcdTestServer {
    /// The member of the running suite.
    @TaskLocal public static var current: EtcdTestServer?

    /// The member of the running suite, or a clear failure when the suite lacks the `.etcdServer` trait.
    public static func required() throws -> EtcdTestServer {
        guard let current else { throw TestFailure("no etcd member in scope: give the suite the .etcdServer trait") }
        return current
    }
}

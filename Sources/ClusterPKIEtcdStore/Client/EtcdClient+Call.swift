import ClusterPKIStore
import GRPCCore

extension EtcdClient {
    /// Runs `body` on the preferred member, failing over to the next ones on `UNAVAILABLE`, all within the deadline.
    ///
    /// Only `UNAVAILABLE` moves on: gRPC reports it when the request could not be delivered (refused, TLS, no
    /// leader), so a retry cannot apply a write twice. A member that does not answer in time uses up the deadline.
    func call<Result: Sendable>(
        _ body: @Sendable (GRPCClient<Transport>, CallOptions) async throws -> Result
    ) async throws -> Result {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: configuration.deadline)
        let first = preferred.withLock { $0 }
        var failures: [(endpoint: EtcdEndpoint, detail: String)] = []
        for offset in 0..<members.count {
            let index = (first + offset) % members.count
            let remaining = deadline - clock.now
            guard remaining > .zero else { break }
            do {
                let result = try await body(members[index].grpc, Self.options(timeout: remaining))
                if offset > 0 { preferred.withLock { $0 = index } }
                return result
            } catch let error as RPCError where error.code == .unavailable || error.code == .deadlineExceeded {
                failures.append((members[index].endpoint, Self.describe(error)))
            } catch let error as RPCError {
                throw Self.storeError(error)
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError.etcd(detail: "\(members[index].endpoint): \(error)")
            }
        }
        // Members the deadline left no time for are named too: the message lists every endpoint of the call.
        for offset in failures.count..<members.count {
            failures.append((members[(first + offset) % members.count].endpoint, "not tried: the deadline was used up"))
        }
        throw unavailable(failures)
    }

    /// Runs `body` on one member only (for per-member status), within the deadline.
    func call<Result: Sendable>(
        member index: Int, _ body: @Sendable (GRPCClient<Transport>, CallOptions) async throws -> Result
    ) async throws -> Result {
        do {
            return try await body(members[index].grpc, Self.options(timeout: configuration.deadline))
        } catch let error as RPCError where error.code == .unavailable || error.code == .deadlineExceeded {
            throw unavailable([(members[index].endpoint, Self.describe(error))])
        } catch let error as RPCError {
            throw Self.storeError(error)
        }
    }

    static func options(timeout: Duration) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = timeout
        // Fail at once on a member known to be down, so that the next one gets the rest of the deadline.
        options.waitForReady = false
        return options
    }

    func unavailable(_ failures: [(endpoint: EtcdEndpoint, detail: String)]) -> StoreError {
        guard !failures.isEmpty else {
            return .unavailable(endpoints: endpoints, detail: "no answer within \(configuration.deadline)")
        }
        let detail = failures.map { "\($0.endpoint): \($0.detail)" }.joined(separator: "; ")
        return .unavailable(endpoints: failures.map(\.endpoint.description), detail: detail)
    }

    /// The error with its whole cause chain: gRPC reports a TLS failure as a generic `UNAVAILABLE` whose cause holds it.
    static func describe(_ error: RPCError) -> String {
        if error.code == .deadlineExceeded { return "no answer before the deadline (\(error.message))" }
        return "\(error)"
    }

    /// An error etcd answered with (not a connection failure).
    static func storeError(_ error: RPCError) -> StoreError {
        switch error.code {
        case .permissionDenied, .unauthenticated:
            return .etcd(
                detail: "\(describe(error)); etcd authentication refused this client, use a certificate etcd accepts")
        case .resourceExhausted where error.message.contains("space"):
            return .etcd(
                detail: "\(describe(error)); etcd's backend quota is full (NOSPACE alarm), compact and defragment it")
        default:
            return .etcd(detail: describe(error))
        }
    }
}

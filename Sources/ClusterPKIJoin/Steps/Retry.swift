import ClusterPKIAPI
import Foundation

/// Polls an operation until it succeeds, throws, or the deadline passes; the interval doubles up to a cap.
struct Retry: Sendable {
    var deadline: Date
    var interval: Duration = .seconds(1)
    var maxInterval: Duration = .seconds(5)
    /// Turns an error that retrying cannot cure (a TLS rejection of the node's certificate) into one thrown at once.
    var fatal: @Sendable (any Error) -> JoinError? = { _ in nil }

    enum Outcome<T: Sendable>: Sendable {
        case done(T)
        case again(String)
        /// Not yet; if the deadline passes, fail with this error rather than a generic timeout.
        case againOrFail(JoinError)
    }

    func run<T: Sendable>(step: String, _ attempt: @Sendable () async throws -> Outcome<T>) async throws -> T {
        var wait = interval
        var last = "no attempt made"
        var finalError: JoinError?
        while true {
            do {
                switch try await attempt() {
                case .done(let value): return value
                case .again(let reason): last = reason; finalError = nil
                case .againOrFail(let error): last = error.message; finalError = error
                }
            } catch let error as JoinError {
                throw error
            } catch {
                if let fatal = fatal(error) { throw fatal }
                last = "\(error)"
            }
            guard Date() + wait.timeInterval < deadline else {
                throw finalError ?? JoinError.timeout(step: step, last: last)
            }
            try await Task.sleep(for: wait)
            wait = min(wait * 2, maxInterval)
        }
    }
}

extension Duration {
    var timeInterval: TimeInterval { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

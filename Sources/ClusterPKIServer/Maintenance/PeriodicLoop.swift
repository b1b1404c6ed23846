import ServiceLifecycle

/// The loop of `serve`'s periodic housekeeping services: `tick` once every `interval`, until graceful shutdown or
/// cancellation (a sleep in progress is cut short by either).
enum PeriodicLoop {
    static func run(every interval: Duration, _ tick: () async -> Void) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            await tick()
        }
    }
}

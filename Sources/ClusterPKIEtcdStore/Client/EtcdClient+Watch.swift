import ClusterPKIStore
import EtcdAPI
import Foundation
import GRPCCore
import SwiftProtobuf

/// etcd's Watch service as an AsyncSequence that survives member failures and compaction.
extension EtcdClient {
    /// Every change under `prefix` from `revision` on (0: from now), until the consumer stops iterating.
    ///
    /// A broken stream is resumed on the next member from the revision after the last event, so nothing is missed
    /// or repeated; when that revision was compacted, the prefix is listed again and reported as ``EtcdWatchEvent/resync(_:revision:)``.
    public func watch(prefix: String, from revision: Int64 = 0) -> AsyncThrowingStream<EtcdWatchEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: EtcdWatchEvent.self)
        let task = Task {
            do {
                try await runWatch(prefix: prefix, from: revision, continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func runWatch(
        prefix: String, from revision: Int64,
        _ continuation: AsyncThrowingStream<EtcdWatchEvent, any Error>.Continuation
    ) async throws {
        let next = WatchCursor(next: revision)
        if revision == 0 {
            let current = try await range(.init(prefix: prefix, countOnly: true)).header.revision
            next.reset(to: current + 1)
        }
        var member = preferred.withLock { $0 }
        var failures = 0
        while !Task.isCancelled {
            let resumeFrom = next.revision
            do {
                try await watchOnce(member: member, prefix: prefix, next: next, continuation)
            } catch let compacted as EtcdWatchCompacted {
                let listing = try await list(prefix: prefix)
                continuation.yield(.resync(listing.kvs, revision: max(listing.revision, compacted.compactRevision)))
                next.reset(to: listing.revision + 1)
                continue
            } catch is CancellationError {
                return
            } catch let error as RPCError where error.code == .cancelled && Task.isCancelled {
                return
            } catch let error as StoreError {
                throw error
            } catch {
                // The member went away: resume on the next one below.
            }
            // The stream ended (a member never ends a watch on its own): resume on the next member, pausing a
            // little longer after each attempt that brought nothing new.
            failures = next.revision > resumeFrom ? 1 : failures + 1
            member = (member + 1) % members.count
            try? await Task.sleep(for: .milliseconds(min(100 * failures, 2_000)))
        }
    }

    /// One Watch RPC on one member; returns when the server ends the stream.
    private func watchOnce(
        member: Int, prefix: String, next: WatchCursor,
        _ continuation: AsyncThrowingStream<EtcdWatchEvent, any Error>.Continuation
    ) async throws {
        let create = Etcdserverpb_WatchRequest.with {
            $0.createRequest = .with { request in
                request.key = Data(prefix.utf8)
                request.rangeEnd = EtcdKeys.rangeEnd(ofPrefix: request.key)
                request.startRevision = next.revision
                request.progressNotify = true
            }
        }
        var options = CallOptions.defaults
        options.waitForReady = false
        try await Etcdserverpb_Watch.Client(wrapping: members[member].grpc).watch(
            options: options,
            requestProducer: { writer in
                try await writer.write(create)
                // Closing the request stream would end the watch: keep it open until the call is torn down.
                while true { try await Task.sleep(for: .seconds(3600)) }
            },
            onResponse: { response in
                for try await message in response.messages {
                    if message.compactRevision > 0 {
                        throw EtcdWatchCompacted(compactRevision: message.compactRevision)
                    }
                    if message.canceled {
                        throw StoreError.etcd(detail: "etcd cancelled the watch of \(prefix): \(message.cancelReason)")
                    }
                    for event in message.events {
                        continuation.yield(event.type == .delete ? .delete(event.kv) : .put(event.kv))
                        next.advance(to: event.kv.modRevision + 1)
                    }
                    // A progress notification: every event up to its revision has been sent.
                    if message.events.isEmpty && !message.created {
                        next.advance(to: message.header.revision + 1)
                    }
                }
            })
    }
}

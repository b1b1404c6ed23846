import Logging
import Synchronization
import Testing

@testable import ClusterPKIServer

/// The serve command's log handler writes what swift-log's `StreamLogHandler` writes.
@Suite struct DeferredMetadataLogHandlerTests {
    final class Lines: TextOutputStream, Sendable {
        private let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
        /// The lines without their leading timestamp.
        var lines: [String] {
            text.withLock { $0 }.split(separator: "\n").map { String($0.drop(while: { $0 != " " })) }
        }
    }

    @Test func linesMatchTheStreamHandlersWithLoggerAndLineMetadata() {
        let expected = Lines()
        let actual = Lines()
        var plain = Logger(label: "t") { StreamLogHandler(label: $0, stream: expected, metadataProvider: nil) }
        var deferred = Logger(label: "t") {
            DeferredMetadataLogHandler(StreamLogHandler(label: $0, stream: actual, metadataProvider: nil))
        }
        plain.logLevel = .info
        deferred.logLevel = .info
        for logger in [plain, deferred] { logger.info("no metadata") }
        plain[metadataKey: "request"] = "7"
        deferred[metadataKey: "request"] = "7"
        plain[metadataKey: "b"] = "x y"
        deferred[metadataKey: "b"] = "x y"
        for logger in [plain, deferred] {
            logger.info("merged", metadata: ["a": "1", "b": "line wins"])
            logger.notice("logger's only")
            logger.debug("below the level")
        }
        #expect(deferred[metadataKey: "request"] == "7")
        #expect(actual.lines.count == 3)
        #expect(actual.lines == expected.lines)
        #expect(actual.lines[1].contains("b=line wins"))
        #expect(actual.lines[1].contains("request=7"))
        #expect(actual.lines[2].contains("b=x y"))
    }
}

import Testing

@testable import ClusterPKIServer

/// The edge's check for a path Hummingbird's router would match after dropping an empty segment.
@Suite struct EmptySegmentTests {
    @Test(arguments: [
        ("/apis/certificates.k8s.io/v1/certificatesigningrequests/", true), ("//healthz", true),
        ("/api/v1//namespaces", true), ("/", true), ("/healthz", false), ("/a/b", false), ("", false),
        ("/a/./b", false), ("/a%2F/b", false),
    ])
    func findsTrailingAndDoubledSlashes(path: String, expected: Bool) {
        #expect(EdgeMiddleware.hasEmptySegment(path) == expected)
    }
}

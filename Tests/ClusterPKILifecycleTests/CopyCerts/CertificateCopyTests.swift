import ClusterPKICore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKILifecycle

/// `upload-certs` and `download-certs` as one call each, with kubeadm's lines.
@Suite struct CertificateCopyTests {
    @Test func uploadThenDownloadTellsKubeadmsLines() async throws {
        let source = try TestCluster.empty()
        try await source.makeCertificates(["ca", "front-proxy-ca", "etcd-ca", "sa"])
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        var uploadLines: [String] = []
        let uploaded = try await CertificateUploader.run(context: source.context, store: store, key: nil, actor: "root")
        {
            uploadLines.append($0)
        }
        #expect(uploadLines == CertificateUploader.progressLines + [uploaded.key.description])

        let target = try TestCluster.empty()
        var downloadLines: [String] = []
        let paths = try await CertificateDownloader.run(context: target.context, store: store, key: uploaded.key) {
            downloadLines.append($0)
        }
        #expect(paths.contains { $0.hasSuffix("pki/ca.key") })
        #expect(downloadLines == [CertificateDownloader.progressLine] + paths.map { "[download-certs] Saved \($0)" })
        #expect(try target.read("pki/sa.key") == (try source.read("pki/sa.key")))
    }

    @Test func anExpiredUploadPrintsOnlyTheFirstLine() async throws {
        let target = try TestCluster.empty()
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        var lines: [String] = []
        await #expect(throws: PKIError.self) {
            try await CertificateDownloader.run(context: target.context, store: store, key: .generate()) {
                lines.append($0)
            }
        }
        #expect(lines == [CertificateDownloader.progressLine])
    }
}

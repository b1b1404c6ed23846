import ClusterPKIAPI
import ClusterPKICore
import Foundation
import Hummingbird

/// Anonymous routes: version, discovery, OpenAPI, namespaces, health, metrics and cluster-info.
struct CoreController: Sendable {
    let environment: ServerEnvironment
    let clusterInfo: ClusterInfoPublisher
    let readiness: @Sendable () -> Bool
    let writes: WriteReadiness

    static func json(_ text: String) -> Response {
        KubernetesJSON.response(bytes: Data(text.utf8))
    }

    func namespace(_ request: Request, context: ServerContext) async throws -> Response {
        let name = try context.parameters.require("namespace")
        guard Namespace.kubeadmNamespaces.contains(name) else {
            throw KubernetesStatus.notFound("namespaces", name: name)
        }
        let object = Namespace(
            metadata: ObjectMeta(
                name: name, uid: KubernetesUID.derived(from: "namespace/\(name)"), resourceVersion: "1",
                creationTimestamp: RFC3339.format(environment.startTime)))
        return try KubernetesJSON.response(object)
    }

    func clusterInfo(_ request: Request, context: ServerContext) async throws -> Response {
        KubernetesJSON.response(bytes: try await clusterInfo.body(now: environment.now()))
    }

    /// Other ConfigMaps do not exist here.
    func configMap(_ request: Request, context: ServerContext) async throws -> Response {
        let namespace = try context.parameters.require("namespace")
        let name = try context.parameters.require("name")
        if namespace == "kube-public" && name == "cluster-info" {
            return try await clusterInfo(request, context: context)
        }
        throw KubernetesStatus.notFound("configmaps", name: name)
    }

    func health(_ request: Request, context: ServerContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: "ok")))
    }

    func ready(_ request: Request, context: ServerContext) async throws -> Response {
        guard readiness() else {
            throw KubernetesStatus(
                code: 503, reason: "ServiceUnavailable", message: "clusterpki serve is shutting down")
        }
        _ = try await environment.store.certificateRequestsVersion()
        // Not ready while the store cannot write (a full disk, a read-only file): every CSR would fail. Ready again
        // as soon as a probe write succeeds.
        if let failure = await writes.failure(now: Date()) {
            throw KubernetesStatus(
                code: 503, reason: "ServiceUnavailable", message: "the state store cannot write: \(failure)")
        }
        return try await health(request, context: context)
    }

    func metrics(_ request: Request, context: ServerContext) async throws -> Response {
        HealthCollector(metrics: environment.metrics).collect(await environment.healthReport(readingStore: false))
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: environment.metrics.render())))
    }
}

import ClusterPKIAPI
import Foundation

/// A request body that names its kind and group version. Absent (or null) names are the route's, as the API server
/// fills them from the URL; any other value is 400, so a body meant for another resource is not taken for this one.
protocol KubernetesObjectBody: Decodable {
    static var expectedKind: String { get }
    static var expectedAPIVersion: String { get }
    var kind: String? { get }
    var apiVersion: String? { get }
}

extension RequestBody {
    /// Decodes JSON into `T` (400 when it does not fit) and checks its `kind` and `apiVersion`.
    static func decode<T: KubernetesObjectBody>(_ type: T.Type, from data: Data, what: String) throws -> T {
        let object: T = try decodeJSON(type, from: data, what: what)
        if let apiVersion = object.apiVersion, apiVersion != T.expectedAPIVersion {
            throw KubernetesStatus.badRequest(
                "the API version in the data (\(apiVersion)) does not match the expected API version (\(T.expectedAPIVersion))"
            )
        }
        if let kind = object.kind, kind != T.expectedKind {
            throw KubernetesStatus.badRequest(
                "the kind in the data (\(kind)) does not match the expected kind (\(T.expectedKind))")
        }
        return object
    }
}

extension Secret: KubernetesObjectBody {
    static var expectedKind: String { "Secret" }
    static var expectedAPIVersion: String { "v1" }
}

extension CertificateSigningRequestObject: KubernetesObjectBody {
    static var expectedKind: String { "CertificateSigningRequest" }
    static var expectedAPIVersion: String { "certificates.k8s.io/v1" }
}

extension UserKubeconfigObject: KubernetesObjectBody {
    static var expectedKind: String { "UserKubeconfig" }
    static var expectedAPIVersion: String { APIPaths.clusterPKIGroupVersion }
}

extension CertificateUploadObject: KubernetesObjectBody {
    static var expectedKind: String { "CertificateUpload" }
    static var expectedAPIVersion: String { APIPaths.clusterPKIGroupVersion }
}

extension IssuedCredentialObject: KubernetesObjectBody {
    static var expectedKind: String { "IssuedCredential" }
    static var expectedAPIVersion: String { APIPaths.clusterPKIGroupVersion }
}

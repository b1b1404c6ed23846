import ClusterPKIAPI
import ClusterPKIStore

/// The object a request addresses, so that a failure names it the way the API server would
/// (`secrets "bootstrap-token-abcdef" not found`).
struct ObjectReference: Sendable, Hashable {
    var resource: String
    var group: String = ""
    var name: String
    /// Appended to a NotFound message, e.g. how to upload the certificates again.
    var hint: String? = nil

    static func secret(_ name: String, hint: String? = nil) -> ObjectReference {
        ObjectReference(resource: "secrets", name: name, hint: hint)
    }

    static func certificateSigningRequest(_ name: String) -> ObjectReference {
        ObjectReference(resource: "certificatesigningrequests", group: APIPaths.certificatesGroup, name: name)
    }

    static func userKubeconfig(_ name: String) -> ObjectReference {
        ObjectReference(resource: "userkubeconfigs", group: APIPaths.clusterPKIGroup, name: name)
    }
}

extension KubernetesStatus {
    static func notFound(_ object: ObjectReference) -> KubernetesStatus {
        .notFound(object.resource, group: object.group, name: object.name, hint: object.hint)
    }

    static func alreadyExists(_ object: ObjectReference) -> KubernetesStatus {
        .alreadyExists(object.resource, group: object.group, name: object.name)
    }

    static func invalid(_ object: ObjectReference, _ problem: String) -> KubernetesStatus {
        .invalid(object.resource, group: object.group, name: object.name, problem)
    }
}

import Foundation

/// `metav1.ObjectMeta`, the fields this endpoint reads or writes.
public struct ObjectMeta: Codable, Sendable, Hashable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var creationTimestamp: String?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?

    public init(
        name: String? = nil, generateName: String? = nil, namespace: String? = nil, uid: String? = nil,
        resourceVersion: String? = nil, creationTimestamp: String? = nil, labels: [String: String]? = nil,
        annotations: [String: String]? = nil, ownerReferences: [OwnerReference]? = nil
    ) {
        self.name = name
        self.generateName = generateName
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.creationTimestamp = creationTimestamp
        self.labels = labels
        self.annotations = annotations
        self.ownerReferences = ownerReferences
    }
}

public struct OwnerReference: Codable, Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?
}

/// `metav1.ListMeta`.
public struct ListMeta: Codable, Sendable, Hashable {
    public var resourceVersion: String?
}

/// `v1/ConfigMap`.
public struct ConfigMap: Codable, Sendable, Hashable {
    public var kind = "ConfigMap"
    public var apiVersion = "v1"
    public var metadata: ObjectMeta
    public var data: [String: String]
}

/// `v1/Secret`; `data` values are standard base64, `stringData` is write-only.
public struct Secret: Codable, Sendable, Hashable {
    public var kind: String? = "Secret"
    public var apiVersion: String? = "v1"
    public var metadata: ObjectMeta
    public var type: String?
    public var data: [String: String]?
    public var stringData: [String: String]?

    public init(metadata: ObjectMeta, type: String?, data: [String: String]?) {
        self.metadata = metadata
        self.type = type
        self.data = data
    }

    /// `data` decoded, with `stringData` folded in (stringData wins), as the API server stores a Secret.
    public func decodedData() throws -> [String: String] {
        var values: [String: String] = [:]
        for (key, value) in data ?? [:] {
            guard let bytes = Data(base64Encoded: value), let text = String(data: bytes, encoding: .utf8) else {
                throw KubernetesStatus.invalid(
                    "secrets", name: metadata.name ?? "", "data[\(key)]: Invalid value: a Secret value must be base64-encoded UTF-8 here")
            }
            values[key] = text
        }
        for (key, value) in stringData ?? [:] { values[key] = value }
        return values
    }
}

/// `v1/Namespace`.
struct Namespace: Codable, Sendable {
    struct Status: Codable, Sendable { var phase = "Active" }
    var kind = "Namespace"
    var apiVersion = "v1"
    var metadata: ObjectMeta
    var status = Status()
}

/// A `<Kind>List`.
struct KubernetesList<Item: Codable & Sendable>: Codable, Sendable {
    var kind: String
    var apiVersion: String
    var metadata: ListMeta
    var items: [Item]
}

/// One line of a watch stream: `{"type":"ADDED","object":{…}}`.
struct WatchEvent<Object: Codable & Sendable>: Codable, Sendable {
    var type: String
    var object: Object
}

/// `certificates.k8s.io/v1` CertificateSigningRequest (spec 8.4).
public struct CertificateSigningRequestObject: Codable, Sendable, Hashable {
    public struct Spec: Codable, Sendable, Hashable {
        /// Base64 of the PEM `CERTIFICATE REQUEST`.
        public var request: String
        public var signerName: String
        public var expirationSeconds: Int?
        public var usages: [String]?
        public var username: String?
        public var uid: String?
        public var groups: [String]?
        public var extra: [String: [String]]?
    }

    public struct Condition: Codable, Sendable, Hashable {
        public var type: String
        public var status: String
        public var reason: String?
        public var message: String?
        public var lastUpdateTime: String?
        public var lastTransitionTime: String?
    }

    public struct Status: Codable, Sendable, Hashable {
        public var conditions: [Condition]?
        /// Base64 of the PEM `CERTIFICATE` block(s).
        public var certificate: String?
    }

    public var kind: String? = "CertificateSigningRequest"
    public var apiVersion: String? = "certificates.k8s.io/v1"
    public var metadata: ObjectMeta
    public var spec: Spec
    public var status: Status?
}

extension CertificateSigningRequestObject {
    /// The annotation a joining node sets to declare the IP addresses its serving certificate may name.
    public static let nodeIPAnnotation = "clusterpki.io/node-ip"
    public static let kubeletClientSigner = "kubernetes.io/kube-apiserver-client-kubelet"
    public static let kubeletServingSigner = "kubernetes.io/kubelet-serving"
}

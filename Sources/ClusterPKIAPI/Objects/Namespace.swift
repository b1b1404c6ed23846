/// `v1/Namespace`.
public struct Namespace: Codable, Sendable, Hashable {
    public struct Status: Codable, Sendable, Hashable {
        public var phase = "Active"
        public init() {}
    }
    public var kind = "Namespace"
    public var apiVersion = "v1"
    public var metadata: ObjectMeta
    public var status = Status()

    public init(metadata: ObjectMeta) { self.metadata = metadata }

    /// The namespaces a kubeadm cluster always has; kubectl words 404s with them.
    public static let kubeadmNamespaces = ["default", "kube-public", "kube-system"]
}

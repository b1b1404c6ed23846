/// `v1/ConfigMap`.
public struct ConfigMap: Codable, Sendable, Hashable {
    public var kind = "ConfigMap"
    public var apiVersion = "v1"
    public var metadata: ObjectMeta
    public var data: [String: String]

    public init(metadata: ObjectMeta, data: [String: String]) {
        self.metadata = metadata
        self.data = data
    }
}

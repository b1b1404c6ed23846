/// A `<Kind>List`.
public struct KubernetesList<Item: Codable & Sendable>: Codable, Sendable {
    public var kind: String
    public var apiVersion: String
    public var metadata: ListMeta
    public var items: [Item]

    public init(kind: String, apiVersion: String, metadata: ListMeta, items: [Item]) {
        self.kind = kind
        self.apiVersion = apiVersion
        self.metadata = metadata
        self.items = items
    }
}

/// One line of a watch stream: `{"type":"ADDED","object":{…}}`.
public struct WatchEvent<Object: Codable & Sendable>: Codable, Sendable {
    public var type: String
    public var object: Object

    public init(type: String, object: Object) {
        self.type = type
        self.object = object
    }
}

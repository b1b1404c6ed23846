/// `metav1.Status`: every error the endpoint returns, and the reply to a delete.
public struct StatusObject: Codable, Sendable, Equatable {
    /// `details` of a Status: `kind` holds the resource name, as the API server writes it.
    public struct Details: Codable, Sendable, Equatable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var retryAfterSeconds: Int?

        public init(name: String? = nil, group: String? = nil, kind: String? = nil, retryAfterSeconds: Int? = nil) {
            self.name = name
            self.group = group
            self.kind = kind
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    public var kind = "Status"
    public var apiVersion = "v1"
    public var metadata = [String: String]()
    /// `Success` or `Failure`.
    public var status: String
    public var message: String?
    public var reason: String?
    public var details: Details?
    public var code: Int?

    public init(
        status: String, message: String? = nil, reason: String? = nil, details: Details? = nil, code: Int? = nil
    ) {
        self.status = status
        self.message = message
        self.reason = reason
        self.details = details
        self.code = code
    }

    /// A failure as the API server writes it.
    public static func failure(code: Int, reason: String, message: String, details: Details? = nil) -> StatusObject {
        StatusObject(status: "Failure", message: message, reason: reason, details: details, code: code)
    }
}

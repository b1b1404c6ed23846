import Foundation
import Yams

/// A kubeconfig file as text, with its current context resolved and the position of each embedded value.
///
/// Reading through the YAML node tree (rather than the ``KubeConfig`` model) keeps the exact text, so renewal can
/// replace three values and leave every other byte of the file as it was.
public struct KubeconfigDocument: Sendable {
    /// An embedded base64 value of the current context's cluster or user.
    public enum Field: String, Sendable, CaseIterable {
        case certificateAuthorityData = "certificate-authority-data"
        case clientCertificateData = "client-certificate-data"
        case clientKeyData = "client-key-data"
    }

    /// Where a scalar value starts in the text (1-based, columns in Unicode scalars) and how it is quoted.
    struct Location: Sendable, Hashable {
        enum Style: Sendable { case plain, singleQuoted, doubleQuoted, other }
        var line: Int
        var column: Int
        var style: Style
        var value: String
    }

    public let path: String
    public let text: String
    public let currentContext: String
    public let clusterName: String
    public let userName: String
    public let server: String?
    /// `certificate-authority` (a file path) when the CA is not embedded.
    public let certificateAuthorityFile: String?
    public let token: String?
    let locations: [Field: Location]

    /// Parses `text`; a file that is not YAML or has no usable current context is an error.
    public init(text: String, path: String) throws {
        let parsed: Node?
        do { parsed = try Yams.compose(yaml: text) } catch {
            throw KubeconfigError.notYAML(path: path, detail: "\(error)")
        }
        guard let root = parsed, root.mapping != nil else {
            throw KubeconfigError.notAKubeconfig(
                path: path, detail: "it is not a YAML mapping with apiVersion, clusters, contexts and users")
        }
        func fail(_ detail: String) -> KubeconfigError { .notAKubeconfig(path: path, detail: detail) }
        func named(_ list: String, _ name: String) -> Node? {
            root[list]?.sequence?.first { $0["name"]?.string == name }
        }
        guard let current = root["current-context"]?.string, !current.isEmpty else {
            throw fail("it has no current-context")
        }
        guard let context = named("contexts", current)?["context"] else {
            throw fail("its current-context \"\(current)\" is not in contexts")
        }
        guard let clusterName = context["cluster"]?.string, let cluster = named("clusters", clusterName)?["cluster"]
        else {
            throw fail("the cluster of context \"\(current)\" is not in clusters")
        }
        guard let userName = context["user"]?.string, let user = named("users", userName)?["user"] else {
            throw fail("the user of context \"\(current)\" is not in users")
        }
        var locations: [Field: Location] = [:]
        for field in Field.allCases {
            let owner = field == .certificateAuthorityData ? cluster : user
            guard let node = owner[field.rawValue], let scalar = node.scalar else { continue }
            let style: Location.Style
            switch scalar.style {
            case .plain: style = .plain
            case .singleQuoted: style = .singleQuoted
            case .doubleQuoted: style = .doubleQuoted
            default: style = .other
            }
            guard let mark = scalar.mark else { continue }
            locations[field] = Location(line: mark.line, column: mark.column, style: style, value: scalar.string)
        }
        self.path = path
        self.text = text
        self.currentContext = current
        self.clusterName = clusterName
        self.userName = userName
        self.server = cluster["server"]?.string
        self.certificateAuthorityFile = cluster["certificate-authority"]?.string
        self.token = user["token"]?.string
        self.locations = locations
    }

    /// Reads a file; nil when it does not exist.
    public static func load(_ url: URL) throws -> KubeconfigDocument? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw KubeconfigError.notAKubeconfig(path: url.path, detail: "it cannot be read (check its permissions)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KubeconfigError.notYAML(path: url.path, detail: "it is not UTF-8 text")
        }
        return try KubeconfigDocument(text: text, path: url.path)
    }

    /// The raw (base64) value of an embedded field, or nil when absent.
    public func value(_ field: Field) -> String? { locations[field]?.value }

    /// The decoded PEM text of an embedded field, or nil when absent.
    public func pem(_ field: Field) throws -> String? {
        guard let raw = value(field) else { return nil }
        let compact = raw.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact), let pem = String(data: data, encoding: .utf8) else {
            throw KubeconfigError.notAKubeconfig(path: path, detail: "\(field.rawValue) is not base64 of PEM text")
        }
        return pem
    }
}

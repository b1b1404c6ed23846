import Foundation
import Yams

extension KubeConfig {
    /// The YAML text client-go would write: block style, unlimited line width, newline-terminated.
    public func yaml() throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.width = -1
        encoder.options.indent = 2
        return try encoder.encode(self)
    }

    /// Decodes a kubeconfig file's text; `path` names the file in errors.
    public init(yaml text: String, path: String) throws {
        // One parse, with the resolver YAMLDecoder itself uses (merge keys only: the Decodable types decide what a
        // scalar is, so the default resolver's per-scalar pattern matching would be wasted work).
        let parser: Parser
        let root: Node?
        do {
            parser = try Parser(yaml: text, resolver: Resolver.basic.appending(.merge))
            root = try parser.singleRoot()
        } catch {
            throw KubeconfigError.notYAML(path: path, detail: "\(error)")
        }
        guard let root else { throw KubeconfigError.notAKubeconfig(path: path, detail: "the file is empty") }
        do {
            // The parser owns the anchors the nodes refer to: it lives until the decoding is done.
            self = try withExtendedLifetime(parser) { try YAMLDecoder().decode(KubeConfig.self, from: root) }
        } catch {
            throw KubeconfigError.notAKubeconfig(path: path, detail: Self.describe(error))
        }
    }

    static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "field \(path(context.codingPath + [key])) is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            return "field \(path(context.codingPath)): \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}

import Yams

/// Refuses the YAML that makes Yams trap the process instead of failing (both found by the fuzz targets), before any
/// value is constructed from it:
/// - a mapping key that is itself a mapping or a sequence (YAML's `? ` complex keys): the untyped loader
///   force-unwraps it as `AnyHashable`;
/// - a plain scalar that YAML 1.1 reads as a base-60 integer (`4:4:4:4:1:4:4:4:1:4:4`, `999999999999999999:0`): Yams
///   computes it with trapping arithmetic, so enough components or one large one overflow `Int`.
/// No kubeadm or clusterpki file needs either; kubeadm (YAML 1.2 rules) reads such a scalar as text, and quoting it
/// keeps it text here too.
enum YAMLInputGuard {
    /// Every document of `text` (Yams' untyped values), checked first; errors name `path`.
    static func loadDocuments(_ text: String, path: String) throws -> [Any?] {
        do {
            for document in try Yams.compose_all(yaml: text) {
                if let problem = problem(in: document) { throw PKIError.config(path: path, problem: problem) }
            }
            return Array(try Yams.load_all(yaml: text))
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError.config(path: path, problem: "not valid YAML: \(error)")
        }
    }

    /// What in `node` Yams cannot load without trapping, or nil.
    static func problem(in node: Node) -> String? {
        if let mapping = node.mapping {
            for (key, value) in mapping {
                guard key.scalar != nil else {
                    return "a mapping key is itself a mapping or a list (`? `); use plain keys"
                }
                if let problem = problem(in: key) ?? problem(in: value) { return problem }
            }
            return nil
        }
        if let sequence = node.sequence {
            return sequence.lazy.compactMap { problem(in: $0) }.first
        }
        if let scalar = node.scalar, scalar.style == .plain || scalar.style == .any, isBase60Number(scalar.string) {
            let line = node.mark.map { " on line \($0.line)" } ?? ""
            return "\(goQuote(scalar.string))\(line) is a YAML 1.1 base-60 number, which is not supported; "
                + "quote it if it is text"
        }
        return nil
    }

    /// Digits with at least one `:` (and only `_`, `+`, `-` besides): what Yams' integer construction reads in base 60.
    static func isBase60Number(_ text: String) -> Bool {
        text.utf8.contains(UInt8(ascii: ":")) && text.utf8.contains { (0x30...0x39).contains($0) }
            && text.utf8.allSatisfy { (0x30...0x39).contains($0) || ":_+-".utf8.contains($0) }
    }
}

import Yams

/// Refuses YAML whose mapping keys are themselves mappings or sequences (YAML's `? ` complex keys) before Yams'
/// untyped loader sees it: that loader force-unwraps such a key as `AnyHashable` and traps the process (found by
/// the kubeadm-config fuzz target). No kubeadm or clusterpki file uses such keys.
enum YAMLKeyGuard {
    /// Every document of `text` (Yams' untyped values), complex keys refused first; errors name `path`.
    static func loadDocuments(_ text: String, path: String) throws -> [Any?] {
        do {
            if try hasComplexKey(text) {
                throw PKIError.config(
                    path: path, problem: "a mapping key is itself a mapping or a list (`? `); use plain keys")
            }
            return Array(try Yams.load_all(yaml: text))
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError.config(path: path, problem: "not valid YAML: \(error)")
        }
    }

    /// Whether any document of `text` has a mapping key that is not a scalar.
    static func hasComplexKey(_ text: String) throws -> Bool {
        try Yams.compose_all(yaml: text).contains { hasComplexKey($0) }
    }

    private static func hasComplexKey(_ node: Node) -> Bool {
        if let mapping = node.mapping {
            return mapping.contains { key, value in key.scalar == nil || hasComplexKey(value) }
        }
        if let sequence = node.sequence { return sequence.contains { hasComplexKey($0) } }
        return false
    }
}

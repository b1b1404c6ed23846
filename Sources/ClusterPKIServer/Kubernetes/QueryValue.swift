/// Query parameters read as the API server reads them: a value it cannot parse is 400 BadRequest, never a default.
enum QueryValue {
    /// Go's `strconv.ParseBool` (`1`, `t`, `true`, `TRUE`, `True`, and their false forms); absent or empty is false.
    static func bool(_ text: String?, name: String) throws -> Bool {
        guard let text, !text.isEmpty else { return false }
        switch text {
        case "1", "t", "T", "true", "TRUE", "True": return true
        case "0", "f", "F", "false", "FALSE", "False": return false
        default: throw KubernetesStatus.badRequest("\(name) must be true or false, not \"\(text)\"")
        }
    }

    /// A non-negative integer, or nil when absent.
    static func nonNegativeInt(_ text: String?, name: String) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw KubernetesStatus.badRequest("\(name) must be a non-negative integer, not \"\(text)\"")
        }
        return value
    }
}

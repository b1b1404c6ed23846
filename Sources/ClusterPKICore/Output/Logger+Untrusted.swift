import Logging

extension Logger.MetadataValue {
    /// A value a client chose (a user name, a CSR's subject) as log metadata, escaped with ``goEscape(_:)`` so that
    /// it stays on its line and cannot forge another entry.
    public static func untrusted(_ value: String) -> Logger.MetadataValue { .string(goEscape(value)) }
}

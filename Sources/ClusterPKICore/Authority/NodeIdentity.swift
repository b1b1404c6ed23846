/// A node's own credential as Kubernetes names it: user `system:node:<name>` in group `system:nodes`.
///
/// One home for the parsing that the approver, the authenticator, kubelet renewal and the CA rotation's finish check
/// all need, so they agree on what a node credential is.
public enum NodeIdentity {
    /// The group of every node's own credential.
    public static let group = "system:nodes"
    /// The user-name prefix of a node.
    public static let userPrefix = "system:node:"

    /// The user name (and client-certificate CN) of node `name`.
    public static func userName(_ name: String) -> String { userPrefix + name }

    /// `<name>` of a `system:node:<name>` user, or nil for any other user (or an empty name).
    public static func nodeName(fromUserName userName: String) -> String? {
        guard userName.hasPrefix(userPrefix), userName.count > userPrefix.count else { return nil }
        return String(userName.dropFirst(userPrefix.count))
    }

    /// The node name when a CN/O pair is a node's own credential (the name in the CN and `system:nodes` among the O).
    public static func nodeName(commonName: String, organizations: [String]) -> String? {
        guard organizations.contains(group) else { return nil }
        return nodeName(fromUserName: commonName)
    }
}

import Foundation

/// Finds a policy file by path or by name (`kubeadm`, `hardened`) in the usual places.
public enum PolicyLocator {
    public static let defaultName = "kubeadm"

    /// Search order for a name: `$CLUSTERPKI_POLICY_DIR`, `/etc/clusterpki/policies`,
    /// `/usr/share/clusterpki/policies`, `policies/` above the executable (a source checkout), `./policies`.
    public static func locate(_ nameOrPath: String?) throws -> URL {
        let value = nameOrPath ?? defaultName
        if value.contains("/") || value.hasSuffix(".yaml") || value.hasSuffix(".yml") {
            let url = URL(fileURLWithPath: value)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw PKIError.policy(field: value, problem: "no such file; pass an existing policy file or a policy name (kubeadm, hardened)")
            }
            return url
        }
        let candidates = searchDirectories().map { $0.appendingPathComponent(value + ".yaml") }
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) { return found }
        throw PKIError.policy(field: value, problem: "no policy named \(value) in \(searchDirectories().map(\.path).joined(separator: ", ")); pass --policy FILE or set CLUSTERPKI_POLICY_DIR")
    }

    static func searchDirectories() -> [URL] {
        var directories: [URL] = []
        if let dir = ProcessInfo.processInfo.environment["CLUSTERPKI_POLICY_DIR"] { directories.append(URL(fileURLWithPath: dir)) }
        directories.append(URL(fileURLWithPath: "/etc/clusterpki/policies"))
        directories.append(URL(fileURLWithPath: "/usr/share/clusterpki/policies"))
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            var directory = executable.deletingLastPathComponent()
            while directory.path != "/" {
                directories.append(directory.appendingPathComponent("policies"))
                directory = directory.deletingLastPathComponent()
            }
        }
        directories.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("policies"))
        return directories
    }
}

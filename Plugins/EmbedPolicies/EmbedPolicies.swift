import Foundation
import PackagePlugin

/// Compiles `policies/*.yaml` into the target as Swift string literals (`EmbeddedPolicies.generated.swift`), so the
/// `kubeadm` and `hardened` policies work for a binary copied alone to any directory. Re-runs when a file changes.
@main
struct EmbedPolicies: BuildToolPlugin {
    /// The policies compiled in; each is `policies/<name>.yaml` at the package root.
    static let names = ["kubeadm", "hardened"]

    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let directory = context.package.directoryURL.appending(path: "policies")
        let inputs = Self.names.map { directory.appending(path: "\($0).yaml") }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedPolicies.generated.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(Self.names.joined(separator: ", ")) policies",
                executable: try context.tool(named: "PolicyEmbedder").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}

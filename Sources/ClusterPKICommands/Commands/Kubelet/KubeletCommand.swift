import ArgumentParser

/// `clusterpki kubelet`: node-side credential upkeep.
struct KubeletCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubelet", abstract: "Keep this node's kubelet credential working (e.g. through a CA rotation).",
        subcommands: [KubeletRenew.self])
}

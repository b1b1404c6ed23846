import ArgumentParser

/// `clusterpki ca`: phased rotation of the cluster CAs.
struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca", abstract: "Rotate a cluster CA in phases (prepare, switch, finish).",
        subcommands: [CARotate.self, CAStatus.self])
}

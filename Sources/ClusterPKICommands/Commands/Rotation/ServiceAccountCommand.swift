import ArgumentParser

/// `clusterpki sa`: the service-account signing key.
struct ServiceAccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sa", abstract: "Rotate the service-account signing key (sa.key, sa.pub) in phases.",
        subcommands: [ServiceAccountRotate.self, ServiceAccountStatus.self])
}

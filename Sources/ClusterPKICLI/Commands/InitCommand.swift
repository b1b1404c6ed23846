import ArgumentParser
import ClusterPKICore
import ClusterPKIKubeconfig
import Foundation

/// `clusterpki init`: the PKI part of `kubeadm init`, as a list of phases run in order with the same flags.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the certificate tree and the kubeconfig files in one go (kubeadm init, PKI phases).")

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var cluster: ClusterFlags

    /// One step of init; later issues append token and upload phases.
    struct Phase: Sendable {
        var name: String
        var run: @Sendable (TreeContext) async throws -> Void
    }

    static let phases: [Phase] = [
        Phase(name: "certs") { context in try await CertsPhase(context: context).generate(["all"]) { print($0) } },
        Phase(name: "kubeconfig") { context in try await KubeconfigPhase(context: context).generate(["all"]) { print($0) } },
    ]

    func run() async throws {
        let context = try cluster.context(directories)
        for phase in Self.phases { try await phase.run(context) }
        print(Self.closingText(context.settings))
    }

    static func closingText(_ settings: ClusterSettings) -> String {
        let admin = settings.kubernetesDir.appendingPathComponent("admin.conf").path
        return """

            Your Kubernetes control-plane certificates and kubeconfig files are ready!

            Certificates and keys are in \(settings.certificatesDir.path),
            kubeconfig files (admin.conf, super-admin.conf, kubelet.conf, controller-manager.conf, scheduler.conf) in \(settings.kubernetesDir.path).

            To start using your cluster, you need to run the following as a regular user:

              mkdir -p $HOME/.kube
              sudo cp -i \(admin) $HOME/.kube/config
              sudo chown $(id -u):$(id -g) $HOME/.kube/config

            Alternatively, if you are the root user, you can run:

              export KUBECONFIG=\(admin)

            Check expirations with `clusterpki certs check-expiration` and renew with `clusterpki certs renew all`.
            """
    }
}

import ArgumentParser
import ClusterPKIAPI

extension TokenCommand {
    /// `token generate`: a random token, stored nowhere.
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate and print a bootstrap token, but do not create it on the server")

        func run() async throws {
            print(BootstrapTokenString.generate().token)
        }
    }
}

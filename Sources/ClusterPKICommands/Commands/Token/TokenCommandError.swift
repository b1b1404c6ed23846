/// A `token` argument the parser cannot catch, with kubeadm's text (printed as `Error: …`, exit status 1).
struct TokenCommandError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }

    /// `token delete` without arguments.
    static let missingDeleteArgument = TokenCommandError(
        message:
            "missing argument; 'token delete' is missing token of form \"\\\\A([a-z0-9]{6})\\\\.([a-z0-9]{16})\\\\z\" or \"\\\\A([a-z0-9]{6})\\\\z\""
    )
}

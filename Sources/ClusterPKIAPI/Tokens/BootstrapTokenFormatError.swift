import ClusterPKICore
import Foundation

/// A string that is not a bootstrap token (or token id), with kubeadm's texts.
public enum BootstrapTokenFormatError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    case malformedToken(String)
    case malformedTokenOrID(String)

    public var message: String {
        switch self {
        case .malformedToken(let raw):
            return "the bootstrap token \(goQuote(raw)) was not of the form \(goQuote(BootstrapTokenString.pattern))"
        case .malformedTokenOrID:
            return
                "given token didn't match pattern \(goQuote(BootstrapTokenString.pattern)) or \(goQuote(BootstrapTokenString.idPattern))"
        }
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}

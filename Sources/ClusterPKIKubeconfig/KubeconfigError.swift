import Foundation

/// Every failure of the kubeconfig module; each message says what to do next.
public enum KubeconfigError: Error, Equatable, Sendable {
    case notYAML(path: String, detail: String)
    case notAKubeconfig(path: String, detail: String)
    case wrongCA(path: String)
    case missingCA(path: String)
    case externalCA(keyPath: String, files: [String])
    case unknownKubeconfig(String, known: [String])
    case emptyClientName
    case emptyOrganization
    case emptyToken
    case organizationsWithToken
    case privilegedOrganization(String)
    case nonPositiveValidity(String)
    case validityAboveMaximum(requested: String, maximum: String)
    case missingEmbeddedData(path: String, field: String)
    case cannotEditInPlace(path: String, field: String, reason: String)

    public var message: String {
        switch self {
        case .notYAML(let path, let detail):
            return
                "the kubeconfig file \(path) is not valid YAML (\(detail)); fix it, or move it away to have it regenerated"
        case .notAKubeconfig(let path, let detail):
            return "\(path) is not a usable kubeconfig file: \(detail); fix it, or move it away to have it regenerated"
        case .wrongCA(let path):
            return
                "a kubeconfig file \"\(path)\" exists already but has got the wrong CA cert; move it away to have it regenerated with the current CA, or restore the ca.crt it was made with"
        case .missingCA(let path):
            return
                "the cluster CA certificate \(path) is missing; run `clusterpki certs generate ca` (or `clusterpki init`) first, or pass --cert-dir"
        case .externalCA(let keyPath, let files):
            return
                "the CA private key \(keyPath) is absent (external CA mode), so kubeconfig client certificates cannot be minted here; create \(files.joined(separator: ", ")) with the external CA and place them in the kubernetes directory"
        case .unknownKubeconfig(let name, let known):
            return "unknown kubeconfig \"\(name)\"; valid names are: \(known.joined(separator: ", "))"
        case .emptyClientName:
            return "the client name is empty; pass the user name the credential is for with --client-name NAME"
        case .emptyOrganization:
            return "an organization (--org) is empty; pass group names such as --org developers, or omit --org"
        case .emptyToken:
            return
                "the token is empty; pass a bootstrap or service-account token with --token TOKEN, or omit --token for a client certificate"
        case .organizationsWithToken:
            return
                "--org has no effect on a token kubeconfig (the token's groups are decided by the API server); drop --org or --token"
        case .privilegedOrganization(let organization):
            return
                "the organization \"\(organization)\" grants superuser rights that RBAC cannot take away; use a group bound to a narrower role, or pass --allow-superuser if a superuser credential is really needed"
        case .nonPositiveValidity(let value):
            return "the validity period \(value) must be positive; pass e.g. --validity-period 24h"
        case .validityAboveMaximum(let requested, let maximum):
            return
                "the validity period \(requested) is above the policy maximum \(maximum); pass a shorter --validity-period, or raise userCredentials.maxValidity in the policy"
        case .missingEmbeddedData(let path, let field):
            return
                "\(path) does not have an embedded \(field) for its current context; it cannot be renewed by clusterpki (regenerate it with `clusterpki kubeconfig generate`)"
        case .cannotEditInPlace(let path, let field, let reason):
            return
                "cannot replace \(field) in \(path) in place (\(reason)); rewrite the value on a single line, or move the file away and run `clusterpki kubeconfig generate`"
        }
    }
}

extension KubeconfigError: CustomStringConvertible, LocalizedError {
    public var description: String { message }
    public var errorDescription: String? { message }
}

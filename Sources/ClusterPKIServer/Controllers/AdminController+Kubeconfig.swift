import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig

extension AdminController {
    /// What the client sees when the minter refuses a `UserKubeconfig`: a privileged group without `system:masters`
    /// is 403 (RBAC's meaning: this requester may not), anything else about the object is 422 naming its field.
    static func status(
        _ error: KubeconfigError, request: UserCredentialRequest, validity: String?, requester: Identity
    ) -> any Error {
        let object = ObjectReference.userKubeconfig(request.clientName)
        switch error {
        case .privilegedOrganization(let organization):
            return KubernetesStatus.forbidden(
                user: requester.username, verb: "create", resource: object.resource, group: object.group,
                name: object.name,
                why:
                    "groups \([organization]) are privileged (policy userCredentials.privilegedOrganizations); only \(superuserGroup) may mint them"
            )
        case .emptyClientName:
            return KubernetesStatus.invalid(object, "spec.username: Required value")
        case .emptyOrganization:
            return KubernetesStatus.invalid(object, "spec.groups: Invalid value: \"\": a group name may not be empty")
        case .nonPositiveValidity(let value):
            return KubernetesStatus.invalid(object, invalidValidity(validity ?? value))
        case .validityAboveMaximum(_, let maximum):
            return KubernetesStatus.invalid(
                object,
                "spec.validity: Invalid value: longer than the policy's userCredentials.maxValidity (\(maximum))")
        default:
            return error  // the server's CA or files, not the request: 500, the cause in the log
        }
    }

    /// The user name and groups checked as Core will check the certificate's CN and O, before anything is minted:
    /// a 422 naming `spec.username` or `spec.groups[i]` and the bound. An empty group is left to the minter, whose
    /// message the route has always given.
    static func validateNames(username: String, groups: [String], reference: ObjectReference) throws {
        do {
            try SubjectNameValidator.validate(commonName: username, organizations: groups)
        } catch {
            if case .emptyName(.organization) = error { return }
            // The object is named by the user name: escaped, so that the message stays one line.
            var reference = reference
            reference.name = goEscape(reference.name)
            throw KubernetesStatus.invalidName(error, object: reference) { field in
                if case .organization(let index)? = field { return "spec.groups[\(index)]" }
                return "spec.username"
            }
        }
    }

    static func invalidValidity(_ text: String) -> String {
        "spec.validity: Invalid value: \"\(text)\": must be a positive Go duration such as 24h"
    }
}

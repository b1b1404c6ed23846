import ClusterPKICore

extension KubernetesStatus {
    /// A name ``SubjectNameValidator`` refused, as the API server words a field error: 422, the API field the name
    /// came from (`field` maps the certificate's field to it), then Core's message, which quotes the value escaped
    /// and names the RFC 5280 bound.
    static func invalidName(_ error: PKIError, object: ObjectReference, field: (SubjectField?) -> String)
        -> KubernetesStatus
    {
        let subjectField: SubjectField?
        switch error {
        case .emptyName(let f), .nameTooLong(let f, _, _, _), .nameNotPrintable(let f, _), .duplicateName(let f, _),
            .invalidDNSName(let f, _, _):
            subjectField = f
        default:
            subjectField = nil  // a node name is part of the common name
        }
        return .invalid(object, "\(field(subjectField)): Invalid value: \(error.message)")
    }
}

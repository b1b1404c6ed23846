import Foundation

extension KubernetesJSON {
    /// A CertificateSigningRequest as ``encode(_:)`` writes it, without Foundation's encoder: the CSR path encodes
    /// one per request, and `JSONEncoder` (a container per nested value, a dynamic cast per member) spent more
    /// instructions on it than SQLite spent storing it. Same members, same order, same escaping (``JSONBytes``);
    /// only the order of dictionary keys differs (sorted here). `KubernetesJSONCSRTests` holds it to the encoder.
    public static func encode(_ object: CertificateSigningRequestObject) throws -> Data {
        var json = JSONBytes(
            capacity: 1024 + object.spec.request.utf8.count + (object.status?.certificate?.utf8.count ?? 0))
        json.beginObject()
        json.member("kind", object.kind)
        json.member("apiVersion", object.apiVersion)
        json.key("metadata")
        json.write(object.metadata)
        json.key("spec")
        json.write(object.spec)
        if let status = object.status {
            json.key("status")
            json.write(status)
        }
        json.endObject()
        return Data(json.bytes)
    }
}

extension JSONBytes {
    /// The members of ``ObjectMeta`` in declaration order.
    mutating func write(_ metadata: ObjectMeta) {
        beginObject()
        member("name", metadata.name)
        member("generateName", metadata.generateName)
        member("namespace", metadata.namespace)
        member("uid", metadata.uid)
        member("resourceVersion", metadata.resourceVersion)
        member("creationTimestamp", metadata.creationTimestamp)
        member("labels", metadata.labels) { $0.string($1) }
        member("annotations", metadata.annotations) { $0.string($1) }
        if let owners = metadata.ownerReferences {
            key("ownerReferences")
            array(owners) { json, owner in
                json.beginObject()
                json.member("apiVersion", owner.apiVersion)
                json.member("kind", owner.kind)
                json.member("name", owner.name)
                json.member("uid", owner.uid)
                json.member("controller", owner.controller)
                json.member("blockOwnerDeletion", owner.blockOwnerDeletion)
                json.endObject()
            }
        }
        endObject()
    }

    mutating func write(_ spec: CertificateSigningRequestObject.Spec) {
        beginObject()
        member("request", spec.request)
        member("signerName", spec.signerName)
        member("expirationSeconds", spec.expirationSeconds)
        member("usages", spec.usages)
        member("username", spec.username)
        member("uid", spec.uid)
        member("groups", spec.groups)
        member("extra", spec.extra) { json, values in json.array(values) { $0.string($1) } }
        endObject()
    }

    mutating func write(_ status: CertificateSigningRequestObject.Status) {
        beginObject()
        if let conditions = status.conditions {
            key("conditions")
            array(conditions) { json, condition in
                json.beginObject()
                json.member("type", condition.type)
                json.member("status", condition.status)
                json.member("reason", condition.reason)
                json.member("message", condition.message)
                json.member("lastUpdateTime", condition.lastUpdateTime)
                json.member("lastTransitionTime", condition.lastTransitionTime)
                json.endObject()
            }
        }
        member("certificate", status.certificate)
        endObject()
    }
}

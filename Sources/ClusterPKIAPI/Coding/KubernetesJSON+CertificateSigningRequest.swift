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
        object { json in
            json.member("name", metadata.name)
            json.member("generateName", metadata.generateName)
            json.member("namespace", metadata.namespace)
            json.member("uid", metadata.uid)
            json.member("resourceVersion", metadata.resourceVersion)
            json.member("creationTimestamp", metadata.creationTimestamp)
            json.member("labels", metadata.labels) { $0.string($1) }
            json.member("annotations", metadata.annotations) { $0.string($1) }
            json.member("ownerReferences", metadata.ownerReferences) { json, owner in
                json.object { json in
                    json.member("apiVersion", owner.apiVersion)
                    json.member("kind", owner.kind)
                    json.member("name", owner.name)
                    json.member("uid", owner.uid)
                    json.member("controller", owner.controller)
                    json.member("blockOwnerDeletion", owner.blockOwnerDeletion)
                }
            }
        }
    }

    mutating func write(_ spec: CertificateSigningRequestObject.Spec) {
        object { json in
            json.member("request", spec.request)
            json.member("signerName", spec.signerName)
            json.member("expirationSeconds", spec.expirationSeconds)
            json.member("usages", spec.usages)
            json.member("username", spec.username)
            json.member("uid", spec.uid)
            json.member("groups", spec.groups)
            json.member("extra", spec.extra) { $0.array($1) }
        }
    }

    mutating func write(_ status: CertificateSigningRequestObject.Status) {
        object { json in
            json.member("conditions", status.conditions) { json, condition in
                json.object { json in
                    json.member("type", condition.type)
                    json.member("status", condition.status)
                    json.member("reason", condition.reason)
                    json.member("message", condition.message)
                    json.member("lastUpdateTime", condition.lastUpdateTime)
                    json.member("lastTransitionTime", condition.lastTransitionTime)
                }
            }
            json.member("certificate", status.certificate)
        }
    }
}

extension KubernetesJSON {
    /// A JSON array of strings as ``encode(_:)`` writes it, without Foundation's encoder: the ledger stores a
    /// certificate's organizations this way for every CSR signed (`JSONEncoder` spent ~12,000 instructions on it).
    public static func encode(strings: [String]) -> Data {
        var json = JSONBytes(capacity: 2 + strings.reduce(0) { $0 + $1.utf8.count + 3 })
        json.array(strings)
        return Data(json.bytes)
    }
}

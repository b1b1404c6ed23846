import Yams

/// The shape of a policy file, used to reject unknown fields by name before decoding.
indirect enum PolicySchema: Sendable {
    case scalar
    case list(PolicySchema)
    case object([String: PolicySchema])

    func check(_ node: Node, path: String) throws {
        switch (self, node) {
        case (.scalar, .scalar):
            return
        case (.list(let item), .sequence(let sequence)):
            for (index, element) in sequence.enumerated() { try item.check(element, path: "\(path)[\(index)]") }
        case (.object(let fields), .mapping(let mapping)):
            for (key, value) in mapping {
                let name = key.string ?? "\(key)"
                let field = path.isEmpty ? name : "\(path).\(name)"
                guard let schema = fields[name] else {
                    throw PKIError.policy(
                        field: field,
                        problem: "unknown field; allowed fields here: \(fields.keys.sorted().joined(separator: ", "))")
                }
                try schema.check(value, path: field)
            }
        default:
            throw PKIError.policy(field: path.isEmpty ? "(document)" : path, problem: "expected \(expectation)")
        }
    }

    private var expectation: String {
        switch self {
        case .scalar: return "a single value"
        case .list: return "a list"
        case .object: return "a mapping of fields"
        }
    }

    static let certificate: PolicySchema = .object([
        "name": .scalar, "baseName": .scalar, "issuer": .scalar, "commonName": .scalar,
        "organizations": .list(.scalar), "keyUsages": .list(.scalar), "extKeyUsages": .list(.scalar),
        "subjectAltNames": .scalar, "etcd": .scalar, "store": .scalar, "validity": .scalar, "longName": .scalar,
    ])

    static let root: PolicySchema = .object([
        "apiVersion": .scalar, "kind": .scalar, "name": .scalar, "keyAlgorithm": .scalar,
        "keyEnciphermentOnlyForRSA": .scalar,
        "validity": .object(["certificateAuthority": .scalar, "certificate": .scalar, "backdate": .scalar]),
        "certificateAuthorities": .list(certificate),
        "certificates": .list(certificate),
        "serviceAccount": .object(["name": .scalar, "baseName": .scalar]),
        "kubeconfigs": .list(
            .object([
                "file": .scalar, "commonName": .scalar, "organizations": .list(.scalar), "server": .scalar,
                "initOnly": .scalar, "renewable": .scalar, "longName": .scalar,
            ])),
        "userCredentials": .object([
            "defaultValidity": .scalar, "maxValidity": .scalar, "privilegedOrganizations": .list(.scalar),
        ]),
        "tokenAuthentication": .object(["maxFailures": .scalar, "window": .scalar, "backoff": .scalar]),
        "server": server,
        "renewal": .object(["window": .scalar, "maxWindow": .scalar]),
        "audit": .object(["maxAge": .scalar, "maxRows": .scalar]),
    ])

    static let server: PolicySchema = .object([
        "maxRequestBodyBytes": .scalar, "adminOrganizations": .list(.scalar),
        "certsDownload": .object(["groups": .list(.scalar), "maxFetchesPerUpload": .scalar]),
        "certificateSigningRequests": .object([
            "creatorGroups": .list(.scalar), "nodeClientApprovalGroups": .list(.scalar),
            "selfNodeClientApproval": .scalar,
            "kubeletServingApproval": .scalar, "unrecordedServingNames": .scalar, "signingDuration": .scalar,
            "maxWatchSeconds": .scalar, "deniedTTL": .scalar, "approvedTTL": .scalar, "pendingTTL": .scalar,
            "maxDeniedPerRequester": .scalar,
        ]),
        "servingCertificate": .object(["validity": .scalar, "renewBefore": .scalar, "checkInterval": .scalar]),
        "statusPage": .object(["localhostWithoutCertificate": .scalar]),
        "connections": .object([
            "maxConnections": .scalar, "handshakeTimeout": .scalar, "requestHeaderTimeout": .scalar,
            "requestBodyTimeout": .scalar,
            "idleTimeout": .scalar, "maxWatchesPerIdentity": .scalar,
        ]),
    ])
}

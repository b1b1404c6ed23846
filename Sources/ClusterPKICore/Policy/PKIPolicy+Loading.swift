import Foundation
import Yams

extension PKIPolicy {
    /// Parses and validates a policy; unknown fields and bad values are errors that name the field.
    public init(yaml text: String, source: String = "policy") throws {
        let node: Node
        do {
            guard let parsed = try Yams.compose(yaml: text) else {
                throw PKIError.policy(field: source, problem: "the file is empty")
            }
            node = parsed
        } catch let error as PKIError { throw error } catch {
            throw PKIError.policy(field: source, problem: "not valid YAML: \(error)")
        }
        if let problem = YAMLInputGuard.problem(in: node) { throw PKIError.policy(field: source, problem: problem) }
        try PolicySchema.root.check(node, path: "")
        do {
            self = try YAMLDecoder().decode(PKIPolicy.self, from: node)
        } catch let error as PKIError {
            throw error
        } catch let DecodingError.dataCorrupted(context), let DecodingError.typeMismatch(_, context),
            let DecodingError.valueNotFound(_, context)
        {
            throw PKIError.policy(field: Self.path(context.codingPath), problem: context.debugDescription)
        } catch let DecodingError.keyNotFound(key, context) {
            throw PKIError.policy(field: Self.path(context.codingPath + [key]), problem: "required field is missing")
        } catch {
            throw PKIError.policy(field: source, problem: "\(error)")
        }
        try validate()
    }

    /// Loads a policy file.
    public init(contentsOf url: URL) throws {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw PKIError.policy(
                field: url.path,
                problem:
                    "cannot read the policy file (\(error.localizedDescription)); pass an existing file with --policy")
        }
        try self.init(yaml: text, source: url.path)
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce("") { acc, key in
            if let index = key.intValue { return acc + "[\(index)]" }
            return acc.isEmpty ? key.stringValue : acc + "." + key.stringValue
        }
    }

    private func validate() throws {
        guard apiVersion == Self.apiVersionV1Alpha1 else {
            throw PKIError.policy(
                field: "apiVersion", problem: "expected \(Self.apiVersionV1Alpha1), found \(apiVersion)")
        }
        guard kind == "Policy" else { throw PKIError.policy(field: "kind", problem: "expected Policy, found \(kind)") }
        var seen = Set<String>()
        for (index, ca) in certificateAuthorities.enumerated() {
            let field = "certificateAuthorities[\(index)]"
            guard ca.issuer == nil else {
                throw PKIError.policy(field: field + ".issuer", problem: "a CA is self-signed; remove issuer")
            }
            guard ca.keyUsages.contains(.keyCertSign) else {
                throw PKIError.policy(field: field + ".keyUsages", problem: "a CA needs keyCertSign")
            }
            try checkCommon(ca, field: field, seen: &seen)
        }
        for (index, leaf) in certificates.enumerated() {
            let field = "certificates[\(index)]"
            guard let issuer = leaf.issuer, authority(named: issuer) != nil else {
                throw PKIError.policy(
                    field: field + ".issuer",
                    problem:
                        "must name one of the certificateAuthorities (\(certificateAuthorities.map(\.name).joined(separator: ", ")))"
                )
            }
            guard let ekus = leaf.extKeyUsages, !ekus.isEmpty else {
                throw PKIError.policy(field: field + ".extKeyUsages", problem: "must specify at least one ExtKeyUsage")
            }
            guard !leaf.keyUsages.contains(.keyCertSign) else {
                throw PKIError.policy(
                    field: field + ".keyUsages", problem: "a leaf certificate must not have keyCertSign")
            }
            if leaf.requiresLocalEtcd == false, let ca = authority(named: issuer), ca.requiresLocalEtcd {
                throw PKIError.policy(
                    field: field + ".etcd",
                    problem: "signed by \(issuer), which exists only with local etcd; set etcd: local")
            }
            try checkCommon(leaf, field: field, seen: &seen)
        }
        guard !seen.contains(serviceAccount.name) else {
            throw PKIError.policy(field: "serviceAccount.name", problem: "duplicate name \(serviceAccount.name)")
        }
        for (index, kubeconfig) in kubeconfigs.enumerated()
        where !["controlPlaneEndpoint", "localAPIEndpoint"].contains(kubeconfig.server) {
            throw PKIError.policy(
                field: "kubeconfigs[\(index)].server", problem: "must be controlPlaneEndpoint or localAPIEndpoint")
        }
        guard userCredentials.defaultValidity.seconds > 0,
            userCredentials.defaultValidity.seconds <= userCredentials.maxValidity.seconds
        else {
            throw PKIError.policy(
                field: "userCredentials.defaultValidity", problem: "must be positive and at most maxValidity")
        }
        guard validity.certificate.seconds > 0, validity.certificateAuthority.seconds > 0,
            validity.backdate.seconds >= 0
        else {
            throw PKIError.policy(field: "validity", problem: "periods must be positive and backdate non-negative")
        }
    }

    private func checkCommon(_ profile: CertificateProfile, field: String, seen: inout Set<String>) throws {
        guard !profile.commonName.isEmpty else {
            throw PKIError.policy(field: field + ".commonName", problem: "must specify a CommonName")
        }
        guard seen.insert(profile.name).inserted else {
            throw PKIError.policy(field: field + ".name", problem: "duplicate name \(profile.name)")
        }
        guard !profile.baseName.isEmpty, !profile.baseName.hasPrefix("/"), !profile.baseName.contains("..") else {
            throw PKIError.policy(
                field: field + ".baseName", problem: "must be a relative path inside the certificate directory")
        }
        if let etcd = profile.etcd, etcd != "local" {
            throw PKIError.policy(field: field + ".etcd", problem: "only `local` is allowed")
        }
        if let store = profile.store, store != "etcd" {
            throw PKIError.policy(field: field + ".store", problem: "only `etcd` is allowed")
        }
        if profile.requiresEtcdStore && profile.isCertificateAuthority {
            throw PKIError.policy(
                field: field + ".store", problem: "a CA cannot depend on the state store; remove store")
        }
        if let validity = profile.validity, validity.seconds <= 0 {
            throw PKIError.policy(field: field + ".validity", problem: "must be positive")
        }
    }
}

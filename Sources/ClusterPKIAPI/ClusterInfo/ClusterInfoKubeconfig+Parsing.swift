import ClusterPKICore
import Foundation
import X509
import Yams

extension ClusterInfoKubeconfig {
    /// What a joiner reads from the cluster-info kubeconfig: the server and the CA bundle of its last cluster.
    public struct Contents: Sendable {
        public var server: String
        /// The PEM text of `certificate-authority-data`.
        public var caPEM: String
        public var certificates: [Certificate]
    }

    /// Why a cluster-info kubeconfig cannot be used.
    public struct Malformed: Error, Equatable, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    private struct Document: Decodable {
        struct NamedCluster: Decodable {
            struct Cluster: Decodable {
                var server: String?
                var certificateAuthorityData: String?
                enum CodingKeys: String, CodingKey {
                    case server, certificateAuthorityData = "certificate-authority-data"
                }
            }
            var cluster: Cluster
        }
        var clusters: [NamedCluster]?
    }

    /// Reads a cluster-info kubeconfig (the last cluster wins, as kubeadm's discovery reads it).
    public static func parse(_ kubeconfig: String) throws -> Contents {
        let document: Document
        do { document = try YAMLDecoder().decode(Document.self, from: kubeconfig) } catch {
            throw Malformed(reason: "the cluster-info kubeconfig is not a kubeconfig: \(error)")
        }
        guard let cluster = document.clusters?.last?.cluster, let encoded = cluster.certificateAuthorityData,
            let data = Data(base64Encoded: encoded)
        else { throw Malformed(reason: "the cluster-info kubeconfig has no cluster with certificate-authority-data") }
        let pem = String(decoding: data, as: UTF8.self)
        let certificates: [Certificate]
        do { certificates = try PEMCertificates.parse(pem, path: "cluster-info certificate-authority-data") } catch {
            throw Malformed(reason: "\(error)")
        }
        return Contents(server: cluster.server ?? "", caPEM: pem, certificates: certificates)
    }
}

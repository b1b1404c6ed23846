import ClusterPKICore
import Crypto
import Foundation

/// Object uids: UUID-shaped text derived from a seed, so an object keeps its uid across requests and restarts.
public enum KubernetesUID {
    /// The first 16 bytes of SHA-256 of `seed`, written as a UUID.
    public static func derived(from seed: Data) -> String {
        let hex = Hex.encode(SHA256.hash(data: seed).prefix(16))
        return
            "\(hex.prefix(8))-\(hex.dropFirst(8).prefix(4))-\(hex.dropFirst(12).prefix(4))-\(hex.dropFirst(16).prefix(4))-\(hex.dropFirst(20))"
    }

    public static func derived(from seed: String) -> String { derived(from: Data(seed.utf8)) }
}

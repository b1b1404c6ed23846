import ClusterPKIStore
import Foundation

/// A ``NodeRecord`` as stored at `nodes/<name>`.
struct NodeRecordValue: Codable, Sendable, Hashable {
    var name: String
    var addresses: [String]
    var recorded: Date
    var recordedBy: String

    init(_ node: NodeRecord) {
        name = node.name
        addresses = node.addresses
        recorded = node.recorded
        recordedBy = node.recordedBy
    }

    var node: NodeRecord { NodeRecord(name: name, addresses: addresses, recorded: recorded, recordedBy: recordedBy) }
}

import Foundation

/// An upload as stored at `uploads/<name>`, on the lease of its proxy token.
struct UploadRecord: Codable, Sendable, Hashable {
    var name: String
    var tokenID: String
    var created: Date
    var expires: Date?
    /// Already-encrypted blobs; the store never sees plaintext.
    var blobs: [String: Data]
    var fetches: Int
}

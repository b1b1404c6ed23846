import ClusterPKICore
import ClusterPKIStore
import X509

extension Certificate {
    /// The serial as the ledger keys it: lowercase hex without leading zeros.
    public var ledgerSerial: String {
        let hex = Hex.encode(serialNumber.bytes)
        return (try? IssuedCredential.normalizeSerial(hex)) ?? hex
    }
}

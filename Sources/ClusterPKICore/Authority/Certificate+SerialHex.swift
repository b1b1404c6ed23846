import X509

extension Certificate {
    /// The serial as lowercase hex without leading zeros: how the credential ledger, reports and logs spell it.
    public var serialHex: String {
        let hex = Hex.encode(serialNumber.bytes).drop { $0 == "0" }
        return hex.isEmpty ? "0" : String(hex)
    }
}

/// CertificateKey(parsing:): accepted keys are 32 bytes and print back as the input in lowercase.
func fuzz(_ data: [UInt8]) {
    let input = text(data)
    guard let key = try? CertificateKey(parsing: input) else { return }
    require(key.bytes.count == CertificateKey.size, "a key of \(key.bytes.count) bytes")
    require(key.description == input.lowercased(), "\(goQuote(input)) printed as \(key.description)")
}

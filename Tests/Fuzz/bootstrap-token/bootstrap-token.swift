/// BootstrapTokenString(parsing:) and the id-or-token form `token delete` takes.
func fuzz(_ data: [UInt8]) {
    let input = text(data)
    if let token = try? BootstrapTokenString(parsing: input) {
        require(token.token == input && token.id.count == 6 && token.secret.count == 16, "accepted \(goQuote(input))")
        require(!token.description.contains(token.secret), "description shows the secret")
    }
    if let id = try? BootstrapTokenString.id(fromIDOrToken: input) {
        require(BootstrapTokenString.isValidID(id), "id \(goQuote(id)) from \(goQuote(input))")
    }
}

/// DetachedJWS.isValid: input = signature NUL content NUL token id NUL secret; a signature other than the one
/// sign() makes must never be valid, and sign()'s own must be.
func fuzz(_ data: [UInt8]) {
    let parts = data.split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false).map { text(Array($0)) }
    guard parts.count == 4 else { return }
    let (signature, content, id, secret) = (parts[0], parts[1], parts[2], parts[3])
    let expected = DetachedJWS.sign(content: content, tokenID: id, tokenSecret: secret)
    require(DetachedJWS.isValid(expected, content: content, tokenID: id, tokenSecret: secret), "own signature refused")
    // Bytes, not String ==, which would equate canonically equivalent texts (U+212A KELVIN SIGN and "K").
    require(
        DetachedJWS.isValid(signature, content: content, tokenID: id, tokenSecret: secret)
            == signature.utf8.elementsEqual(expected.utf8),
        "signature \(goQuote(signature)) judged wrongly")
}

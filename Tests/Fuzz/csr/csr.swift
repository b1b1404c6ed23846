import X509

/// CSRDecoder on PEM text and on raw DER: every input is either a typed PKIError or a CSR whose signature verifies.
func fuzz(_ data: [UInt8]) {
    for result in [
        Result { () throws(PKIError) in try CSRDecoder.decode(pem: data) },
        Result { () throws(PKIError) in try CSRDecoder.decode(der: data) },
    ] {
        switch result {
        case .success(let csr):
            require(csr.publicKey.isValidSignature(csr.signature, for: csr), "accepted a CSR whose signature fails")
            _ = csr.subject.kubernetesIdentity
        case .failure(let error):
            require(
                !error.message.isEmpty && !error.message.contains("\n"), "message not on one line: \(error.message)")
        }
    }
}

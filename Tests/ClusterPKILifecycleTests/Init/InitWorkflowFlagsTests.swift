import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import Testing

@testable import ClusterPKILifecycle

/// `init`'s flags as typed options.
@Suite struct InitWorkflowFlagsTests {
    @Test func parsesTokenTTLAndKey() throws {
        let key = String(repeating: "0A", count: 32)
        let options = try InitWorkflow.Options(
            token: "abcdef.0123456789abcdef", tokenTTL: "1h", uploadCerts: true, certificateKey: key)
        #expect(options.token?.token == "abcdef.0123456789abcdef")
        #expect(options.tokenTTL == 3600)
        #expect(options.uploadCerts)
        #expect(options.certificateKey == (try CertificateKey(parsing: key)))
    }

    @Test func defaultsLeaveTokenAndKeyRandom() throws {
        let options = try InitWorkflow.Options(token: nil, tokenTTL: "0", uploadCerts: false, certificateKey: nil)
        #expect(options.token == nil && options.tokenTTL == 0 && options.certificateKey == nil)
    }

    @Test func certificateKeyNeedsUploadCerts() {
        #expect(throws: InitWorkflow.FlagConflict.certificateKeyWithoutUploadCerts) {
            try InitWorkflow.Options(
                token: nil, tokenTTL: "24h", uploadCerts: false, certificateKey: String(repeating: "0a", count: 32))
        }
        #expect(
            InitWorkflow.FlagConflict.certificateKeyWithoutUploadCerts.description
                == "--certificate-key is used only with --upload-certs")
    }

    @Test func badValuesFailWithTheirOwnErrors() {
        #expect(throws: StoreError.invalidDuration("x", reason: #"time: invalid duration "x""#)) {
            try InitWorkflow.Options(token: nil, tokenTTL: "x", uploadCerts: false, certificateKey: nil)
        }
        #expect(throws: PKIError.self) {
            try InitWorkflow.Options(token: nil, tokenTTL: "1h", uploadCerts: true, certificateKey: "zz")
        }
    }
}

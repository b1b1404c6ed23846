import ClusterPKIAPI
import ClusterPKICore
import Crypto
import Foundation

/// The 32-byte key that makes the database alone useless: it keys the secret hashes and encrypts the secrets.
public struct StoreKey: Sendable {
    let macKey: SymmetricKey
    /// HMAC-SHA256 under `macKey`, keyed once: a MAC starts from a copy of this state (a value), so a token check
    /// hashes the token only, not the key's two padded blocks again (half of the ~28,000 instructions a check took).
    let keyedMAC: HMAC<SHA256>
    let sealKey: SymmetricKey
    /// A MAC of a constant, stored in the database to detect a key that belongs to another database.
    package let checkValue: Data

    /// Default file name inside the pki dir.
    public static let defaultFileName = "clusterpki-state.key"

    /// Uses `bytes` (exactly 32) as the store key.
    public init(bytes: some ContiguousBytes) throws {
        let raw = bytes.withUnsafeBytes { Data($0) }
        guard raw.count == 32 else {
            throw StoreError.invalidStoreKey(path: "<memory>", detail: "expected 32 bytes, got \(raw.count)")
        }
        // Separate subkeys per purpose, so a MAC can never be confused with a ciphertext key.
        let master = SymmetricKey(data: raw)
        let salt = Data("clusterpki-state-store".utf8)
        macKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, salt: salt, info: Data("token-secret-mac v1".utf8), outputByteCount: 32)
        sealKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, salt: salt, info: Data("token-secret-seal v1".utf8), outputByteCount: 32)
        keyedMAC = HMAC(key: macKey)
        checkValue = Data(
            HMAC<SHA256>.authenticationCode(for: Data("clusterpki store key check v1".utf8), using: macKey))
    }

    /// A new random key (for tests and first use).
    public static func random() -> StoreKey {
        try! StoreKey(bytes: SymmetricKey(size: .bits256))
    }

    /// Reads the key file at `url`, creating it (0600, parent directories 0700) when it does not exist.
    ///
    /// The file holds 64 hex digits and a newline. Creation is race-free across processes: the key is written to a
    /// temporary file and hard-linked into place, so concurrent first runs all end up with the same key.
    public static func loadOrCreate(at url: URL) throws -> StoreKey {
        let path = url.path
        if let key = try load(at: url) { return key }
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError.invalidStoreKey(
                path: path, detail: "cannot create \(directory.path): \(error.localizedDescription)")
        }
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let text = Hex.encode(bytes) + "\n"
        let temporary = directory.appendingPathComponent(
            ".\(defaultFileName).\(getpid()).\(UInt64.random(in: 0...UInt64.max))")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StoreError.invalidStoreKey(path: path, detail: "cannot create: \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary.path) }
        let written = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, text.utf8.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == text.utf8.count, synced == 0 else {
            throw StoreError.invalidStoreKey(path: path, detail: "cannot write: \(String(cString: strerror(errno)))")
        }
        // link(2) fails if another process won the race; then its key is the key.
        if link(temporary.path, path) != 0 && errno != EEXIST {
            throw StoreError.invalidStoreKey(path: path, detail: "cannot create: \(String(cString: strerror(errno)))")
        }
        guard let key = try load(at: url) else {
            throw StoreError.invalidStoreKey(path: path, detail: "vanished right after it was created")
        }
        return key
    }

    /// Reads the key file at `url`; `nil` if it does not exist. Refuses a file readable by group or others.
    public static func load(at url: URL) throws -> StoreKey? {
        let path = url.path
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw StoreError.invalidStoreKey(path: path, detail: String(cString: strerror(errno)))
        }
        if info.st_mode & 0o077 != 0 {
            throw StoreError.insecureStoreKeyFile(path: path, mode: String(format: "%04o", info.st_mode & 0o7777))
        }
        let contents: Data
        do { contents = try Data(contentsOf: url) } catch {
            throw StoreError.invalidStoreKey(path: path, detail: error.localizedDescription)
        }
        let text = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Hex.decode(text), bytes.count == 32 else {
            throw StoreError.invalidStoreKey(path: path, detail: "expected 64 hex digits")
        }
        return try StoreKey(bytes: bytes)
    }
}

// MARK: - Secret protection

extension StoreKey {
    /// The keyed hash stored for authentication; the id is bound in so a hash cannot be moved to another row.
    package func secretMAC(for token: BootstrapTokenString) -> Data {
        Data(authenticationCode(of: token))
    }

    /// Constant-time check of a presented token against a stored keyed hash (swift-crypto's `==` of a MAC and
    /// bytes is `CRYPTO_memcmp`).
    package func isValidSecret(_ token: BootstrapTokenString, mac: Data) -> Bool {
        authenticationCode(of: token) == mac
    }

    private func authenticationCode(of token: BootstrapTokenString) -> HMAC<SHA256>.MAC {
        var hmac = keyedMAC
        hmac.update(data: Data("\(token.id).\(token.secret)".utf8))
        return hmac.finalize()
    }

    /// AES-256-GCM of the secret, `nonce ‖ ciphertext ‖ tag`, with the id as associated data.
    package func seal(_ token: BootstrapTokenString) throws -> Data {
        let box = try AES.GCM.seal(Data(token.secret.utf8), using: sealKey, authenticating: Data(token.id.utf8))
        return box.combined!  // always present for the standard 12-byte nonce
    }

    /// Decrypts a sealed secret; fails with ``StoreError/storeKeyMismatch`` if it was sealed under another key.
    package func unseal(id: String, sealed: Data) throws -> BootstrapTokenString {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            let secret = try AES.GCM.open(box, using: sealKey, authenticating: Data(id.utf8))
            return try BootstrapTokenString(id: id, secret: String(decoding: secret, as: UTF8.self))
        } catch {
            // On Linux a wrong key surfaces as an opaque BoringSSL error, so any failure means "wrong key".
            throw StoreError.storeKeyMismatch
        }
    }
}

import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import GRDB

extension SQLiteStateStore {
    /// The read-only fast path of ``authenticate(_:client:policy:now:)`` for tokens without a use limit: one read
    /// transaction on the hot-path connection, on the caller's thread (``HotPathReader``), no write and no commit.
    /// Whatever would change the database (an expired token to sweep, a failure to count, a use to consume) returns
    /// `nil`, and so does a database locked by someone else: the caller falls back to
    /// ``authenticate(_:client:policy:now:)``, which decides it again in its write transaction.
    public func authenticateReadOnly(_ presented: String, client: String, now: Date) async throws
        -> TokenAuthentication?
    {
        guard let parsed = try? BootstrapTokenString(parsing: presented) else { return nil }
        let key = try key()
        do {
            return try hotPath.read { db in
                let t = now.timeIntervalSince1970
                let blocked =
                    try Bool.fetchOne(
                        db.cachedStatement(
                            sql: """
                                SELECT EXISTS (SELECT 1 FROM authFailure WHERE blockedUntil > ?
                                AND ((scope = 'token' AND subject = ?) OR (scope = 'client' AND subject = ?)))
                                """),
                        arguments: [t, parsed.id, client]) ?? true
                guard !blocked,
                    let row = try Row.fetchOne(
                        db.cachedStatement(
                            sql:
                                "SELECT secretMAC, usages, groups, usesLeft, expiresAt FROM bootstrapToken WHERE id = ?"
                        ),
                        arguments: [parsed.id])
                else { return nil }
                let expiresAt: Double? = row["expiresAt"]
                let usesLeft: Int? = row["usesLeft"]
                guard usesLeft == nil, expiresAt.map({ $0 > t }) ?? true,
                    Self.splitList(row["usages"]).contains(TokenUsage.authentication.rawValue),
                    key.isValidSecret(parsed, mac: row["secretMAC"])
                else { return nil }
                let token = BootstrapToken(
                    token: parsed, usages: [.authentication], groups: Self.splitList(row["groups"]), expires: nil,
                    created: now)
                return TokenAuthentication(token: token, usesLeft: nil)
            }
        } catch  where HotPathReader.isBusy(error) {
            return nil
        } catch {
            throw Self.mapError(error, path: path)
        }
    }
}

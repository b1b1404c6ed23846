import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import GRDB

extension SQLiteStateStore {
    /// The read-only fast path of ``authenticate(_:client:policy:now:)`` for tokens without a use limit: one read
    /// statement on the hot-path connection, on the caller's thread (``HotPathReader``), no write and no commit.
    /// Whatever would change the database (an expired token to sweep, a failure to count, a use to consume) returns
    /// `nil`, and so does a database locked by someone else: the caller falls back to
    /// ``authenticate(_:client:policy:now:)``, which decides it again in its write transaction.
    public func authenticateReadOnly(_ presented: String, client: String, now: Date) async throws
        -> TokenAuthentication?
    {
        guard let parsed = try? BootstrapTokenString(parsing: presented) else { return nil }
        let key = try key()
        do {
            return try hotPath.select { db in
                let t = now.timeIntervalSince1970
                // One statement, so one snapshot: the token's row and whether its id or the client is blocked.
                guard
                    let row = try Row.fetchOne(
                        db.cachedStatement(
                            sql: """
                                SELECT secretMAC, usages, groups, usesLeft, expiresAt,
                                EXISTS (SELECT 1 FROM authFailure WHERE blockedUntil > ?
                                AND ((scope = 'token' AND subject = ?) OR (scope = 'client' AND subject = ?)))
                                FROM bootstrapToken WHERE id = ?
                                """),
                        arguments: [t, parsed.id, client, parsed.id])
                else { return nil }
                // Columns by position, in the order of the SELECT above.
                let blocked: Bool = row[5]
                let expiresAt: Double? = row[4]
                let usesLeft: Int? = row[3]
                guard !blocked, usesLeft == nil, expiresAt.map({ $0 > t }) ?? true,
                    Self.splitList(row[1]).contains(TokenUsage.authentication.rawValue),
                    key.isValidSecret(parsed, mac: row[0])
                else { return nil }
                let token = BootstrapToken(
                    token: parsed, usages: [.authentication], groups: Self.splitList(row[2]), expires: nil,
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

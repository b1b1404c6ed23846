import ClusterPKICore
import Foundation
import Logging

/// What `clusterpki serve` is told on its command line, parsed and checked before anything is read: the log level,
/// the listen address (host and port both required), the advertised URL (https only), the serving certificate's
/// extra SANs and the scheduled rotation (at least a minute apart; a restart hook only with a schedule).
public struct ServeOptions: Sendable, Hashable {
    /// A flag value that cannot work; the message names the flag and shows a valid value.
    public struct Problem: Error, Hashable, CustomStringConvertible {
        public let description: String
    }

    public static let logLevels = Logger.Level.allCases.map(\.rawValue)

    public var logLevel: String
    public var listenHost: String
    public var port: Int
    /// Nil means `https://<listen address>`.
    public var advertiseURL: String?
    public var extraSANs: [String]
    public var rotateEvery: GoDuration?
    public var restartHook: String?

    /// Parses and checks every flag; throws ``Problem`` for the first that cannot work.
    public init(
        logLevel: String, listen: String, advertiseURL: String?, serverCertExtraSANs: String?, rotateEvery: String?,
        restartHook: String?
    ) throws {
        guard Self.logLevels.contains(logLevel) else {
            throw Problem(description: "--log-level must be one of \(Self.logLevels.joined(separator: ", "))")
        }
        guard let (host, port) = try? ClusterSettings.splitHostPort(listen), let port else {
            throw Problem(description: "--listen \(listen) is not host:port, e.g. 127.0.0.1:9443")
        }
        if let advertiseURL, !advertiseURL.hasPrefix("https://") {
            throw Problem(description: "--advertise-url must start with https://")
        }
        var interval: GoDuration?
        if let rotateEvery {
            guard let parsed = try? GoDuration(parsing: rotateEvery, field: "--rotate-every"), parsed.seconds >= 60
            else {
                throw Problem(
                    description: "--rotate-every \(rotateEvery) is not a duration of at least 1m; use e.g. 12h")
            }
            interval = parsed
        }
        if restartHook != nil && rotateEvery == nil {
            throw Problem(description: "--restart-hook needs --rotate-every")
        }
        self.logLevel = logLevel
        self.listenHost = host
        self.port = port
        self.advertiseURL = advertiseURL
        self.extraSANs = (serverCertExtraSANs ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        self.rotateEvery = interval
        self.restartHook = restartHook
    }
}

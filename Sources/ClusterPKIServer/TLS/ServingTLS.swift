import ClusterPKIAPI
import ClusterPKICore
import Foundation
import HummingbirdTLS
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import ServiceLifecycle
import X509

/// The TLS configuration of the endpoint, whose certificate can be swapped without a restart.
///
/// Client certificates are optional and, when presented, verified against the CA bundle `authorities` holds now
/// (the current `ca.crt`, which a CA rotation changes while the server runs); every handshake picks up the current
/// serving certificate through NIOSSL's context callback.
public final class ServingTLS: Sendable {
    private let current: NIOLockedValueBox<(generation: Int, override: NIOSSLContextConfigurationOverride)>
    private let servedPEM: NIOLockedValueBox<String>
    public let configuration: TLSConfiguration
    /// ``configuration`` plus the client-certificate check; what the server must be built with.
    public let channelConfiguration: TLSChannelConfiguration

    /// The certificate handshakes use now (PEM), to notice a file renewed by another process (`clusterpki rotate`).
    public var certificatePEM: String { servedPEM.withLockedValue { $0 } }

    public init(material: ServingCertificate.Material, authorities: ClusterCAWatcher) throws {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(material.certificatePEM.utf8))
        let key = try NIOSSLPrivateKey(bytes: Array(material.keyPEM.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.trustRoots = .certificates(
            try NIOSSLCertificate.fromPEMBytes(Array(authorities.current().bundlePEM)))
        configuration.certificateVerification = .optionalVerification
        configuration.minimumTLSVersion = .tlsv12
        let box = NIOLockedValueBox((generation: 0, override: NIOSSLContextConfigurationOverride.noChanges))
        configuration.sslContextCallback = { _, promise in
            let state = box.withLockedValue { $0 }
            promise.succeed(state.generation == 0 ? .noChanges : state.override)
        }
        self.current = box
        self.servedPEM = NIOLockedValueBox(material.certificatePEM)
        self.configuration = configuration
        self.channelConfiguration = TLSChannelConfiguration(tlsConfiguration: configuration) { certificates, promise in
            promise.succeed(
                Self.verify(certificates, now: Date(), trusts: { authorities.current().trusts($0) })
                    ? .certificateVerified : .failed)
        }
    }

    /// The client-certificate check in place of BoringSSL's fixed trust store: the leaf is valid now and signed by a
    /// trusted CA (kubeadm's client certificates hang directly under their CA).
    static func verify(_ chain: [NIOSSLCertificate], now: Date, trusts: (Certificate) -> Bool) -> Bool {
        guard let first = chain.first, let der = try? first.toDERBytes(), let leaf = try? Certificate(derEncoded: der)
        else { return false }
        return leaf.notValidBefore <= now && now <= leaf.notValidAfter && trusts(leaf)
    }

    /// Uses `material` for every handshake from now on.
    public func update(_ material: ServingCertificate.Material) throws {
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(material.certificatePEM.utf8)).map {
            .certificate($0)
        }
        override.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(material.keyPEM.utf8), format: .pem))
        current.withLockedValue { $0 = ($0.generation + 1, override) }
        servedPEM.withLockedValue { $0 = material.certificatePEM }
    }
}

extension ServingTLS {
    /// Makes sure the serving certificate on disk is current (``ServingCertificate/ensure(now:logger:)``) and swaps it
    /// in when it is not the one being served: renewed here, or replaced on disk by `rotate` or a CA rotation.
    /// Returns whether it swapped.
    func refresh(from serving: ServingCertificate, now: Date, logger: Logger) async throws -> Bool {
        let material = try await serving.ensure(now: now, logger: logger)
        guard material.renewed || material.certificatePEM != certificatePEM else { return false }
        try update(material)
        return true
    }
}

/// Checks the serving certificate every `checkInterval` and swaps in a reissued one.
public struct ServingCertificateRenewer: Service {
    let certificate: ServingCertificate
    let tls: ServingTLS
    let metrics: ServerMetrics
    let interval: TimeInterval
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        certificate: ServingCertificate, tls: ServingTLS, metrics: ServerMetrics, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.certificate = certificate
        self.tls = tls
        self.metrics = metrics
        self.interval = certificate.tree.policy.serverPolicy.servingCertificate.checkInterval.seconds
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            do {
                if try await tls.refresh(from: certificate, now: now(), logger: logger) {
                    metrics.servingCertificateRenewal()
                }
            } catch {
                logger.error(
                    "serving certificate renewal failed; retrying at the next check", metadata: ["error": "\(error)"])
            }
        }
    }
}

import ClusterPKIStore
import GRPCNIOTransportHTTP2

/// One etcd member's client URL, `HOST:PORT`, as kubeadm's `etcd.external.endpoints` lists it.
struct EtcdEndpoint: Sendable, Hashable, CustomStringConvertible {
    let host: String
    let port: Int

    /// Accepts `HOST:PORT`, `[IPv6]:PORT` and `https://HOST:PORT`; plain `http://` is refused (mTLS only).
    init(parsing text: String) throws {
        var rest = Substring(text)
        if rest.hasPrefix("https://") { rest = rest.dropFirst("https://".count) }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("://") else {
            throw StoreError.invalidEtcdConfiguration(
                "\(text): only https endpoints are supported (etcd with client certificates)")
        }
        let hostPart: Substring
        let portPart: Substring
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            hostPart = rest[rest.index(after: rest.startIndex)..<close]
            portPart = rest[rest.index(after: close)...].drop(while: { $0 == ":" })
        } else if let colon = rest.lastIndex(of: ":") {
            hostPart = rest[..<colon]
            portPart = rest[rest.index(after: colon)...]
        } else {
            throw StoreError.invalidEtcdConfiguration("\(text) has no port; write it as HOST:PORT, e.g. 10.0.0.10:2379")
        }
        guard !hostPart.isEmpty, let port = Int(portPart), (1...65535).contains(port) else {
            throw StoreError.invalidEtcdConfiguration("\(text) is not HOST:PORT, e.g. 10.0.0.10:2379")
        }
        self.host = String(hostPart)
        self.port = port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The gRPC target; an IP literal needs the IP in the member's certificate SANs (no SNI is sent for it).
    var target: any ResolvableTarget {
        if host.contains(":") {
            let target: ResolvableTargets.IPv6 = .ipv6(address: host, port: port)
            return target
        }
        if host.split(separator: ".").count == 4, host.allSatisfy({ $0.isNumber || $0 == "." }) {
            let target: ResolvableTargets.IPv4 = .ipv4(address: host, port: port)
            return target
        }
        let target: ResolvableTargets.DNS = .dns(host: host, port: port)
        return target
    }
}

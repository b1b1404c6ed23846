import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address as raw octets (4 or 16), the form an X.509 iPAddress SAN holds.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let octets: [UInt8]

    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            octets = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        let dotted = text.split(separator: ".", omittingEmptySubsequences: false)
        if dotted.count == 4,
            dotted.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
            ),
            case let values = dotted.compactMap({ UInt8(String($0)) }), values.count == 4
        {
            octets = values  // leading zeros are decimal, as Go's sloppy parser reads them
            return
        }
        var v6 = in6_addr()
        guard !text.contains("%"), inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        // Go's x509 writes an IPv4-mapped IPv6 address as 4 octets.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            octets = Array(bytes[12...])
        } else {
            octets = bytes
        }
    }

    public init?(octets: [UInt8]) {
        guard octets.count == 4 || octets.count == 16 else { return nil }
        self.octets = octets
    }

    public var isIPv6: Bool { octets.count == 16 }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv6 ? AF_INET6 : AF_INET
        _ = octets.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(cString: buffer)
    }

    /// `host:port` with IPv6 brackets, as Go's net.JoinHostPort writes it.
    public func hostPort(_ port: Int) -> String { isIPv6 ? "[\(self)]:\(port)" : "\(self):\(port)" }

    /// The first non-loopback IPv4 address of an interface that is up, as kubeadm's default advertise address.
    public static func detectHostAddress() -> IPAddress? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            let flags = Int32(entry.pointee.ifa_flags)
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == UInt16(AF_INET),
                flags & Int32(IFF_UP) != 0, flags & Int32(IFF_LOOPBACK) == 0
            else { continue }
            let octets = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer -> [UInt8] in
                var addr = pointer.pointee.sin_addr
                return withUnsafeBytes(of: &addr) { Array($0) }
            }
            return IPAddress(octets: octets)
        }
        return nil
    }
}

/// A CIDR such as `10.96.0.0/12`.
public struct CIDR: Sendable, Hashable {
    public let network: IPAddress
    public let prefixLength: Int

    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])), let prefix = Int(parts[1]),
            prefix >= 0, prefix <= address.octets.count * 8
        else { throw PKIError.invalidCIDR(text) }
        var octets = address.octets
        for bit in prefix..<(octets.count * 8) { octets[bit / 8] &= ~(0x80 >> UInt8(bit % 8)) }
        network = IPAddress(octets: octets)!
        prefixLength = prefix
    }

    /// The address at `index` inside the range: index 1 is the API server's service VIP.
    public func address(at index: Int) throws -> IPAddress {
        let hostBits = network.octets.count * 8 - prefixLength
        guard hostBits >= 63 || index < (1 << hostBits) else {
            throw PKIError.invalidCIDR("\(network)/\(prefixLength) has no address at index \(index)")
        }
        var octets = network.octets
        var carry = index
        for position in stride(from: octets.count - 1, through: 0, by: -1) where carry > 0 {
            let sum = Int(octets[position]) + (carry & 0xff)
            octets[position] = UInt8(sum & 0xff)
            carry = (carry >> 8) + (sum >> 8)
        }
        return IPAddress(octets: octets)!
    }
}

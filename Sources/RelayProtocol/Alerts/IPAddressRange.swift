import Foundation

/// The kind of network an IP address belongs to, so that an alert webhook
/// never becomes a way to reach the relay's own machine or private network.
public enum IPAddressRange: String, Hashable, Sendable {
    /// 127.0.0.0/8, ::1.
    case loopback
    /// 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier NAT), fc00::/7.
    case `private`
    /// 169.254/16, fe80::/10.
    case linkLocal = "link-local"
    /// 0/8, 224/4 and above, ::, multicast, documentation and other reserved ranges.
    case reserved
    /// Anything else.
    case `public`

    /// The range of a textual IPv4 or IPv6 address, or nil when `text` is not one (a host name).
    public static func classify(literal text: String) -> IPAddressRange? {
        if let v4 = ipv4(text) { return classify(v4: v4) }
        if let v6 = ipv6(text) { return classify(v6: v6) }
        return nil
    }

    /// The range of an IPv4 address given as four bytes.
    public static func classify(v4 b: [UInt8]) -> IPAddressRange {
        switch (b[0], b[1]) {
        case (127, _): return .loopback
        case (10, _), (192, 168): return .private
        case (172, 16...31): return .private
        case (100, 64...127): return .private
        case (169, 254): return .linkLocal
        case (0, _), (224...255, _): return .reserved
        case (192, 0) where b[2] == 0 || b[2] == 2: return .reserved
        case (198, 18...19): return .reserved
        case (198, 51) where b[2] == 100, (203, 0) where b[2] == 113: return .reserved
        default: return .public
        }
    }

    /// The range of an IPv6 address given as sixteen bytes.
    public static func classify(v6 b: [UInt8]) -> IPAddressRange {
        if b[0..<15].allSatisfy({ $0 == 0 }) { return b[15] == 1 ? .loopback : .reserved }
        // IPv4-mapped ::ffff:a.b.c.d and the NAT64 well-known prefix carry an IPv4 address.
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return classify(v4: Array(b[12..<16])) }
        if b[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return classify(v4: Array(b[12..<16])) }
        if b[0] & 0xFE == 0xFC { return .private }
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return .linkLocal }
        if b[0] == 0xFF { return .reserved }
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return .reserved }  // documentation
        return .public
    }

    /// Four bytes of a dotted-quad IPv4 address, or nil.
    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let n = UInt8(part) else { return nil }
            out.append(n)
        }
        return out
    }

    /// Sixteen bytes of an IPv6 address (with `::` and an optional dotted tail), or nil.
    static func ipv6(_ text: String) -> [UInt8]? {
        guard text.contains(":"), text.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        var tail: [UInt8] = []
        var head = Substring(text)
        if let lastColon = text.lastIndex(of: ":"), text[lastColon...].contains(".") {
            guard let v4 = ipv4(String(text[text.index(after: lastColon)...])) else { return nil }
            tail = v4
            head = text[...lastColon]
            if head.hasSuffix(":") && !head.hasSuffix("::") { head = head.dropLast() }
        }
        let halves = head.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ s: String) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            for g in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard !g.isEmpty, g.count <= 4, let n = UInt16(g, radix: 16) else { return nil }
                out.append(n)
            }
            return out
        }
        guard let left = groups(halves[0]) else { return nil }
        let right = halves.count == 2 ? groups(halves[1]) : []
        guard let right else { return nil }
        let tailGroups = tail.count / 2
        let total = left.count + right.count + tailGroups
        if halves.count == 2 { guard total < 8 else { return nil } } else { guard total == 8 else { return nil } }
        let middle = [UInt16](repeating: 0, count: 8 - total)
        var bytes: [UInt8] = []
        for g in left + middle + right { bytes += [UInt8(g >> 8), UInt8(g & 0xFF)] }
        return bytes + tail
    }
}

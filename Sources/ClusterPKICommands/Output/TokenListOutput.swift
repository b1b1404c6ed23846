import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation

/// `kubeadm token list` output, byte for byte: the text table and the `output.kubeadm.k8s.io/v1alpha3` JSON objects.
enum TokenListOutput {
    /// The text table: header and first row share one tabwriter flush, later rows are flushed one by one, as kubeadm's
    /// printer creates a new tabwriter (min width 10, padding 3, spaces) for every token.
    static func text(_ tokens: [BootstrapToken], now: Date) -> String {
        let header = ["TOKEN", "TTL", "EXPIRES", "USAGES", "DESCRIPTION", "EXTRA GROUPS"]
        var out = ""
        for (index, token) in tokens.enumerated() {
            let row = cells(token, now: now)
            out += TabWriter.render(index == 0 ? [header, row] : [row])
        }
        return out
    }

    /// One pretty-printed JSON object per token (Go's `json.MarshalIndent` with four spaces), each followed by a newline.
    static func json(_ tokens: [BootstrapToken]) -> String {
        tokens.map { token in
            var fields: [(String, String)] = [
                ("kind", goJSON("BootstrapToken")), ("apiVersion", goJSON("output.kubeadm.k8s.io/v1alpha3")),
                ("token", goJSON(token.token.token)),
            ]
            if !token.description.isEmpty { fields.append(("description", goJSON(token.description))) }
            if let expires = token.expires { fields.append(("expires", goJSON(RFC3339.format(expires)))) }
            if !token.usages.isEmpty { fields.append(("usages", array(token.usages.map(\.rawValue)))) }
            if !token.groups.isEmpty { fields.append(("groups", array(token.groups))) }
            // clusterpki's extension, present only for tokens created with --max-uses.
            if let maxUses = token.maxUses { fields.append(("maxUses", "\(maxUses)")) }
            if let usesLeft = token.usesLeft { fields.append(("usesLeft", "\(usesLeft)")) }
            let body = fields.map { "    \(goJSON($0.0)): \($0.1)" }.joined(separator: ",\n")
            return "{\n\(body)\n}\n"
        }.joined()
    }

    static func cells(_ token: BootstrapToken, now: Date) -> [String] {
        var ttl = "<forever>"
        var expires = "<never>"
        if let date = token.expires {
            ttl = HumanDuration.short(seconds: date.timeIntervalSince(now))
            expires = RFC3339.format(date)
        }
        let usages = token.usages.isEmpty ? "<none>" : token.usages.map(\.rawValue).joined(separator: ",")
        let description = token.description.isEmpty ? "<none>" : token.description
        let groups = token.groups.isEmpty ? "<none>" : token.groups.joined(separator: ",")
        return [
            token.token.token, TabWriter.pad(ttl, 9), expires, TabWriter.pad(usages, 22),
            TabWriter.pad(description, 56), groups,
        ]
    }

    static func array(_ values: [String]) -> String {
        "[\n" + values.map { "        \(goJSON($0))" }.joined(separator: ",\n") + "\n    ]"
    }

    /// A JSON string escaped like Go's `encoding/json` (HTML-safe: `<`, `>`, `&` as `\u003c`…).
    static func goJSON(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "<", ">", "&", "\u{2028}", "\u{2029}": out += String(format: "\\u%04x", scalar.value)
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

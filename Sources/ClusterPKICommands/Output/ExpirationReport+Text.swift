import ClusterPKICore

extension ExpirationReport {
    /// kubeadm's two tables.
    func text() -> String {
        var first = [["CERTIFICATE", "EXPIRES", "RESIDUAL TIME", "CERTIFICATE AUTHORITY", "EXTERNALLY MANAGED"]]
        for entry in certificates {
            first.append(
                entry.missing
                    ? ["!MISSING! \(entry.name)", "", "", "", ""]
                    : [
                        entry.name, Self.expiresFormat(entry.expirationDate!),
                        HumanDuration.short(seconds: Double(entry.residualTime)),
                        entry.caName ?? "", Self.managed(entry.externallyManaged),
                    ])
        }
        var second = [["CERTIFICATE AUTHORITY", "EXPIRES", "RESIDUAL TIME", "EXTERNALLY MANAGED"]]
        for entry in certificateAuthorities {
            second.append(
                entry.missing
                    ? ["!MISSING! \(entry.name)", "", "", ""]
                    : [
                        entry.name, Self.expiresFormat(entry.expirationDate!),
                        HumanDuration.short(seconds: Double(entry.residualTime)),
                        Self.managed(entry.externallyManaged),
                    ])
        }
        return TabWriter.render(first) + "\n" + TabWriter.render(second)
    }

    static func managed(_ value: Bool) -> String {
        (value ? "yes" : "no").padding(toLength: 8, withPad: " ", startingAt: 0)
    }
}

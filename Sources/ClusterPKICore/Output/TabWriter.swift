/// Go's text/tabwriter as kubeadm configures it: min width 10, padding 3, spaces; the last cell is not padded.
public enum TabWriter {
    public static func render(_ rows: [[String]], minWidth: Int = 10, padding: Int = 3) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() where index < row.count - 1 {
                widths[index] = max(widths[index], max(cell.count + padding, minWidth))
            }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}

/// apimachinery's `duration.ShortHumanDuration`.
public enum HumanDuration {
    public static func short(seconds: Double) -> String {
        let s = Int(seconds)  // Go truncates toward zero before comparing
        if s < -1 { return "<invalid>" }
        if s < 0 { return "0s" }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        let hours = s / 3600
        if hours < 24 { return "\(hours)h" }
        if hours < 24 * 365 { return "\(hours / 24)d" }
        return "\(hours / 24 / 365)y"
    }
}

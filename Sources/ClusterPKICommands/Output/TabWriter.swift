import ClusterPKICore

/// Go's text/tabwriter as kubeadm configures it: min width 10, padding 3, spaces; the last cell is not padded.
///
/// Widths count Unicode scalars, as Go counts runes. Every cell is escaped with `goEscape` first, so a value with a
/// newline or a tab (a client name, an organization) cannot add a row or shift a column.
enum TabWriter {
    static func render(_ rows: [[String]], minWidth: Int = 10, padding: Int = 3) -> String {
        let rows = rows.map { $0.map(goEscape) }
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() where index < row.count - 1 {
                widths[index] = max(widths[index], max(cell.unicodeScalars.count + padding, minWidth))
            }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in index == row.count - 1 ? cell : pad(cell, widths[index]) }.joined()
        }.joined(separator: "\n") + "\n"
    }

    /// Go's `fmt.Sprintf("%-Ns")`: pads to N runes.
    static func pad(_ text: String, _ width: Int) -> String {
        let count = text.unicodeScalars.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }
}

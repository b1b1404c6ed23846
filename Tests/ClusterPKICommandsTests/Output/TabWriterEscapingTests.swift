import Testing

@testable import ClusterPKICommands

/// A name with a newline got into `kubeconfig list` and split its row (issue 13); cells are escaped now.
@Suite struct TabWriterEscapingTests {
    @Test func cellsCannotAddRowsOrColumns() {
        let table = TabWriter.render([["NAME", "GROUPS"], ["system:node:n6\ncritical FORGED", "a\tb"]])
        #expect(table == "NAME                              GROUPS\nsystem:node:n6\\ncritical FORGED   a\\tb\n")
        #expect(table.split(separator: "\n").count == 2)
    }
}

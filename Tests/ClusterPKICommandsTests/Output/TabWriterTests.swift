import Testing

@testable import ClusterPKICommands

@Suite struct TabWriterTests {
    @Test func padsColumnsToWidestCellPlusThreeWithMinimumTen() {
        let text = TabWriter.render([["A", "LONGER HEADER", "LAST"], ["abcdefghijkl", "x", "tail"]])
        #expect(text == "A              LONGER HEADER   LAST\nabcdefghijkl   x               tail\n")
    }

    @Test func lastCellIsNotPadded() {
        #expect(TabWriter.render([["a", "b"]]) == "a         b\n")
    }
}

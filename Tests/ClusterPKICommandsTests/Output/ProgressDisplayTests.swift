import ClusterPKICore
import Testing

@testable import ClusterPKICommands

/// The progress counter: `[phase] done/total item`, shown only on a terminal and never with --quiet.
@Suite struct ProgressDisplayTests {
    @Test func counterText() {
        #expect(
            ProgressDisplay.text(WorkProgress(phase: "renew", done: 3, total: 11, item: "apiserver"))
                == "[renew] 3/11 apiserver")
        #expect(
            ProgressDisplay.text(WorkProgress(phase: "join", done: 1, total: 4, item: "downloading"))
                == "[join] 1/4 downloading")
    }

    @Test(arguments: [(false, true, true), (true, true, false), (false, false, false), (true, false, false)])
    func shownOnlyOnATerminalWithoutQuiet(_ quiet: Bool, _ terminal: Bool, _ shown: Bool) {
        #expect(ProgressDisplay(quiet: quiet, isTerminal: terminal).enabled == shown)
    }
}

import ClusterPKICore
import Foundation
import Synchronization

/// The progress counter of a long command (`[renew] 3/11 apiserver`), redrawn in place on standard error when that is
/// a terminal; silent with `--quiet` or when standard error goes to a log or a pipe, where it would only be noise.
/// The kubeadm-style phase lines on standard output are printed either way (``line(_:)`` keeps them off the counter).
final class ProgressDisplay: Sendable {
    let enabled: Bool
    /// The counter on screen now, if any.
    private let shown = Mutex<String?>(nil)

    /// `quiet` is the command's `--quiet`; `isTerminal` whether standard error is a terminal.
    init(quiet: Bool, isTerminal: Bool = isatty(STDERR_FILENO) != 0) {
        enabled = !quiet && isTerminal
    }

    /// The counter's text for `progress`.
    static func text(_ progress: WorkProgress) -> String {
        "[\(progress.phase)] \(progress.done)/\(progress.total) \(progress.item)"
    }

    /// Redraws the counter; clears it when the work is done.
    var sink: WorkProgress.Sink {
        guard enabled else { return WorkProgress.ignore }
        return { [self] progress in
            let text = progress.done >= progress.total ? nil : Self.text(progress)
            shown.withLock { shown in
                shown = text
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + (text ?? "")).utf8))
            }
        }
    }

    /// A phase line on standard output, with the counter taken off the screen and drawn again below it.
    func line(_ text: String) {
        shown.withLock { shown in
            if enabled && shown != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            print(text)
            fflush(nil)  // all streams: `stdout` itself is a global Swift 6 will not touch
            if enabled, let shown { FileHandle.standardError.write(Data(shown.utf8)) }
        }
    }

    /// Clears a counter left on the line (before an error or the summary is printed).
    func clear() {
        shown.withLock { shown in
            if enabled && shown != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            shown = nil
        }
    }
}

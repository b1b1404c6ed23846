import ClusterPKICore
import Testing

/// `goQuote` against Go's `fmt.Sprintf("%q", s)` output (Go 1.22), and `goEscape` for log lines and tables.
@Suite struct GoQuoteTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("say \"hi\"", #"say \"hi\""#),
        (#"back\slash"#, #"back\\slash"#),
        ("a\nb\rc\td", #"a\nb\rc\td"#),
        ("\u{07}\u{08}\u{0C}\u{0B}", #"\a\b\f\v"#),
        ("nul\u{00}esc\u{1B}del\u{7F}", #"nul\x00esc\x1bdel\x7f"#),
        ("c1\u{85}nbsp\u{A0}", #"c1\u0085nbsp\u00a0"#),
        ("ls\u{2028}rlo\u{202E}", #"ls\u2028rlo\u202e"#),
        ("système:nœud 日本 ✓", "système:nœud 日本 ✓"),
        ("private\u{F0000}", #"private\U000f0000"#),
    ])
    func quotesLikeGo(_ input: String, _ inner: String) {
        #expect(goQuote(input) == "\"" + inner + "\"")
    }

    @Test func escapingKeepsAValueOnOneLineWithoutQuotes() {
        let forged = "eve\n2026-01-01T00:00:00Z critical clusterpki.serve: FORGED \"LINE\""
        let escaped = goEscape(forged)
        #expect(escaped == #"eve\n2026-01-01T00:00:00Z critical clusterpki.serve: FORGED "LINE""#)
        #expect(!escaped.unicodeScalars.contains { $0.properties.generalCategory == .control })
        // A literal backslash-n in the input stays distinguishable from an escaped newline.
        #expect(goEscape(#"a\nb"#) == #"a\\nb"#)
    }
}

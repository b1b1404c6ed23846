/// The served routes by path template, to tell a wrong method on a known path (405 with `Allow`) from a path that
/// does not exist (404): Hummingbird's router answers both with 404.
struct RouteTable: Sendable {
    private let entries: [(segments: [Substring], method: String)]

    init(_ routes: [RouteDescription]) {
        entries = routes.map { (Self.segments($0.path), $0.method) }
    }

    /// The methods served on `path`, sorted; empty when no route template matches it.
    func allowedMethods(for path: String) -> [String] {
        let requested = Self.segments(path)
        var methods = Set<String>()
        for entry in entries where entry.segments.count == requested.count {
            let matches = zip(entry.segments, requested).allSatisfy { template, segment in
                template == segment || (template.hasPrefix("{") && template.hasSuffix("}") && !segment.isEmpty)
            }
            if matches { methods.insert(entry.method) }
        }
        return methods.sorted()
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: false)
    }
}

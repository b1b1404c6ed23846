import ArgumentParser

/// The backend `--store` names: `sqlite:PATH` or `etcd://HOST:PORT[,HOST:PORT...]` (no endpoints: those of `--config`).
enum StoreSelection: Sendable, Hashable {
    case sqlite(path: String)
    case etcd(endpoints: [String])

    /// Parses `--store`; without it the store is the SQLite file `db` (`--db`, its shorthand).
    init(parsing text: String?, db: String) throws {
        guard let text else {
            self = .sqlite(path: db)
            return
        }
        if text.hasPrefix("etcd://") {
            let list = text.dropFirst("etcd://".count)
            self = .etcd(endpoints: list.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
        } else if text.hasPrefix("sqlite:") {
            var path = Substring(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = path.dropFirst(2) }
            guard !path.isEmpty else {
                throw ValidationError("--store sqlite: needs a path, e.g. sqlite:/var/lib/clusterpki/state.db")
            }
            self = .sqlite(path: String(path))
        } else {
            throw ValidationError(
                "--store \(text) is not a store; use sqlite:PATH or etcd://HOST:PORT[,HOST:PORT...] (etcd:// alone: the endpoints of --config)"
            )
        }
    }

    var isEtcd: Bool {
        if case .etcd = self { return true }
        return false
    }
}

import ClusterPKICore
import Foundation

extension HealthCheck {
    /// Private keys, kubeconfig files (they embed keys), the state database and its key are 0600 or stricter; the
    /// certificate directories are 0700 or stricter.
    func fileModeFindings() -> [HealthFinding] {
        let pki = context.directory.root
        var files = Self.keyFiles(in: pki)
        files += context.policy.kubeconfigs.map { context.settings.kubernetesDir.appendingPathComponent($0.file) }
        let directories = [pki] + Self.subdirectories(of: pki)
        switch state {
        case .opened(_, let database, let key), .keyMissing(let database, let key), .unusable(let database, let key, _):
            // A backend without a file (etcd) names itself with something that is not an absolute path. The database's
            // directory may be shared (/var/lib): its file is 0600, and SQLite gives its -wal and -shm files that mode.
            files += [database, key].filter { $0.hasPrefix("/") }.map(URL.init(fileURLWithPath:))
        case .absent:
            break
        }
        var findings: [HealthFinding] = []
        var checked = 0
        for (urls, severity, mode, why) in [
            (files, HealthSeverity.error, "600", "others on this node can read a private key"),
            (directories, .warning, "700", "others on this node can list it"),
        ] {
            for url in Set(urls.map(\.standardizedFileURL)).sorted(by: { $0.path < $1.path }) {
                guard let bits = FileMode.of(url) else { continue }
                checked += 1
                guard bits & 0o077 != 0 else { continue }
                findings.append(
                    HealthFinding(
                        .fileModes, severity, display(url), "has mode \(Self.octal(bits)): \(why)",
                        fix: "chmod \(mode) \(FixCommands.quoted(url.path))"))
            }
        }
        if findings.isEmpty {
            findings.append(
                HealthFinding(
                    .fileModes, .ok, "", "\(checked) private files are 0600 and their directories 0700 (or stricter)"))
        }
        return findings
    }

    /// Every `*.key` under the certificate directory, one level of subdirectories deep (`etcd/`).
    static func keyFiles(in root: URL) -> [URL] {
        ([root] + subdirectories(of: root)).flatMap { directory in
            ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
                .filter { $0.hasSuffix(".key") }.map { directory.appendingPathComponent($0) }
        }
    }

    static func subdirectories(of root: URL) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted().compactMap { name in
            guard !name.hasPrefix(".") else { return nil }  // FileTransaction's staging directories come and go
            var isDirectory: ObjCBool = false
            let url = root.appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
                ? url : nil
        }
    }

    static func octal(_ mode: UInt32) -> String { String(format: "%04o", mode) }
}

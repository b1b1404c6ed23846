/// KubeConfig(yaml:path:): a kubeconfig that loads must write YAML that loads back to the same value.
func fuzz(_ data: [UInt8]) {
    guard let config = try? KubeConfig(yaml: text(data), path: "fuzz.conf") else { return }
    guard let written = try? config.yaml() else { return }
    let reread = try? KubeConfig(yaml: written, path: "rewritten.conf")
    require(reread == config, "the written kubeconfig reads back differently:\n\(written)")
}

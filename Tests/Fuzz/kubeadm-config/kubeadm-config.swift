import Foundation

/// KubeadmConfigFile(yaml:): kubeadm's InitConfiguration/ClusterConfiguration documents, applied to settings.
func fuzz(_ data: [UInt8]) {
    guard let file = try? KubeadmConfigFile(yaml: text(data), path: "fuzz.yaml") else { return }
    var settings = ClusterSettings(kubernetesDir: URL(fileURLWithPath: "/fuzz"))
    file.apply(to: &settings)
    _ = file.warning
}

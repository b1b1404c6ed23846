/// The shipped policies (`policies/kubeadm.yaml`, `policies/hardened.yaml`) compiled into the binary by the
/// EmbedPolicies build-tool plugin, so `--policy kubeadm` works with no file around the executable. A file found by
/// ``PolicyLocator`` still wins over the embedded copy.
public enum EmbeddedPolicies {
    /// The names compiled in, sorted.
    public static var names: [String] { texts.keys.sorted() }

    /// The exact text of the shipped policy file `name`, or `nil` if none is compiled in.
    public static func text(named name: String) -> String? { texts[name] }
}

/// The routes both ends of the wire use, as paths (`{name}` placeholders where `openapi.yaml` has them).
public enum APIPaths {
    public static let clusterPKIGroup = "clusterpki.io"
    public static let clusterPKIGroupVersion = "clusterpki.io/v1alpha1"
    public static let certificatesGroup = "certificates.k8s.io"

    /// `kube-public/cluster-info`, read anonymously by token discovery.
    public static let clusterInfo = "/api/v1/namespaces/kube-public/configmaps/cluster-info"
    /// `kube-system/kubeadm-certs`, the sealed shared certificates a joining control-plane node downloads.
    public static let kubeadmCerts = "/api/v1/namespaces/kube-system/secrets/kubeadm-certs"
    /// CertificateSigningRequests (collection).
    public static let certificateSigningRequests = "/apis/certificates.k8s.io/v1/certificatesigningrequests"
    /// One CertificateSigningRequest.
    public static func certificateSigningRequest(_ name: String) -> String { certificateSigningRequests + "/" + name }
    /// Minting a user kubeconfig (admins).
    public static let userKubeconfigs = "/apis/clusterpki.io/v1alpha1/userkubeconfigs"
    /// Uploading the shared certificates (admins).
    public static let certificateUploads = "/apis/clusterpki.io/v1alpha1/certificateuploads"
    /// Reporting client certificates a joining control-plane node minted, for the ledger.
    public static let issuedCredentials = "/apis/clusterpki.io/v1alpha1/issuedcredentials"
}

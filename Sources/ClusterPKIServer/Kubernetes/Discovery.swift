import ClusterPKIAPI
import Foundation

/// The discovery and OpenAPI documents kubectl needs before it sends a request (kubectl-compat notes §2, §4).
enum Discovery {
    static let version =
        #"{"major":"1","minor":"32","gitVersion":"v1.32.0","gitCommit":"clusterpki","gitTreeState":"clean","buildDate":"1970-01-01T00:00:00Z","goVersion":"n/a","compiler":"swift","platform":"linux/amd64"}"#

    static let apiVersions =
        #"{"kind":"APIVersions","apiVersion":"v1","versions":["v1"],"serverAddressByClientCIDRs":null}"#

    static let apiGroupList =
        #"{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"certificates.k8s.io","versions":[{"groupVersion":"certificates.k8s.io/v1","version":"v1"}],"preferredVersion":{"groupVersion":"certificates.k8s.io/v1","version":"v1"}},{"name":"clusterpki.io","versions":[{"groupVersion":"clusterpki.io/v1alpha1","version":"v1alpha1"}],"preferredVersion":{"groupVersion":"clusterpki.io/v1alpha1","version":"v1alpha1"}}]}"#

    static let coreV1 =
        #"{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[{"name":"configmaps","singularName":"configmap","namespaced":true,"kind":"ConfigMap","verbs":["get"],"shortNames":["cm"]},{"name":"namespaces","singularName":"namespace","namespaced":false,"kind":"Namespace","verbs":["get"],"shortNames":["ns"]},{"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret","verbs":["create","delete","get","list"]}]}"#

    static let certificatesV1 =
        #"{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"certificates.k8s.io/v1","resources":[{"name":"certificatesigningrequests","singularName":"certificatesigningrequest","namespaced":false,"kind":"CertificateSigningRequest","verbs":["create","delete","get","list","watch"],"shortNames":["csr"]},{"name":"certificatesigningrequests/approval","singularName":"","namespaced":false,"kind":"CertificateSigningRequest","verbs":["update"]}]}"#

    static let clusterPKIV1Alpha1 =
        #"{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"clusterpki.io/v1alpha1","resources":[{"name":"userkubeconfigs","singularName":"userkubeconfig","namespaced":false,"kind":"UserKubeconfig","verbs":["create"]},{"name":"certificateuploads","singularName":"certificateupload","namespaced":false,"kind":"CertificateUpload","verbs":["create"]},{"name":"issuedcredentials","singularName":"issuedcredential","namespaced":false,"kind":"IssuedCredential","verbs":["create"]}]}"#

    static let openAPIRoot =
        #"{"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1"},"apis/certificates.k8s.io/v1":{"serverRelativeURL":"/openapi/v3/apis/certificates.k8s.io/v1"},"apis/clusterpki.io/v1alpha1":{"serverRelativeURL":"/openapi/v3/apis/clusterpki.io/v1alpha1"}}}"#

    /// A group-version document whose `patch` operations carry the GVK and declare `fieldValidation`: what kubectl's
    /// strict validation looks for before it lets the server validate.
    static func openAPIGroupVersion(group: String, version: String, kinds: [(path: String, kind: String)]) -> String {
        let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        let paths = kinds.map { entry in
            #""\#(prefix)\#(entry.path)":{"patch":{"x-kubernetes-group-version-kind":{"group":"\#(group)","version":"\#(version)","kind":"\#(entry.kind)"},"parameters":[{"name":"fieldValidation","in":"query","schema":{"type":"string"}}],"responses":{"200":{"description":"OK"}}}}"#
        }
        let title = group.isEmpty ? "core" : group
        return
            #"{"openapi":"3.0.0","info":{"title":"clusterpki \#(title)","version":"\#(version)"},"paths":{\#(paths.joined(separator: ","))}}"#
    }

    static let openAPICoreV1 = openAPIGroupVersion(
        group: "", version: "v1",
        kinds: [
            ("/namespaces/{namespace}/secrets/{name}", "Secret"),
            ("/namespaces/{namespace}/configmaps/{name}", "ConfigMap"),
            ("/namespaces/{name}", "Namespace"),
        ])
    static let openAPICertificatesV1 = openAPIGroupVersion(
        group: "certificates.k8s.io", version: "v1",
        kinds: [
            ("/certificatesigningrequests/{name}", "CertificateSigningRequest"),
            ("/certificatesigningrequests/{name}/approval", "CertificateSigningRequest"),
        ])
    static let openAPIClusterPKIV1Alpha1 = openAPIGroupVersion(
        group: "clusterpki.io", version: "v1alpha1",
        kinds: [
            ("/userkubeconfigs/{name}", "UserKubeconfig"), ("/certificateuploads/{name}", "CertificateUpload"),
            ("/issuedcredentials/{name}", "IssuedCredential"),
        ])
}

/// PKIPolicy(yaml:): any input is a policy or a PKIError, never a crash.
func fuzz(_ data: [UInt8]) {
    _ = try? PKIPolicy(yaml: text(data), source: "fuzz.yaml")
}

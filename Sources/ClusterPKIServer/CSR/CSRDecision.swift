/// The verdict on a CSR: approve with what is to be signed, deny with the condition's reason and message, or leave it
/// pending for an admin (no condition; the reason and message go to the log and the audit event).
public enum CSRDecision: Sendable, Equatable {
    case approve(SigningPlan)
    case deny(reason: String, message: String)
    case pending(reason: String, message: String)

    public var isApproved: Bool { if case .approve = self { return true } else { return false } }

    public var isPending: Bool { if case .pending = self { return true } else { return false } }

    /// The condition's reason: `AutoApproved`, or why the CSR was denied or left pending.
    public var reason: String {
        switch self {
        case .approve: return "AutoApproved"
        case .deny(let reason, _), .pending(let reason, _): return reason
        }
    }

    /// The condition's message.
    public var message: String {
        switch self {
        case .approve(let plan): return plan.message
        case .deny(_, let message), .pending(_, let message): return message
        }
    }

    /// What to sign, when approved.
    public var plan: SigningPlan? { if case .approve(let plan) = self { return plan } else { return nil } }
}

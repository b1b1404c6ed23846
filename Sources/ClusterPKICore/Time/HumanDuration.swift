/// apimachinery's `duration.ShortHumanDuration`.
public enum HumanDuration {
    public static func short(seconds: Double) -> String {
        let s = Int(seconds)  // Go truncates toward zero before comparing
        if s < -1 { return "<invalid>" }
        if s < 0 { return "0s" }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        let hours = s / 3600
        if hours < 24 { return "\(hours)h" }
        if hours < 24 * 365 { return "\(hours / 24)d" }
        return "\(hours / 24 / 365)y"
    }
}

extension BoundExpression {
    /// A number as messages show it: integers without ".0", infinities as ∞, others in
    /// Swift's shortest round-tripping form.
    static func format(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "∞" : "-∞" }
        if x == x.rounded(), Swift.abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    /// As ``format(_:)``, parenthesized when negative so that "(-8)^0.5" reads right.
    static func formatOperand(_ x: Double) -> String {
        let text = format(x)
        return text.hasPrefix("-") ? "(\(text))" : text
    }
}

/// Size limits for expressions, so that a hostile or mistaken problem file cannot make the
/// compiler recurse deeply or spend unbounded time.
public struct ExpressionLimits: Sendable, Equatable {
    /// Longest accepted text, in `Character`s.
    public var maxLength: Int
    /// Deepest accepted nesting: each open parenthesis, function call, sign (`-x`), `not`
    /// and `^` (whose right side nests: `2^3^2`) counts one level. A flat chain such as
    /// `a + b + c + …` is one level however long, so long sums are never rejected.
    /// Values above ``hardMaxDepth`` are treated as ``hardMaxDepth``.
    public var maxDepth: Int

    /// The ceiling on ``maxDepth``: the parser recurses a few frames per level, and this keeps
    /// that far from any thread's stack size whatever a caller configures.
    public static let hardMaxDepth = 256

    public init(maxLength: Int = 1000, maxDepth: Int = 32) {
        self.maxLength = maxLength
        self.maxDepth = maxDepth
    }

    public static let `default` = ExpressionLimits()

    /// The depth actually enforced.
    var effectiveMaxDepth: Int { min(max(0, maxDepth), Self.hardMaxDepth) }
}

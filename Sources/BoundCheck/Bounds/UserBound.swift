/// A bound written in a problem file (`user-bounds`): an expression in K and the constants,
/// with `requires` conditions. Evaluated exactly like a catalog bound; its floor is its value
/// at K = +∞ (the expression language gives 1/∞ = 0 and r^∞ = 0 for 0 ≤ r < 1).
///
/// Kind: user. Source: the problem file and line.
public struct UserBound: Bound {
    public let spec: UserBoundSpec
    public let expression: BoundExpression
    public let requirements: [(text: String, expression: BoundExpression)]

    public init(_ spec: UserBoundSpec) throws {
        self.spec = spec
        do {
            let variables = SpecBuilder.boundVariables.union(spec.extraVariables)
            expression = try BoundExpression(spec.expression, allowedVariables: variables, expecting: .number)
            requirements = try spec.requires.map {
                ($0.text, try BoundExpression($0.text, allowedVariables: variables.subtracting(["K"]), expecting: .condition))
            }
        } catch {
            throw BoundError(bound: spec.id, message: "\(error)")
        }
    }

    public var id: String { spec.id }
    public var kind: BoundKind { .user }
    public var source: String {
        "\(spec.expressionPosition.file):\(spec.expressionPosition.line)" + (spec.description.isEmpty ? "" : " — \(spec.description)")
    }
    public var metric: Metric { spec.metric }
    public var formula: String { spec.expression }
    /// The assumptions whose constants the expression or its `requires` mention, and those its
    /// `relies-on` names (user assumptions among them).
    public var assumptions: Set<String> {
        ProbedAssumption.using(expression.variables.union(requirements.flatMap(\.expression.variables))).union(spec.reliesOn)
    }

    /// The kind the file's `method:` names (a method id is no kind: ``isChecked(on:)`` decides).
    public var provedFor: Set<MethodKind> { [MethodKind(rawValue: spec.method)] }

    public func concerns(_ method: MethodSpec) -> Bool {
        spec.method == method.id || spec.method == method.kind.rawValue
    }

    /// A user bound is checked on the method it names, by id or by kind.
    public func isChecked(on method: MethodSpec) -> Bool { concerns(method) }

    static func variables(_ c: BoundContext, K: Double) -> [String: Double] {
        var v = c.constants.values
        for p in c.methodSpec.expressionVariables(dimension: c.dimension) { v[p.name] = p.value }
        v["gamma"] = c.gamma
        v["beta"] = c.beta
        v["p"] = Double(c.workers)
        v["K"] = K
        return v
    }

    public func conditions(_ c: BoundContext) -> [BoundCondition] {
        zip(requirements, spec.requires).map { requirement, written in
            let position = written.position
            return BoundCondition(requirement.text, evaluationError: { c in
                do {
                    _ = try requirement.expression.holds(UserBound.variables(c, K: 1))
                    return nil
                } catch {
                    let offset = (error as? ExpressionError)?.offset ?? 0
                    return "\(error) (in requires '\(requirement.text)' of bound \(self.spec.id) at \(position.file):\(position.line):\(position.column + offset))"
                }
            }) { c in
                (try? requirement.expression.holds(UserBound.variables(c, K: 1))) == true ? 1 : -1
            }
        }
    }

    public func value(_ c: BoundContext, K: Double) throws -> Double {
        do {
            return try expression.evaluate(Self.variables(c, K: K))
        } catch {
            throw BoundError(bound: id, message: "\(error) (in '\(spec.expression)' at \(spec.expressionPosition.file):\(spec.expressionPosition.line):\(spec.expressionPosition.column + error.offset))")
        }
    }
}

import Foundation

/// One axis of a sweep: the key path it varies and its values as written (flow YAML).
public struct SweepAxis: Codable, Sendable, Equatable {
    public var path: String
    public var values: [String]
}

/// Which cell of which sweep a spec is (nil for an ordinary problem file): the sweep's axes and
/// this cell's position on each, so that the reports can put the cells back into a grid.
public struct SweepCellInfo: Codable, Sendable, Equatable {
    /// The sweep's name (the problem file's `name`).
    public var sweep: String
    /// 0-based, in grid order (the last axis varies fastest).
    public var index: Int
    public var cells: Int
    public var axes: [SweepAxis]
    /// The index of this cell's value on each axis.
    public var coordinates: [Int]
    /// The hash of the sweep file's text (a cell's own spec hash also covers its values).
    public var fileHash: String = ""

    /// "methods[sgdm].beta = 0.1, oracle[0] = {top-k: {k: 4}}".
    public var assignments: String {
        zip(axes, coordinates).map { "\($0.path) = \($0.values[$1])" }.joined(separator: ", ")
    }
}

/// The substitution mechanism shared by `sweep:` and `search:`: key paths resolved in the
/// file's composed YAML tree, values put in their place, and the result built by the normal
/// builder, so that every cell (or search point) is checked exactly as a file written out by
/// hand would be.
struct SubstitutionBase {
    let root: Node
    let text: String
    let file: String
    let defaultName: String
    let loader: SpecLoader

    /// The file's tree without `sweep:` and `search:`.
    var base: Node { root.removingTopLevel(["sweep", "search"]) }

    /// The path's target in `base`, or a diagnostic at `at` (the sweep or search entry).
    func resolve(_ pathText: String, at node: Node, section: String) -> Result<(path: YAMLKeyPath, hops: [YAMLKeyPath.Hop]), Diagnostic> {
        let keyPath = "\(section).\(pathText)"
        switch YAMLKeyPath.parse(pathText) {
        case .failure(let error):
            return .failure(Diagnostic(file: file, line: node.mark.line, column: node.mark.column, keyPath: keyPath,
                                       message: "not a key path: \(error) (e.g. methods[0].beta, oracle[top-k].k, problem.spectrum.max)"))
        case .success(let path):
            switch path.resolve(in: base) {
            case .failure(let error):
                return .failure(Diagnostic(file: file, line: node.mark.line, column: node.mark.column, keyPath: keyPath,
                                           message: "the path names nothing in the file: \(error)"))
            case .success(let found):
                return .success((path, found.hops))
            }
        }
    }

    /// The base tree with every (hops, value) substituted.
    func substituted(_ values: [(hops: [YAMLKeyPath.Hop], value: Node)]) -> Node {
        values.reduce(base) { YAMLKeyPath.replacing($0, hops: $1.hops[...], with: $1.value) }
    }

    /// The spec of a substituted tree; its hash covers the file and `salt` (the cell or point).
    func build(_ tree: Node, salt: String) throws(SpecErrors) -> ExperimentSpec {
        try loader.build(tree, text: text, file: file, defaultName: defaultName,
                         specHash: SpecLoader.hash(text + "\u{0}" + salt))
    }

    /// Two paths may not name the same value, nor one lie inside the other.
    static func overlap(_ a: [YAMLKeyPath.Hop], _ b: [YAMLKeyPath.Hop]) -> Bool {
        let n = min(a.count, b.count)
        return Array(a.prefix(n)) == Array(b.prefix(n))
    }
}

extension SpecLoader {
    /// The most cells a sweep may have without `allowLarge`, and with it.
    public static let maximumSweepCells = 256
    public static let ceilingSweepCells = 10_000

    /// The specs of one problem file: the file's own, or one per cell when it has `sweep:`
    /// (docs/problem-files.md, "Sweeps"). Throws ``SpecErrors`` listing every problem.
    public func loadAll(path: String) throws -> [ExperimentSpec] {
        let (text, defaultName) = try read(path: path)
        return try loadAll(yaml: text, file: path, defaultName: defaultName)
    }

    public func loadAll(yaml text: String, file: String, defaultName: String = "experiment") throws -> [ExperimentSpec] {
        let root: Node?
        do { root = try YAMLComposer.compose(text, file: file, maximumNodes: YAMLReader.maximumNodes) } catch {
            throw SpecErrors([error.diagnostic])
        }
        guard let root, let sweep = root.mapping?["sweep"] else {
            return [try load(yaml: text, file: file, defaultName: defaultName)]
        }
        let base = SubstitutionBase(root: root, text: text, file: file, defaultName: defaultName, loader: self)
        // The file as written (its values standing in for the swept ones) must be valid itself.
        let written = try base.build(base.base, salt: "")
        let axes = try sweepAxes(sweep, base: base)
        let sizes = axes.map(\.values.count)
        let count = sizes.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        let cap = allowLarge ? Self.ceilingSweepCells : Self.maximumSweepCells
        if count > cap {
            throw SpecErrors([Diagnostic(file: file, line: sweep.mark.line, column: sweep.mark.column, keyPath: "sweep",
                                         message: "the sweep has \(count == Int.max ? "too many" : String(count)) cells (\(sizes.map(String.init).joined(separator: " × "))), over the limit of \(cap)\(allowLarge ? " (even with --allow-large)" : "; shorten the lists or pass --allow-large")")])
        }
        var specs: [ExperimentSpec] = []
        var problems: [(diagnostic: Diagnostic, cells: Int)] = []
        var work = 0.0
        for index in 0..<count {
            var coordinates: [Int] = []
            var rest = index
            for size in sizes.reversed() { coordinates.append(rest % size); rest /= size }
            coordinates.reverse()
            let info = SweepCellInfo(sweep: written.name, index: index, cells: count,
                                     axes: axes.map { SweepAxis(path: $0.path.description, values: $0.values.map(YAMLEmitter.flow)) },
                                     coordinates: coordinates, fileHash: Self.hash(text))
            let tree = base.substituted(zip(axes, coordinates).map { ($0.hops, $0.values[$1]) })
            do {
                var spec = try base.build(tree, salt: "sweep cell \(info.assignments)")
                spec.name = "\(written.name).cell\(index + 1)"
                spec.sweepCell = info
                let profile = quick ? spec.quick : spec.run
                work += ResourceLimits.work(problem: spec.problem, run: profile, methods: spec.methods.count)
                specs.append(spec)
            } catch {
                for d in error.diagnostics {
                    if let i = problems.firstIndex(where: { $0.diagnostic.line == d.line && $0.diagnostic.column == d.column && $0.diagnostic.message.hasPrefix(d.message) }) {
                        problems[i].cells += 1
                    } else {
                        var named = d
                        named.message += " (in sweep cell \(index + 1) of \(count): \(info.assignments))"
                        problems.append((named, 1))
                    }
                }
            }
        }
        if !problems.isEmpty {
            throw SpecErrors(problems.map { p in
                var d = p.diagnostic
                if p.cells > 1 { d.message += "; the same in \(p.cells - 1) other cell(s)" }
                return d
            })
        }
        if work > Self.maximumWork && !allowLarge {
            throw SpecErrors([Diagnostic(file: file, line: sweep.mark.line, column: sweep.mark.column, keyPath: "sweep",
                                         message: "the sweep's \(count) cells together ask for \(String(format: "%.2g", work)) coordinate-updates, over the limit of \(String(format: "%.2g", Self.maximumWork)) for one file; shorten the lists or the profile, or pass --allow-large")])
        }
        return specs
    }

    private struct ResolvedAxis {
        var path: YAMLKeyPath
        var hops: [YAMLKeyPath.Hop]
        var values: [Node]
    }

    /// The sweep's axes, in file order, every problem reported at its entry.
    private func sweepAxes(_ sweep: Node, base: SubstitutionBase) throws(SpecErrors) -> [ResolvedAxis] {
        let file = base.file
        func at(_ node: Node, _ keyPath: String, _ message: String) -> Diagnostic {
            Diagnostic(file: file, line: node.mark.line, column: node.mark.column, keyPath: keyPath, message: message)
        }
        guard case .mapping(let entries) = sweep, !entries.pairs.isEmpty else {
            throw SpecErrors([at(sweep, "sweep", "expected a mapping of key paths to lists of values (e.g. methods[0].beta: [0.1, 0.5]), found \(YAMLReader.describe(sweep))")])
        }
        var axes: [ResolvedAxis] = []
        var problems: [Diagnostic] = []
        for (keyNode, value) in entries.pairs {
            guard let key = keyNode.scalar?.string else {
                problems.append(at(keyNode, "sweep", "a sweep key must be a key path, found \(YAMLReader.describe(keyNode))"))
                continue
            }
            let resolved: (path: YAMLKeyPath, hops: [YAMLKeyPath.Hop])
            switch base.resolve(key, at: keyNode, section: "sweep") {
            case .failure(let d): problems.append(d); continue
            case .success(let r): resolved = r
            }
            guard case .sequence(let list) = value else {
                problems.append(at(value, "sweep.\(key)", "expected a list of values to sweep (e.g. [0.1, 0.5]), found \(YAMLReader.describe(value))"))
                continue
            }
            if list.items.isEmpty {
                problems.append(at(value, "sweep.\(key)", "an empty list: a sweep axis needs at least one value"))
                continue
            }
            if let other = axes.first(where: { SubstitutionBase.overlap($0.hops, resolved.hops) }) {
                problems.append(at(keyNode, "sweep.\(key)", "'\(key)' names the same value as '\(other.path)', or one lies inside the other; sweep each value once"))
                continue
            }
            axes.append(ResolvedAxis(path: resolved.path, hops: resolved.hops, values: list.items))
        }
        if !problems.isEmpty { throw SpecErrors(problems) }
        return axes
    }
}

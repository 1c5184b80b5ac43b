import Foundation
import Synchronization
import Testing
@testable import BoundCheck

/// The library's check pipeline (``CheckRun``): values in, values out, events in order, and the
/// same results however the work is split.
@Suite struct CheckRunTests {
    static let problem = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Problems/ef-sgd-single.yaml")

    static func prepared() throws -> [PreparedExperiment] {
        let specs = try ProblemFiles.load([problem.path], with: SpecLoader(quick: true))
        return try ProblemFiles.prepare(specs, quick: true)
    }

    static func request(jobs: Int, shard: Shard? = nil) -> CheckRequest {
        CheckRequest(settings: CheckSettings(quick: true, seeds: nil, confidence: nil, strict: false, only: nil),
                     jobs: jobs, shard: shard, commit: "c", toolchain: "t")
    }

    @Test("an unsharded run judges every problem file and tells its caller so, in order: began, ranAll, judged")
    func eventsAndOutcome() throws {
        let events = Mutex<[String]>([])
        let outcome = try CheckRun.run(try Self.prepared(), request: Self.request(jobs: 2), cache: nil, codeVersion: "") { event in
            switch event {
            case .began(let name): events.withLock { $0.append("began \(name)") }
            case .ranAll(let name): events.withLock { $0.append("ranAll \(name)") }
            case .judged(let result, let seconds): events.withLock { $0.append("judged \(result.name) \(seconds != nil)") }
            case .progress, .damagedCacheEntry, .resumed: break
            }
        }
        guard case .reports(let pages) = outcome else { Issue.record("expected reports, got a shard"); return }
        #expect(pages.map(\.result.name) == ["ef-sgd-single"])
        #expect(pages[0].provenance.commit == "c" && pages[0].provenance.toolchain == "t")
        #expect(events.withLock { $0 } == ["began ef-sgd-single", "ranAll ef-sgd-single", "judged ef-sgd-single true"])
    }

    @Test("two shards merged and judged give the results of one run, with any number of threads")
    func shardsMergeToOneRun() throws {
        let prepared = try Self.prepared()
        guard case .reports(let whole) = try CheckRun.run(prepared, request: Self.request(jobs: 1), cache: nil, codeVersion: "", events: { _ in })
        else { Issue.record("expected reports"); return }
        var shards: [(file: String, contents: ShardFile)] = []
        for index in 1...2 {
            let shard = try Shard(index: index, count: 2)
            guard case .shard(let file, _) = try CheckRun.run(prepared, request: Self.request(jobs: 2, shard: shard), cache: nil,
                                                              codeVersion: "v", events: { _ in })
            else { Issue.record("expected a shard"); return }
            shards.append((file: "shard-\(index)", contents: file))
        }
        let merged = try MergedRun.merge(shards, loader: SpecLoader(quick: true))
        let pages = try CheckRun.judge(merged, commit: "c", toolchain: "t", events: { _ in })
        #expect(pages.map(\.result) == whole.map(\.result))
    }
}

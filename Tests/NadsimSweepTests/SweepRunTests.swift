import Foundation
import Testing
@testable import NadsimSweep

/// Determinism, sharding and resuming: the files a sweep writes depend on its inputs only.
@Suite("sweep runs")
struct SweepRunTests {
  @Test func outputIsByteIdenticalWhateverTheThreadCount() throws {
    let plan = try SweepFixture.plan(axes: ["dose=50mg,100mg,200mg", "body_weight=50,90"], population: 6, trajectories: true)
    let one = try SweepFixture.run(plan, jobs: 1)
    let three = try SweepFixture.run(plan, jobs: 3)
    for name in ["summary.csv", "quantiles.csv", "trajectories.csv"] {
      #expect(try SweepFixture.read(one, name) == SweepFixture.read(three, name), "\(name) differs between 1 and 3 jobs")
    }
    let rows = SweepFixture.rows(try SweepFixture.read(one, "summary.csv"))
    #expect(rows.count == 6 * 7)
    #expect(Set(rows.map { $0["scenario_id"]! }).count == 6)
  }

  @Test func shardsMergeIntoWhatOneRunWrites() throws {
    let axes = ["dose=50mg,100mg,200mg", "body_weight=50,70,90"]
    let whole = try SweepFixture.run(try SweepFixture.plan(axes: axes, population: 3), jobs: 2)
    let parts = try (1...3).map { try SweepFixture.run(try SweepFixture.plan(axes: axes, population: 3, shard: ($0, 3)), jobs: 1) }
    let merged = SweepFixture.temporaryFolder()
    try ShardMerge.merge(shardFolders: parts.reversed(), into: merged, command: ["test"])
    for name in ["summary.csv", "quantiles.csv"] {
      #expect(try SweepFixture.read(whole, name) == SweepFixture.read(merged, name))
    }
    #expect(throws: SweepInputError.self) { try ShardMerge.merge(shardFolders: Array(parts.prefix(2)), into: SweepFixture.temporaryFolder(), command: []) }
  }

  @Test func aResumedRunEqualsAnUninterruptedOne() throws {
    let plan = try SweepFixture.plan(axes: ["dose=50mg,100mg,200mg,300mg"], population: 70, trajectories: true)
    let straight = try SweepFixture.run(plan, jobs: 2)
    let folder = SweepFixture.temporaryFolder()
    try SweepFixture.run(plan, jobs: 2, into: folder, stopAfterBlocks: 2)
    // A run killed while writing leaves a half-written block behind the checkpoint.
    let partial = (folder as NSString).appendingPathComponent(".summary.csv.partial")
    let handle = try #require(FileHandle(forWritingAtPath: partial))
    _ = try handle.seekToEnd()
    try handle.write(contentsOf: Data("deadbeef,1,half a row".utf8))
    try handle.close()
    try SweepFixture.run(plan, jobs: 1, into: folder, resume: true)
    for name in ["summary.csv", "quantiles.csv", "trajectories.csv"] {
      #expect(try SweepFixture.read(straight, name) == SweepFixture.read(folder, name))
    }
  }

  @Test func resumingADifferentSweepIsRefused() throws {
    let folder = SweepFixture.temporaryFolder()
    try SweepFixture.run(try SweepFixture.plan(axes: ["dose=50mg,100mg"], population: 70), jobs: 1, into: folder, stopAfterBlocks: 1)
    #expect(throws: ResultsFolder.FolderError.self) {
      try SweepFixture.run(try SweepFixture.plan(axes: ["dose=50mg,150mg"], population: 70), jobs: 1, into: folder, resume: true)
    }
    // Without --resume an existing folder is refused, and its files stay as they were.
    let before = try SweepFixture.read(folder, ".summary.csv.partial")
    #expect(throws: ResultsFolder.FolderError.self) {
      try SweepFixture.run(try SweepFixture.plan(axes: ["dose=50mg,100mg"], population: 70), jobs: 1, into: folder)
    }
    #expect(try SweepFixture.read(folder, ".summary.csv.partial") == before)
  }

  @Test func scenarioIDsDependOnInputsOnly() throws {
    let a = try SweepFixture.plan(axes: ["dose=50mg,100mg", "body_weight=50,90"])
    let b = try SweepFixture.plan(axes: ["body_weight=90,70", "dose=100mg"])
    let idA = a.scenarioID(a.values(ofScenario: 3))  // dose 100 mg, 90 kg
    let idB = b.scenarioID(b.values(ofScenario: 0))  // 90 kg, dose 100 mg
    #expect(idA == idB)
    #expect(idA.count == 16)
    #expect(a.scenarioID(a.values(ofScenario: 0)) != idA)
  }
}

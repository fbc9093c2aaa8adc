import ArgumentParser
import Foundation
import NadsimSweep

/// `nadsim merge`: joins the folders of a sharded sweep into one.
struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Join the results folders of `nadsim sweep --shard K/N` runs into one folder.",
    discussion: "Example: nadsim merge --out results/all results/part1 results/part2")

  @Option(help: "Folder for the joined results (must not hold results yet).")
  var out: String

  @Argument(help: "The shard folders, all N of them, in any order.")
  var shards: [String]

  func run() throws {
    do { try ShardMerge.merge(shardFolders: shards, into: out, command: CommandLine.arguments) } catch let error as SweepInputError {
      throw InputError(error.message)
    }
  }
}

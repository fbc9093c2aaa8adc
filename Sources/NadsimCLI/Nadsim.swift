import ArgumentParser

/// The `nadsim` command: NAD+ pathway kinetics simulator and its ODE solver core.
public struct Nadsim: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "nadsim",
    abstract: "NAD+ pathway kinetics simulator: ODE solvers, dose scenarios, sweeps.",
    subcommands: [])

  public init() {}
}

import ArgumentParser
import Foundation

/// The `nadsim` command: NAD+ pathway kinetics simulator and its ODE solver core.
public struct Nadsim: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "nadsim",
    abstract: "NAD+ pathway kinetics simulator: ODE solvers, dose scenarios, sweeps.",
    subcommands: [SolveCommand.self, BenchCommand.self, SimulateCommand.self, ValidateCommand.self, SweepCommand.self, MergeCommand.self, ExportCommand.self, EnsembleCommand.self])

  public init() {}

  /// Runs the command line, mapping every input error (bad flag, unknown name, unwritable path)
  /// to exit code 2 with a message on stderr, as the issue tracker's CLI contract asks.
  public static func runMain(_ arguments: [String]? = nil) -> Never {
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
      Foundation.exit(0)
    } catch let error as InputError {
      FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
      Foundation.exit(2)
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        exit(withError: error)  // --help, --version
      }
      if code == .validationFailure {
        FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
        Foundation.exit(2)
      }
      exit(withError: error)
    }
  }
}

/// Bad input from the user: reported with its message and exit code 2.
public struct InputError: Error, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

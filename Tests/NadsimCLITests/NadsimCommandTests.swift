import Testing
import NadsimCLI

/// The root command exists under its documented name (placeholder until the CLI grows
/// subcommands; SwiftPM also needs this folder for the NadsimCLITests target to build).
@Suite("nadsim command")
struct NadsimCommandTests {
  @Test("the root command is called nadsim")
  func rootCommandName() {
    #expect(Nadsim.configuration.commandName == "nadsim")
  }
}

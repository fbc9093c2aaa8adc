import Testing
@testable import NadsimModel

@Suite("Reaction equations")
struct ReactionEquationTests {
  @Test("coefficients, both sides, catalysts cancel in the net change")
  func parsesStoichiometry() throws {
    let equation = try ReactionEquation.parse("2 y2 -> y2 + y3")
    #expect(equation.reactants.map(\.species) == ["y2"])
    #expect(equation.reactants.map(\.coefficient) == [2])
    #expect(equation.netChange.map(\.species) == ["y2", "y3"])
    #expect(equation.netChange.map(\.coefficient) == [-1, 1])
    let catalysed = try ReactionEquation.parse("S + E -> P + E")
    #expect(catalysed.netChange.map(\.species) == ["S", "P"])
  }

  @Test("empty sides are sources and sinks")
  func sourcesAndSinks() throws {
    #expect(try ReactionEquation.parse(" -> A").netChange.map(\.coefficient) == [1])
    #expect(try ReactionEquation.parse("B ->").netChange.map(\.coefficient) == [-1])
  }

  @Test("malformed equations are refused with a reason", arguments: ["A + B", "A -> B -> C", "x A -> B", "A -> 2 3B", "-1 A -> B"])
  func refusesMalformed(text: String) {
    #expect(throws: ReactionEquationError.self) { try ReactionEquation.parse(text) }
  }
}

import Foundation

/// The stoichiometry of a reaction written as `2 A + B -> C`: reactants, products, and the net
/// change of each species (products minus reactants; a species on both sides, such as a catalyst,
/// can cancel out).
public struct ReactionEquation: Equatable, Sendable {
  public var reactants: [(species: String, coefficient: Double)]
  public var products: [(species: String, coefficient: Double)]

  public static func == (a: ReactionEquation, b: ReactionEquation) -> Bool {
    a.reactants.map(\.species) == b.reactants.map(\.species)
      && a.reactants.map(\.coefficient) == b.reactants.map(\.coefficient)
      && a.products.map(\.species) == b.products.map(\.species)
      && a.products.map(\.coefficient) == b.products.map(\.coefficient)
  }

  /// Net stoichiometric coefficient per species, in order of first appearance, zeros dropped.
  public var netChange: [(species: String, coefficient: Double)] {
    var order: [String] = []
    var net: [String: Double] = [:]
    for (s, c) in reactants {
      if net[s] == nil { order.append(s) }
      net[s, default: 0] -= c
    }
    for (s, c) in products {
      if net[s] == nil { order.append(s) }
      net[s, default: 0] += c
    }
    return order.compactMap { net[$0] == 0 ? nil : ($0, net[$0]!) }
  }

  /// Parses `side -> side`, each side empty or terms `[coefficient] name` joined by `+`.
  /// - Throws: a message naming what was expected (the caller adds file and line).
  public static func parse(_ text: String) throws(ReactionEquationError) -> ReactionEquation {
    let parts = text.components(separatedBy: "->")
    guard parts.count == 2 else {
      throw ReactionEquationError(message: "expected exactly one '->' in '\(text)'")
    }
    return ReactionEquation(reactants: try side(parts[0], text), products: try side(parts[1], text))
  }

  private static func side(_ text: String, _ whole: String) throws(ReactionEquationError)
    -> [(species: String, coefficient: Double)] {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.isEmpty { return [] }
    var terms: [(String, Double)] = []
    for term in trimmed.components(separatedBy: "+") {
      let words = term.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      let coefficient: Double
      let name: String
      switch words.count {
      case 1:
        coefficient = 1
        name = words[0]
      case 2:
        guard let c = Double(words[0]), c > 0, c.isFinite else {
          throw ReactionEquationError(message: "'\(words[0])' in '\(whole)' is not a positive coefficient")
        }
        coefficient = c
        name = words[1]
      default:
        throw ReactionEquationError(message: "cannot read the term '\(term.trimmingCharacters(in: .whitespaces))' in '\(whole)'; expected '[coefficient] species'")
      }
      guard isIdentifier(name) else {
        throw ReactionEquationError(message: "'\(name)' in '\(whole)' is not a species name")
      }
      terms.append((name, coefficient))
    }
    return terms
  }

  static func isIdentifier(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, first == "_" || (first.properties.isAlphabetic && first.isASCII) else {
      return false
    }
    return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
  }
}

public struct ReactionEquationError: Error, Equatable {
  public var message: String
}

/// The species that a group of scenarios can leave out of the integration, because they stay
/// exactly zero: they start at zero, no dose reaches them, and their right-hand side is zero
/// whenever all of them are zero.
///
/// Then y_held ≡ 0 solves their equations whatever the other species do, and by uniqueness it is
/// the solution. A topical model's stratum-corneum layers in an oral sweep are the typical case
/// (nad-human: 22 of its 67 species). The lanes of ``EnsembleSimulator`` integrate only the
/// ``live`` species and read the held ones as zero, which shrinks every pass over the state, the
/// LU and the right-hand side. Their norms still average over all species
/// (``EnsembleSystem/normDimension``), the held ones adding exact zeros, so the tolerances keep
/// their meaning; on nad-human the numbers are the same bit for bit as without holding.
///
/// Found by a fixed point: start from every species whose initial value is exactly 0 and that is
/// not dosed; drop any whose right-hand side, with all remaining candidates set to 0, does not
/// simplify to the number 0; repeat until nothing is dropped. Simplification treats x·0 as 0
/// (``Expression/simplified()``), which is what IEEE arithmetic gives for every finite x; a
/// right-hand side that is infinite or NaN there would fail the full integration anyway.
public struct HeldSpecies: Equatable, Sendable {
  /// Model species indices held at zero, ascending.
  public let held: [Int]
  /// The other species, ascending: the integrated state, in this order.
  public let live: [Int]

  /// The species of `model` held at zero when the species in `dosed` (indices) receive doses.
  public init(model: Model, dosed: Set<Int>) {
    var held = Set(model.species.indices.filter { model.species[$0].initial == 0 && !dosed.contains($0) })
    var dropped = true
    while dropped && !held.isEmpty {
      dropped = false
      let zeros = Dictionary(uniqueKeysWithValues: held.map { (model.species[$0].name, Expression.number(0)) })
      for i in held.sorted() where model.rightHandSides[i].substituting(zeros).simplified().numberValue != 0 {
        held.remove(i)
        dropped = true
      }
    }
    self.held = held.sorted()
    live = model.species.indices.filter { !held.contains($0) }
  }

  /// Nothing held: every species is live.
  public init(none speciesCount: Int) {
    held = []
    live = Array(0..<speciesCount)
  }

  public var isEmpty: Bool { held.isEmpty }
}

extension Model {
  /// The species that `regimen`'s doses add to or infuse into (each dose's route substance).
  /// A dose naming an unknown route or substance adds nothing here (preparing the run rejects it).
  public func dosedSpecies(_ regimen: Regimen) -> Set<Int> {
    var dosed = Set<Int>()
    for dose in regimen.doses {
      if let substance = route(dose.route)?.substances.first(where: { $0.name == dose.substance }) {
        dosed.insert(substance.species)
      }
    }
    return dosed
  }

  /// Every species some route can dose.
  public var routeSpecies: Set<Int> { Set(routes.flatMap { $0.substances.map(\.species) }) }
}

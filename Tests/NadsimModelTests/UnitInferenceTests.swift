import Testing
import NadsimModel

@Suite("Unit inference over expressions")
struct UnitInferenceTests {
  typealias E = UnitExpressionNode

  /// Symbols of a small model: S, P, Km, Ki in µM; Pm in mM; k in 1/h; ks in 1/s; t in h;
  /// Vmax in µM/h; V in L; f in %; A in µmol.
  let inference = UnitInference(
    units: [
      "S": "µM", "P": "µM", "Km": "µM", "Ki": "µM", "Pm": "mM", "k": "1/h", "ks": "1/s", "t": "h",
      "Vmax": "µM/h", "V": "L", "f": "%", "A": "µmol",
    ].mapValues(parsedUnit))

  func infer(_ e: E) throws -> InferredUnit { try inference.infer(e).unit }

  func failure(_ e: E) -> UnitError? {
    do {
      _ = try inference.infer(e)
      return nil
    } catch {
      return error
    }
  }

  @Test("mass action: k [1/h] × S [µM] is µM/h")
  func massAction() throws {
    let rate = try infer(.multiply(.symbol("k"), .symbol("S")))
    #expect(rate == .unit(parsedUnit("µM/h")))
    #expect(rate.description == "µM/h")
  }

  @Test("Michaelis–Menten: Vmax [µM/h] × S/(Km + S) with S, Km in µM is µM/h")
  func michaelisMenten() throws {
    let e = E.divide(.multiply(.symbol("Vmax"), .symbol("S")), .add(.symbol("Km"), .symbol("S")))
    #expect(e.description == "Vmax * S / (Km + S)")
    let rate = try infer(e)
    #expect(rate == .unit(parsedUnit("µM/h")))
    #expect(rate.description == "µM/h")
  }

  @Test("amount-based flux: k [1/h] × S [µM] × V [L] is µmol/h")
  func amountFlux() throws {
    let rate = try infer(.multiply(.multiply(.symbol("k"), .symbol("S")), .symbol("V")))
    #expect(rate == .unit(parsedUnit("µmol/h")))
  }

  @Test("exp of a dimensioned quantity is an error naming the sub-expression and unit")
  func expOfConcentration() throws {
    let error = try #require(failure(.multiply(.symbol("k"), .function("exp", [.symbol("S")]))))
    #expect(error.kind == .needsPureNumber)
    #expect(
      error.message
        == "in `exp(S)`: exp needs a dimensionless argument, but S has unit µM (amount/volume)")
  }

  @Test("exp(-k·t) is a plain number when k and t use the same time unit, an error otherwise")
  func decay() throws {
    let good = E.function("exp", [.negate(.multiply(.symbol("k"), .symbol("t")))])
    #expect(try infer(good) == .unit(.dimensionless))
    let mixed = E.function("exp", [.negate(.multiply(.symbol("ks"), .symbol("t")))])
    let error = try #require(failure(mixed))
    #expect(error.kind == .needsPureNumber)
    #expect(error.message.contains("-(ks * t) [h/s] is dimensionless with scale 3600"))
    #expect(
      try infer(.function("log", [.divide(.symbol("S"), .symbol("Km"))])) == .unit(.dimensionless))
  }

  @Test("adding convertible units of different scale (µM + mM) is an error naming both")
  func scaleMismatch() throws {
    let error = try #require(failure(.add(.symbol("S"), .symbol("Pm"))))
    #expect(error.kind == .scaleMismatch)
    #expect(
      error.message.hasPrefix(
        "in `S + Pm`: S [µM] and Pm [mM] cannot be added: the units differ in scale"))
    #expect(error.message.contains("1 mM = 1000 µM"))
  }

  @Test("adding different dimensions is an error naming both units")
  func dimensionMismatch() throws {
    let error = try #require(failure(.subtract(.symbol("S"), .symbol("k"))))
    #expect(error.kind == .incompatibleDimensions)
    #expect(
      error.message
        == "in `S - k`: S [µM] and k [1/h] cannot be subtracted: "
        + "their dimensions differ (amount/volume vs 1/time)")
    let compare = try #require(failure(.compare(.symbol("t"), .symbol("S"))))
    #expect(compare.message.contains("t [h] and S [µM] cannot be compared"))
  }

  // MARK: - The literal rule

  @Test("literal rule: in 1 + S/Ki the 1 is a plain number; nothing adopted")
  func literalWithRatio() throws {
    let result = try inference.infer(.add(.number(1), .divide(.symbol("S"), .symbol("Ki"))))
    #expect(result.unit == .unit(.dimensionless))
    #expect(result.adoptedLiterals.isEmpty)
    // Competitive inhibition: Vmax·S / (Km·(1 + I/Ki) + S) stays µM/h.
    let inhibited = E.divide(
      .multiply(.symbol("Vmax"), .symbol("S")),
      .add(
        .multiply(.symbol("Km"), .add(.number(1), .divide(.symbol("P"), .symbol("Ki")))),
        .symbol("S")))
    #expect(try infer(inhibited) == .unit(parsedUnit("µM/h")))
  }

  @Test("literal rule: a number added to a quantity takes its unit and is reported")
  func literalAdoptsInSum() throws {
    let result = try inference.infer(.add(.symbol("S"), .number(0.5)))
    #expect(result.unit == .unit(parsedUnit("µM")))
    #expect(result.adoptedLiterals.count == 1)
    #expect(result.adoptedLiterals.first?.literal == "0.5")
    #expect(result.adoptedLiterals.first?.unit == parsedUnit("µM"))
    #expect(result.adoptedLiterals.first?.context == "S + 0.5")
    // Comparisons: S > 0.
    let comparison = try inference.infer(.compare(.symbol("S"), .number(0)))
    #expect(comparison.unit == .unit(.dimensionless))
    #expect(comparison.adoptedLiterals.count == 1)
  }

  @Test("literal rule: in × and ÷ a number is a plain number")
  func literalInProducts() throws {
    #expect(try infer(.multiply(.number(2), .symbol("S"))) == .unit(parsedUnit("µM")))
    #expect(try infer(.divide(.number(1), .symbol("Km"))) == .unit(parsedUnit("1/µM")))
    #expect(try infer(.divide(.symbol("S"), .number(2))) == .unit(parsedUnit("µM")))
    #expect(try infer(.add(.number(2), .multiply(.number(3), .number(4)))) == .flexible)
    #expect(try infer(.function("exp", [.number(0.5)])) == .flexible)
  }

  @Test("literal rule weakness: S + 0.5 passes whatever unit 0.5 was meant in")
  func literalWeakness() throws {
    #expect(try infer(.add(.symbol("Pm"), .number(500))) == .unit(parsedUnit("mM")))
    // 1 - f with f in %: the 1 is read as 1 %, not 100 %; only the adoption list shows it.
    let fraction = try inference.infer(.subtract(.number(1), .symbol("f")))
    #expect(fraction.unit == .unit(parsedUnit("%")))
    #expect(fraction.adoptedLiterals.map(\.literal) == ["1"])
    // S_mM * 1000 meant as µM stays mM, so the sum with a µM quantity is a scale mismatch.
    let handConverted = E.add(.symbol("S"), .multiply(.symbol("Pm"), .number(1000)))
    #expect(failure(handConverted)?.kind == .scaleMismatch)
  }

  // MARK: - Powers, functions, piecewise

  @Test(
    "powers with constant exponents scale exponents; non-constant ones need a plain-number base")
  func powers() throws {
    #expect(try infer(.power(.symbol("S"), exponent: 2)) == .unit(parsedUnit("µM^2")))
    #expect(try infer(.power(.symbol("S"), exponent: 0.5)) == .unit(parsedUnit("µM").squareRoot()))
    #expect(
      try infer(.function("sqrt", [.multiply(.symbol("S"), .symbol("P"))]))
        == .unit(parsedUnit("µM")))
    #expect(try infer(.function("pow", [.symbol("S"), .number(2)])) == .unit(parsedUnit("µM^2")))
    // Hill: Vmax·(S/K)^h / (1 + (S/K)^h) with h a parameter.
    let ratio = E.power(.divide(.symbol("S"), .symbol("Km")), exponent: nil)
    let hill = E.divide(.multiply(.symbol("Vmax"), ratio), .add(.number(1), ratio))
    #expect(try infer(hill) == .unit(parsedUnit("µM/h")))

    let nonConstant = try #require(failure(.power(.symbol("S"), exponent: nil)))
    #expect(nonConstant.kind == .exponent)
    #expect(nonConstant.message.contains("S has unit µM"))
    let irrational = try #require(failure(.power(.symbol("S"), exponent: 1 / Double.pi)))
    #expect(irrational.kind == .exponent)
  }

  @Test("min, max and abs keep the unit; their arguments must match")
  func sameUnitFunctions() throws {
    #expect(try infer(.function("max", [.symbol("S"), .number(0)])) == .unit(parsedUnit("µM")))
    #expect(try infer(.function("abs", [.negate(.symbol("A"))])) == .unit(parsedUnit("µmol")))
    let error = try #require(failure(.function("min", [.symbol("S"), .symbol("Pm")])))
    #expect(error.kind == .scaleMismatch)
    #expect(error.message.contains("S [µM] and Pm [mM] are arguments of one min"))
  }

  @Test("piecewise: values share a unit, conditions are truth values")
  func piecewise() throws {
    let ok = E.piecewise(
      values: [.symbol("Vmax"), .number(0)],
      conditions: [.compare(.symbol("t"), .number(24))])
    #expect(try infer(ok) == .unit(parsedUnit("µM/h")))

    let mixed = E.piecewise(
      values: [.symbol("S"), .symbol("k")], conditions: [.compare(.symbol("t"), .number(1))])
    let valueError = try #require(failure(mixed))
    #expect(valueError.kind == .incompatibleDimensions)
    #expect(valueError.message.contains("S [µM] and k [1/h] are values of one piecewise"))

    let badCondition = E.piecewise(values: [.symbol("S"), .number(0)], conditions: [.symbol("S")])
    let conditionError = try #require(failure(badCondition))
    #expect(conditionError.kind == .needsPureNumber)
    #expect(conditionError.message.contains("but S has unit µM"))
  }

  @Test("a percentage is dimensionless but not a plain number for exp")
  func percentInExp() throws {
    let error = try #require(failure(.function("exp", [.symbol("f")])))
    #expect(error.kind == .needsPureNumber)
    #expect(error.message.contains("f [%] is dimensionless with scale 0.01"))
  }

  @Test("unknown names, unknown functions and wrong argument counts are reported")
  func unknowns() throws {
    #expect(failure(.symbol("Q"))?.kind == .unknownName)
    #expect(failure(.symbol("Q"))?.message == "no unit is known for 'Q'")
    #expect(failure(.function("foo", [.symbol("S")]))?.kind == .unknownFunction)
    let arity = try #require(failure(.function("exp", [.number(1), .number(2)])))
    #expect(arity.kind == .argumentCount)
    #expect(arity.message == "in `exp(1, 2)`: exp takes 1 argument(s), got 2")
  }

  @Test("model-specific function rules can be added")
  func customFunction() throws {
    var rules = UnitFunctionRule.builtIn
    rules["hillFactor"] = .pureNumberResult(arguments: 2...2)
    let custom = UnitInference(functions: rules) { $0 == "S" ? parsedUnit("µM") : nil }
    let result = try custom.infer(.function("hillFactor", [.symbol("S"), .number(2)]))
    #expect(result.unit == .unit(.dimensionless))
  }
}

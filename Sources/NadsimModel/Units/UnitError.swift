/// A problem with a unit: a unit string that does not parse, two units that cannot be converted
/// or added, a rate law whose unit does not fit its species.
///
/// The units layer does not know where in a model file a unit came from; the loader turns this
/// into a ``ModelError`` with ``modelError(at:name:)``.
public struct UnitError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What went wrong, for callers that react differently (tests, suggestions in an editor).
  public enum Kind: Sendable, Equatable {
    /// A unit string is malformed (missing operand, unbalanced parenthesis, bad exponent...).
    case syntax
    /// A unit string uses a symbol the parser does not know; see ``UnitError/suggestions``.
    case unknownSymbol
    /// Two units of different dimension meet where they must match (conversion, +, −, comparison,
    /// min/max, piecewise branches).
    case incompatibleDimensions
    /// Two convertible units of different scale meet where raw numbers are combined (µM + mM).
    case scaleMismatch
    /// A function or condition needs a plain number (dimensionless, scale 1) and got a unit.
    case needsPureNumber
    /// A power whose unit cannot be known: non-constant or irrational exponent of a unit.
    case exponent
    /// An expression calls a function the inference has no rule for.
    case unknownFunction
    /// A function is called with the wrong number of arguments.
    case argumentCount
    /// An expression uses a name whose unit the caller did not supply.
    case unknownName
    /// A rate law, species or compartment unit that cannot be used for a reaction.
    case rate
  }

  public var kind: Kind
  /// What is wrong and, where possible, what was expected; names the units involved.
  public var message: String
  /// The unit string being parsed, for parser errors.
  public var text: String?
  /// 1-based column (in characters) within ``text`` where the problem starts, for parser errors.
  public var column: Int?
  /// Known symbols close to an unknown one, closest first (empty otherwise).
  public var suggestions: [String]

  public init(
    _ kind: Kind, _ message: String, text: String? = nil, column: Int? = nil,
    suggestions: [String] = []
  ) {
    self.kind = kind
    self.message = message
    self.text = text
    self.column = column
    self.suggestions = suggestions
  }

  /// "unit 'mg/', column 4: expected a unit symbol, a number or '(' after '/'" for parser errors,
  /// otherwise the message alone.
  public var description: String {
    if let text, let column { return "unit '\(text)', column \(column): \(message)" }
    return message
  }

  /// The same problem as a model-file error.
  ///
  /// If `location` has a column, it is taken to be the column of the unit string's first
  /// character, and the error's column is moved to the offending character.
  /// - Parameters:
  ///   - location: where the unit string (or the expression) starts in the file.
  ///   - name: the species, parameter or reaction whose unit this is.
  public func modelError(at location: SourceLocation, name: String? = nil) -> ModelError {
    var place = location
    if let column, location.column > 0 { place.column = location.column + column - 1 }
    return ModelError(description, at: place, name: name)
  }
}

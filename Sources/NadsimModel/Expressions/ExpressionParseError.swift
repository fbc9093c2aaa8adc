/// Why a formula could not be read, and where: `column` is 1-based, counted in Unicode scalars
/// from the start of the formula text.
///
/// The message names what was expected or what is wrong ("expected ')'", "unknown function 'foo'",
/// "exp takes 1 argument, got 2"); ``description`` appends the column.
public struct ExpressionParseError: Error, Equatable, Sendable, CustomStringConvertible {
  public var column: Int
  public var message: String

  public init(_ message: String, column: Int) {
    self.message = message
    self.column = column
  }

  public var description: String { "\(message) at column \(column)" }

  /// The same problem as a ``ModelError``, placed in a model file: `formulaStart` is where the
  /// formula text begins (its column is that of the formula's first character).
  public func modelError(formulaStart: SourceLocation, name: String? = nil) -> ModelError {
    var location = formulaStart
    if location.column > 0 { location.column += column - 1 }
    return ModelError(message, at: location, name: name)
  }
}

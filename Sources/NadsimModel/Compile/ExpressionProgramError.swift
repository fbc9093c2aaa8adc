/// Why a set of expressions could not be compiled into an ``ExpressionProgram``.
public enum ExpressionProgramError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Names that the symbol map does not know, sorted and without repeats.
  case unknownSymbols([String])
  /// The symbol map sent a name to an input slot that does not exist.
  case slotOutOfRange(symbol: String, slot: Int, inputCount: Int)

  public var description: String {
    switch self {
    case .unknownSymbols(let names):
      return "unknown name\(names.count == 1 ? "" : "s"): " + names.map { "'\($0)'" }.joined(separator: ", ")
    case .slotOutOfRange(let symbol, let slot, let inputCount):
      return "'\(symbol)' is mapped to input \(slot), but there are only \(inputCount) inputs"
    }
  }
}

import Foundation
import NadsimODE
import NadsimProblems

/// Parsing of comma-separated flag values, with errors that name the flag.
enum ListParsing {
  static func doubles(_ text: String, flag: String) throws -> [Double] {
    try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
      let trimmed = part.trimmingCharacters(in: .whitespaces)
      guard let value = Double(trimmed), value.isFinite else {
        throw InputError("\(flag): '\(trimmed)' is not a finite number")
      }
      return value
    }
  }

  /// A tolerance list: every value finite and > 0.
  static func tolerances(_ text: String, flag: String) throws -> [Double] {
    let values = try doubles(text, flag: flag)
    for v in values where !(v > 0) { throw InputError("\(flag): \(v) must be > 0") }
    for v in values where v < 1e-15 {
      throw InputError("\(flag): \(v) is below 1e-15, which double precision cannot meet")
    }
    return values
  }

  static func methods(_ text: String, flag: String) throws -> [Method] {
    try text.split(separator: ",").map { try method(String($0), flag: flag) }
  }

  static func method(_ name: String, flag: String) throws -> Method {
    let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
    guard let method = Method(rawValue: trimmed) else {
      let known = Method.allCases.map(\.rawValue).joined(separator: ", ")
      throw InputError("\(flag): unknown method '\(trimmed)'; expected one of \(known)")
    }
    return method
  }

  static func problems(_ text: String, flag: String) throws -> [TestProblem] {
    try text.split(separator: ",").map { try problem(String($0), flag: flag) }
  }

  static func problem(_ name: String, flag: String) throws -> TestProblem {
    let trimmed = name.trimmingCharacters(in: .whitespaces)
    guard let problem = TestProblem.named(trimmed) else {
      let known = TestProblem.all.map(\.name).joined(separator: ", ")
      throw InputError("\(flag): unknown problem '\(trimmed)'; expected one of \(known)")
    }
    return problem
  }
}


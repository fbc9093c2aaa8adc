/// A Jupyter notebook in nbformat 4.5: markdown and code cells, each with a fixed id, no outputs
/// and no execution counts, so that the file depends on its cells only (no timestamps, no random
/// ids) and Jupyter opens it as not yet run.
public struct Notebook: Equatable, Sendable {
  public struct Cell: Equatable, Sendable {
    public enum Kind: String, Sendable { case markdown, code }
    public var kind: Kind
    /// nbformat 4.5 cell id: 1-64 characters from letters, digits, `-` and `_`, unique in the
    /// notebook. Ids name the cell's role ("setup", "dose-response-fold"), so they are stable.
    public var id: String
    public var source: String

    public static func markdown(_ id: String, _ source: String) -> Cell { Cell(kind: .markdown, id: id, source: source) }
    public static func code(_ id: String, _ source: String) -> Cell { Cell(kind: .code, id: id, source: source) }
  }

  public var cells: [Cell]

  public init(cells: [Cell]) {
    precondition(Set(cells.map(\.id)).count == cells.count, "notebook cell ids must be unique")
    precondition(cells.allSatisfy { Self.isValidID($0.id) }, "notebook cell ids: 1-64 of [A-Za-z0-9_-]")
    self.cells = cells
  }

  /// nbformat 4.5's rule for cell ids.
  public static func isValidID(_ id: String) -> Bool {
    (1...64).contains(id.count) && id.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
    }
  }

  /// The `.ipynb` file's text. The kernel is the standard `python3` kernel of ipykernel.
  public func fileText() -> String {
    json().text()
  }

  public func json() -> NotebookJSON {
    .object([
      "cells": .array(cells.map(Self.json)),
      "metadata": .object([
        "kernelspec": .object([
          "display_name": .string("Python 3 (ipykernel)"),
          "language": .string("python"),
          "name": .string("python3"),
        ]),
        "language_info": .object(["name": .string("python")]),
      ]),
      "nbformat": .int(4),
      "nbformat_minor": .int(5),
    ])
  }

  private static func json(_ cell: Cell) -> NotebookJSON {
    var members: [String: NotebookJSON] = [
      "cell_type": .string(cell.kind.rawValue),
      "id": .string(cell.id),
      "metadata": .object([:]),
      "source": .array(lines(cell.source).map(NotebookJSON.string)),
    ]
    if cell.kind == .code {
      members["execution_count"] = .null
      members["outputs"] = .array([])
    }
    return .object(members)
  }

  /// A cell's source as Jupyter stores it: one string per line, each but the last ending in "\n".
  static func lines(_ text: String) -> [String] {
    var result: [String] = []
    var current = ""
    for character in text {
      current.append(character)
      if character == "\n" {
        result.append(current)
        current = ""
      }
    }
    if !current.isEmpty { result.append(current) }
    return result
  }
}

import Testing
import NadsimModel

@Suite("Model errors")
struct ModelErrorTests {
  @Test("an error names file, line, column and the offending name")
  func describesPlace() {
    let error = ModelError("unknown name in expression", at: SourceLocation(file: "m.yaml", line: 12, column: 7),
                           name: "kcat_nampt")
    #expect(error.description == "m.yaml:12:7: 'kcat_nampt': unknown name in expression")
    #expect(ModelError("negative volume", at: SourceLocation(file: "m.yaml", line: 3)).description
      == "m.yaml:3: negative volume")
  }
}

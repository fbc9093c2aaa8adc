import Foundation
import Testing
@testable import NadsimModel

/// The repository's Models/ folder (found from this file's path, so tests run from any folder).
let modelsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Models")

@Suite("Model loading")
struct ModelLoaderTests {
  @Test("the five test-set model files load with their species and rate laws",
        arguments: [("rober", 3), ("hires", 8), ("pollu", 20), ("orego", 3), ("vdpol", 2)])
  func loadsTestSet(name: String, species: Int) throws {
    let model = try ModelLoader.load(path: modelsFolder.appendingPathComponent("testset/\(name).yaml").path)
    #expect(model.name == name)
    #expect(model.species.count == species)
    #expect(model.rightHandSides.count == species)
  }

  @Test("ROBER's right-hand sides assemble from its three reactions as in the test set")
  func roberRightHandSides() throws {
    let model = try ModelLoader.load(path: modelsFolder.appendingPathComponent("testset/rober.yaml").path)
    // dy1 = −k1·y1 + k2·y2·y3 (Bari test set, rober.f).
    #expect(model.rightHandSides[0].description == "-(k1 * y1) + k2 * y2 * y3")
  }
}

import Foundation

/// How a notebook finds its data: the path of the results folder relative to the folder the
/// notebook is written to, so that both can move together (a repository checkout, a zip file).
public enum RelativePath {
  /// The path from folder `base` to `target`, both absolute or relative to the working folder.
  /// Symbolic links are resolved first, so that the path is right from where the files really
  /// are. When the two share nothing below the root (`/tmp/a.ipynb` and `/work/results`), a
  /// relative path would only hold on this machine, so the absolute path is returned instead.
  public static func from(_ base: String, to target: String) -> String {
    let baseParts = components(base)
    let targetParts = components(target)
    var common = 0
    while common < baseParts.count, common < targetParts.count, baseParts[common] == targetParts[common] {
      common += 1
    }
    if common == 0 { return "/" + targetParts.joined(separator: "/") }
    let parts = Array(repeating: "..", count: baseParts.count - common) + targetParts[common...]
    return parts.isEmpty ? "." : parts.joined(separator: "/")
  }

  /// The absolute, link-free components of a path, without the root.
  static func components(_ path: String) -> [String] {
    let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
    return url.path.split(separator: "/").map(String.init)
  }
}

/// LU with partial pivoting and the triangular solves for small dense matrices, written out in
/// Swift. The storage and pivot conventions are LAPACK's (`dgetrf`/`dgetrs`: column-major, L unit
/// lower, U upper, 1-based row interchanges applied in order), so either path can factor and
/// either can solve.
///
/// Why they exist: for the n ≤ a few dozen systems of kinetic models, a call into OpenBLAS's
/// `dgetrs` costs ~2,000 instructions of dispatch for an 8×8 solve that needs ~130 flops (measured
/// with callgrind on HIRES, see Benchmarks/README.md). Above ``DenseLU/nativeLimit`` LAPACK's
/// blocked code wins and is used.
enum SmallDenseKernels {
  /// Factorises the n×n column-major matrix `a` in place; `pivots` receives 1-based row indices.
  /// Returns false when a zero pivot is met (the matrix is singular).
  @inline(__always)
  static func factor(_ a: UnsafeMutablePointer<Double>, _ n: Int,
                     _ pivots: UnsafeMutablePointer<Int32>) -> Bool {
    var nonsingular = true
    for k in 0..<n {
      let column = a + k * n
      var p = k
      var largest = abs(column[k])
      for i in (k + 1)..<n where abs(column[i]) > largest {
        largest = abs(column[i])
        p = i
      }
      pivots[k] = Int32(p + 1)
      if largest == 0 {
        nonsingular = false
        continue
      }
      if p != k {
        for j in 0..<n { swapAt(a, k + j * n, p + j * n) }
      }
      let inverse = 1 / column[k]
      for i in (k + 1)..<n { column[i] *= inverse }
      for j in (k + 1)..<n {
        let cj = a + j * n
        let akj = cj[k]
        if akj != 0 {
          for i in (k + 1)..<n { cj[i] -= column[i] * akj }
        }
      }
    }
    return nonsingular
  }

  @inline(__always)
  private static func swapAt(_ a: UnsafeMutablePointer<Double>, _ x: Int, _ y: Int) {
    let t = a[x]
    a[x] = a[y]
    a[y] = t
  }

  /// Copies the factors to row-major order, with U's diagonal replaced by its reciprocal, for
  /// ``solve(_:_:_:_:)``: its inner loops then read contiguous memory and store nothing, so they
  /// compile to tight scalar loops (column-oriented loops store into `b` and get vectorised with
  /// alias checks that cost more than they save at these trip counts).
  @inline(__always)
  static func prepareRows(_ lu: UnsafePointer<Double>, _ n: Int, _ rows: UnsafeMutablePointer<Double>) {
    for j in 0..<n {
      let column = lu + j * n
      for i in 0..<n { rows[i * n + j] = column[i] }
    }
    for i in 0..<n { rows[i * n + i] = 1 / rows[i * n + i] }
  }

  /// Overwrites `b` with A⁻¹b, from the row-major factors of ``prepareRows(_:_:_:)``.
  @inline(__always)
  static func solve(rows: UnsafePointer<Double>, _ n: Int, _ pivots: UnsafePointer<Int32>,
                    _ b: UnsafeMutablePointer<Double>) {
    for k in 0..<n {
      let p = Int(pivots[k]) - 1
      if p != k {
        let t = b[k]
        b[k] = b[p]
        b[p] = t
      }
    }
    // L y = Pb (unit lower): yᵢ = bᵢ − Σⱼ<ᵢ Lᵢⱼ yⱼ.
    for i in 1..<max(n, 1) {
      let row = rows + i * n
      var sum = b[i]
      for j in 0..<i { sum -= row[j] * b[j] }
      b[i] = sum
    }
    // U x = y: xᵢ = (yᵢ − Σⱼ>ᵢ Uᵢⱼ xⱼ) / Uᵢᵢ, the reciprocal stored on the diagonal.
    var i = n - 1
    while i >= 0 {
      let row = rows + i * n
      var sum = b[i]
      for j in (i + 1)..<n { sum -= row[j] * b[j] }
      b[i] = sum * row[i]
      i -= 1
    }
  }
}

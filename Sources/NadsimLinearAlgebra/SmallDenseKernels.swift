/// LU with partial pivoting and the triangular solves for small dense matrices, written out in
/// Swift. The storage and pivot conventions are LAPACK's (`dgetrf`/`dgetrs`: column-major, L unit
/// lower, U upper, 1-based row interchanges applied in order), so either path can factor and
/// either can solve.
///
/// Why they exist: for the n ≤ a few dozen systems of kinetic models, a call into OpenBLAS's
/// `dgetrs` costs ~2,000 instructions of dispatch for an 8×8 solve that needs ~130 flops (measured
/// with callgrind on HIRES, see Benchmarks/README.md). Above ``DenseLU/nativeLimit`` LAPACK's
/// blocked code wins and is used. The solve works on SIMD4 chunks (AVX2 registers on the target
/// machines) of zero-padded triangular factors.
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

  /// Lays the factors out for ``solve(_:_:_:)``: L (strictly lower) and U (strictly upper) as
  /// column-major matrices whose columns are padded to a multiple of 4 rows with zeros, and the
  /// reciprocals of U's diagonal. The solve then updates whole SIMD4 chunks of the right-hand
  /// side: entries a chunk holds but a step must not change are multiplied by stored zeros.
  @inline(__always)
  static func prepare(_ lu: UnsafePointer<Double>, _ n: Int, _ layout: PaddedFactors) {
    let p = layout.paddedRows
    for j in 0..<n {
      let column = lu + j * n
      let lower = layout.lower + j * p, upper = layout.upper + j * p
      for i in 0..<p {
        let value = i < n ? column[i] : 0
        lower[i] = i > j ? value : 0
        upper[i] = i < j ? value : 0
      }
      layout.inverseDiagonal[j] = 1 / column[j]
    }
  }

  /// Overwrites `b` with A⁻¹b, from the layout made by ``prepare(_:_:_:)``.
  ///
  /// Forward: for each column j, y[j+1…] −= L[j+1…, j]·yⱼ (chunks from the one holding row j+1).
  /// Backward: xⱼ = yⱼ/Uⱼⱼ, then y[…j−1] −= U[…j−1, j]·xⱼ (chunks up to the one holding row j−1).
  @inline(__always)
  static func solve(_ layout: PaddedFactors, _ n: Int, _ pivots: UnsafePointer<Int32>,
                    _ b: UnsafeMutablePointer<Double>) {
    let p = layout.paddedRows
    let y = layout.work
    for i in 0..<n { y[i] = b[i] }
    for i in n..<p { y[i] = 0 }
    for k in 0..<n {
      let q = Int(pivots[k]) - 1
      if q != k {
        let t = y[k]
        y[k] = y[q]
        y[q] = t
      }
    }
    let yRaw = UnsafeMutableRawPointer(y)
    let chunkBytes = MemoryLayout<SIMD4<Double>>.stride
    for j in 0..<n {
      let yj = y[j]
      if yj == 0 { continue }
      let column = UnsafeRawPointer(layout.lower + j * p)
      let broadcast = SIMD4<Double>(repeating: yj)
      var offset = ((j + 1) >> 2) * chunkBytes
      let end = p * MemoryLayout<Double>.stride
      while offset < end {
        let l = column.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self)
        let v = yRaw.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self)
        yRaw.storeBytes(of: v - l * broadcast, toByteOffset: offset, as: SIMD4<Double>.self)
        offset += chunkBytes
      }
    }
    var j = n - 1
    while j >= 0 {
      let xj = y[j] * layout.inverseDiagonal[j]
      y[j] = xj
      if xj != 0 && j > 0 {
        let column = UnsafeRawPointer(layout.upper + j * p)
        let broadcast = SIMD4<Double>(repeating: xj)
        let end = (((j - 1) >> 2) + 1) * chunkBytes
        var offset = 0
        while offset < end {
          let u = column.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self)
          let v = yRaw.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self)
          yRaw.storeBytes(of: v - u * broadcast, toByteOffset: offset, as: SIMD4<Double>.self)
          offset += chunkBytes
        }
      }
      j -= 1
    }
    for i in 0..<n { b[i] = y[i] }
  }

  /// Overwrites `b` with A⁻¹b directly from the LAPACK-layout factors, with the reciprocals of
  /// U's diagonal in `inverseDiagonal`: column-oriented scalar loops, no copies. For the smallest
  /// systems this beats the padded SIMD solve, whose copies and chunking cost more than the
  /// arithmetic (``DenseLU/scalarSolveLimit`` is the measured crossover).
  @inline(__always)
  static func solveScalar(_ lu: UnsafePointer<Double>, _ n: Int, _ pivots: UnsafePointer<Int32>,
                          _ inverseDiagonal: UnsafePointer<Double>, _ b: UnsafeMutablePointer<Double>) {
    for k in 0..<n {
      let p = Int(pivots[k]) - 1
      if p != k {
        let t = b[k]
        b[k] = b[p]
        b[p] = t
      }
    }
    for j in 0..<n {
      let bj = b[j]
      let column = lu + j * n
      var i = j + 1
      while i < n {
        b[i] -= column[i] * bj
        i += 1
      }
    }
    var j = n - 1
    while j >= 0 {
      let column = lu + j * n
      let xj = b[j] * inverseDiagonal[j]
      b[j] = xj
      var i = 0
      while i < j {
        b[i] -= column[i] * xj
        i += 1
      }
      j -= 1
    }
  }
}

/// Storage of the padded triangular factors used by ``SmallDenseKernels/solve(_:_:_:_:)``.
struct PaddedFactors {
  /// n rounded up to a multiple of 4.
  let paddedRows: Int
  let lower: UnsafeMutablePointer<Double>
  let upper: UnsafeMutablePointer<Double>
  let inverseDiagonal: UnsafeMutablePointer<Double>
  /// Scratch for the right-hand side (paddedRows entries).
  let work: UnsafeMutablePointer<Double>

  init(dimension n: Int) {
    paddedRows = (n + 3) & ~3
    let count = paddedRows * n
    lower = .allocate(capacity: count)
    lower.initialize(repeating: 0, count: count)
    upper = .allocate(capacity: count)
    upper.initialize(repeating: 0, count: count)
    inverseDiagonal = .allocate(capacity: n)
    inverseDiagonal.initialize(repeating: 0, count: n)
    work = .allocate(capacity: paddedRows)
    work.initialize(repeating: 0, count: paddedRows)
  }

  func deallocate() {
    lower.deallocate()
    upper.deallocate()
    inverseDiagonal.deallocate()
    work.deallocate()
  }
}

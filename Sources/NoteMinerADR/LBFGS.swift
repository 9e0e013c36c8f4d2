/// Limited-memory BFGS with a backtracking (Armijo) line search, for the smooth convex objective of L2
/// logistic regression. Full batch, so the result depends only on the data, never on an iteration order.
struct LBFGS {
    var memory = 8
    var maxIterations = 300
    /// Stop when the gradient norm falls below `gradientTolerance × max(1, ‖x‖)` or the objective improves
    /// by less than `relativeTolerance` (relative) over an iteration.
    var gradientTolerance = 1e-5
    var relativeTolerance = 1e-7

    /// Minimizes `f`; `evaluate(x, &gradient)` returns f(x) and fills the gradient.
    func minimize(x0: [Double], evaluate: (_ x: [Double], _ gradient: inout [Double]) -> Double) -> (x: [Double], value: Double, iterations: Int) {
        let n = x0.count
        var x = x0
        var g = [Double](repeating: 0, count: n)
        var f = evaluate(x, &g)
        var sList: [[Double]] = []
        var yList: [[Double]] = []
        var rhoList: [Double] = []
        var d = [Double](repeating: 0, count: n)
        var xNew = x
        var gNew = g
        var iteration = 0
        while iteration < maxIterations {
            iteration += 1
            let gNorm = norm(g)
            if gNorm <= gradientTolerance * max(1, norm(x)) { break }
            // Two-loop recursion: d = −H g.
            for i in 0..<n { d[i] = -g[i] }
            var alphas = [Double](repeating: 0, count: sList.count)
            for k in stride(from: sList.count - 1, through: 0, by: -1) {
                let a = rhoList[k] * dot(sList[k], d)
                alphas[k] = a
                axpy(-a, yList[k], &d)
            }
            if let s = sList.last, let y = yList.last {
                let gamma = dot(s, y) / dot(y, y)
                for i in 0..<n { d[i] *= gamma }
            }
            for k in 0..<sList.count {
                let b = rhoList[k] * dot(yList[k], d)
                axpy(alphas[k] - b, sList[k], &d)
            }
            var slope = dot(g, d)
            if slope >= 0 {
                // Not a descent direction (numerical trouble): restart from steepest descent.
                for i in 0..<n { d[i] = -g[i] }
                slope = -gNorm * gNorm
                sList.removeAll(); yList.removeAll(); rhoList.removeAll()
            }
            var step = sList.isEmpty ? min(1.0, 1.0 / gNorm) : 1.0
            var fNew = 0.0
            var accepted = false
            for _ in 0..<40 {
                for i in 0..<n { xNew[i] = x[i] + step * d[i] }
                fNew = evaluate(xNew, &gNew)
                if fNew <= f + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            if !accepted { break }
            var s = [Double](repeating: 0, count: n)
            var y = [Double](repeating: 0, count: n)
            for i in 0..<n { s[i] = xNew[i] - x[i]; y[i] = gNew[i] - g[i] }
            let sy = dot(s, y)
            if sy > 1e-12 {
                if sList.count == memory { sList.removeFirst(); yList.removeFirst(); rhoList.removeFirst() }
                sList.append(s); yList.append(y); rhoList.append(1 / sy)
            }
            let improvement = f - fNew
            swap(&x, &xNew)
            swap(&g, &gNew)
            f = fNew
            if improvement <= relativeTolerance * max(abs(f), 1e-12) { break }
        }
        return (x, f, iteration)
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in for i in 0..<pa.count { s += pa[i] * pb[i] } } }
        return s
    }

    private func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

    private func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        x.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { py in for i in 0..<px.count { py[i] += alpha * px[i] } } }
    }
}

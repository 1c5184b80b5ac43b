import CGSL

extension GSL {
    /// Eigenvalues of the real symmetric `n × n` matrix stored row-major in `matrix`, in
    /// ascending order (`gsl_eigen_symm`). Only the lower triangle is read.
    public static func symmetricEigenvalues(_ matrix: [Double], dimension n: Int,
                                            context: String) throws -> [Double] {
        ensureInitialized()
        precondition(matrix.count == n * n, "matrix must hold n*n entries")
        guard n > 0 else { return [] }
        guard let a = gsl_matrix_alloc(n, n) else {
            throw GSLError(status: Int32(GSL_ENOMEM), context: context)
        }
        defer { gsl_matrix_free(a) }
        for i in 0..<n { for j in 0..<n { gsl_matrix_set(a, i, j, matrix[i * n + j]) } }
        guard let values = gsl_vector_alloc(n) else {
            throw GSLError(status: Int32(GSL_ENOMEM), context: context)
        }
        defer { gsl_vector_free(values) }
        guard let workspace = gsl_eigen_symm_alloc(n) else {
            throw GSLError(status: Int32(GSL_ENOMEM), context: context)
        }
        defer { gsl_eigen_symm_free(workspace) }
        try check(gsl_eigen_symm(a, values, workspace), "eigenvalues for \(context)")
        var result = (0..<n).map { gsl_vector_get(values, $0) }
        result.sort()
        for value in result { _ = try finite(value, "eigenvalues for \(context)") }
        return result
    }

    /// The Gram matrix AᵀA of the row-major `rows × columns` matrix A (`gsl_blas_dsyrk`),
    /// returned row-major and symmetric.
    public static func gramMatrix(_ a: [Double], rows: Int, columns: Int) -> [Double] {
        ensureInitialized()
        precondition(a.count == rows * columns)
        var result = [Double](repeating: 0, count: columns * columns)
        var source = a
        source.withUnsafeMutableBufferPointer { src in
            result.withUnsafeMutableBufferPointer { dst in
                var aView = gsl_matrix_view_array(src.baseAddress, rows, columns)
                var cView = gsl_matrix_view_array(dst.baseAddress, columns, columns)
                _ = gsl_blas_dsyrk(CblasLower, CblasTrans, 1.0, &aView.matrix, 0.0, &cView.matrix)
            }
        }
        for i in 0..<columns { for j in (i + 1)..<max(i + 1, columns) { result[i * columns + j] = result[j * columns + i] } }
        return result
    }
}

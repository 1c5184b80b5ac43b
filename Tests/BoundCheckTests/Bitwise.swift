/// Bitwise equality of two vectors (NaN equal to NaN with the same payload, −0 distinct from +0):
/// what the kernel tests mean by "the same bits".
func bitwiseEqual(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

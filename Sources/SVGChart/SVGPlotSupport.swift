import Foundation

// Low-level helpers shared by the SVG plot renderer: deterministic number
// formatting, XML escaping, the colour palette, text-width estimation and a
// little 2-D geometry used to place the legend.

public enum SVGFormat {
    /// Formats a coordinate with at most two decimals and no trailing zeros
    /// ("12", "12.5", "-3.25"). Integer arithmetic keeps the output independent
    /// of locale and of `Double.description`; `-0` never appears. Non-finite
    /// input becomes "0" and huge values are clamped, so the result is always a
    /// valid SVG number.
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let clamped = min(max(value, -1e9), 1e9)
        var hundredths = Int((clamped * 100).rounded())
        let negative = hundredths < 0
        hundredths = abs(hundredths)
        let whole = hundredths / 100
        let fraction = hundredths % 100
        var text = negative ? "-" : ""
        text += String(whole)
        if fraction != 0 {
            if fraction % 10 == 0 {
                text += "." + String(fraction / 10)
            } else {
                text += "." + (fraction < 10 ? "0" : "") + String(fraction)
            }
        }
        return text
    }

    /// Fixed-point formatting with `decimals` digits after the point (POSIX
    /// locale via `String(format:)`), never producing "-0".
    static func fixed(_ value: Double, decimals: Int) -> String {
        let text = String(format: "%.\(max(0, decimals))f", value)
        return stripNegativeZero(text)
    }

    /// Scientific formatting with a compact exponent and no trailing zeros in
    /// the mantissa: `1.5e-7`, `2e6` (at most `mantissaDecimals` decimals).
    static func scientific(_ value: Double, mantissaDecimals: Int) -> String {
        if value == 0 { return "0" }
        let raw = String(format: "%.\(max(0, mantissaDecimals))e", value)
        guard let eIndex = raw.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return raw }
        var mantissa = String(raw[raw.startIndex..<eIndex])
        if mantissa.contains(".") {
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
        }
        let exponentText = String(raw[raw.index(after: eIndex)...])
        let exponent = Int(exponentText) ?? 0
        return stripNegativeZero(mantissa) + "e" + String(exponent)
    }

    private static func stripNegativeZero(_ text: String) -> String {
        guard text.hasPrefix("-") else { return text }
        let digits = text.dropFirst()
        if digits.allSatisfy({ $0 == "0" || $0 == "." }) { return String(digits) }
        return text
    }

    /// Escapes text for use in XML character data and attribute values. Control
    /// characters that XML 1.0 forbids are replaced by a space so the document
    /// always parses.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += " "
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

/// The Okabe–Ito colour-blind-safe palette, ordered so that the first colours
/// are the most distinct on a white background (the yellow comes last).
public enum PlotPalette {
    public static let colors = [
        "#0072B2", // blue
        "#D55E00", // vermillion
        "#009E73", // bluish green
        "#CC79A7", // reddish purple
        "#E69F00", // orange
        "#56B4E9", // sky blue
        "#000000", // black
        "#F0E442", // yellow
    ]

    /// The colour of series `index` (the palette repeats; negative indices wrap too).
    public static func color(_ index: Int) -> String {
        colors[((index % colors.count) + colors.count) % colors.count]
    }
}

/// SVG viewers use the reader's sans-serif font, whose metrics we cannot know;
/// layout uses a conservative average glyph width instead.
enum TextMetrics {
    static let averageGlyphWidth = 0.6

    static func width(_ text: String, fontSize: Double) -> Double {
        Double(text.count) * fontSize * averageGlyphWidth
    }

    /// Shortens `text` with a trailing ellipsis so its estimated width fits.
    static func truncate(_ text: String, fontSize: Double, maxWidth: Double) -> String {
        if width(text, fontSize: fontSize) <= maxWidth { return text }
        let maxChars = max(1, Int(maxWidth / (fontSize * averageGlyphWidth)) - 1)
        return String(text.prefix(maxChars)) + "…"
    }
}

struct PlotPoint: Equatable {
    var x: Double
    var y: Double
}

struct PlotRect: Equatable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var maxX: Double { x + width }
    var maxY: Double { y + height }

    func contains(_ p: PlotPoint) -> Bool {
        p.x >= x && p.x <= maxX && p.y >= y && p.y <= maxY
    }

    func insetBy(_ d: Double) -> PlotRect {
        PlotRect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d)
    }

    /// Whether the segment a–b touches the rectangle (Liang–Barsky clipping).
    func intersectsSegment(_ a: PlotPoint, _ b: PlotPoint) -> Bool {
        if contains(a) || contains(b) { return true }
        let dx = b.x - a.x, dy = b.y - a.y
        var t0 = 0.0, t1 = 1.0
        let checks: [(Double, Double)] = [(-dx, a.x - x), (dx, maxX - a.x), (-dy, a.y - y), (dy, maxY - a.y)]
        for (p, q) in checks {
            if p == 0 {
                if q < 0 { return false }
            } else {
                let r = q / p
                if p < 0 {
                    if r > t1 { return false }
                    if r > t0 { t0 = r }
                } else {
                    if r < t0 { return false }
                    if r < t1 { t1 = r }
                }
            }
        }
        return t0 <= t1
    }
}

/// Even–odd ray-casting point-in-polygon test.
func polygonContains(_ polygon: [PlotPoint], _ p: PlotPoint) -> Bool {
    guard polygon.count >= 3 else { return false }
    var inside = false
    var j = polygon.count - 1
    for i in 0..<polygon.count {
        let a = polygon[i], b = polygon[j]
        if (a.y > p.y) != (b.y > p.y) {
            let xCross = (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x
            if p.x < xCross { inside.toggle() }
        }
        j = i
    }
    return inside
}

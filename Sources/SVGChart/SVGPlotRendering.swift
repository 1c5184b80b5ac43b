import Foundation

extension SVGPlotRenderer {
    // MARK: Rendering

    func render() -> String {
        let (layout, legend) = chooseLayout()
        let rect = layout.plot
        let c = SVGFormat.coordinate
        var out: [String] = []
        let w = c(layout.canvasWidth), h = c(layout.canvasHeight)
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" font-family=\"sans-serif\">")
        if !plot.title.isEmpty {
            out.append("<title>\(SVGFormat.escape(plot.title))</title>")
        }
        out.append("<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>")
        out.append("<defs><clipPath id=\"\(Self.clipID)\"><rect x=\"\(c(rect.x))\" y=\"\(c(rect.y))\" width=\"\(c(rect.width))\" height=\"\(c(rect.height))\"/></clipPath></defs>")

        // Grid lines at labelled ticks, under the data.
        var grid = ""
        for tick in layout.xTicks where tick.label != nil {
            let x = rect.x + xAxis.fraction(tick.position) * rect.width
            grid += "M\(c(x)) \(c(rect.y))V\(c(rect.maxY))"
        }
        for tick in layout.yTicks where tick.label != nil {
            let y = rect.maxY - yAxis.fraction(tick.position) * rect.height
            grid += "M\(c(rect.x)) \(c(y))H\(c(rect.maxX))"
        }
        if !grid.isEmpty {
            out.append("<path d=\"\(grid)\" fill=\"none\" stroke=\"#e5e5e5\" stroke-width=\"1\"/>")
        }

        if hasData {
            out.append("<g clip-path=\"url(#\(Self.clipID))\">")
            for series in prepared {
                let color = SVGFormat.escape(series.color)
                for run in series.bandRuns where run.count >= 2 {
                    let points = bandPolygon(run, in: rect).map { "\(c($0.x)),\(c($0.y))" }.joined(separator: " ")
                    // Edges drawn too, so that a narrow band still shows where its limits are.
                    out.append("<polygon points=\"\(points)\" fill=\"\(color)\" fill-opacity=\"\(Self.bandOpacity)\" stroke=\"\(color)\" stroke-opacity=\"0.6\" stroke-width=\"0.75\"/>")
                }
            }
            for series in prepared {
                let color = SVGFormat.escape(series.color)
                for run in series.runs {
                    let pixels = run.map { pixel($0, in: rect) }
                    if pixels.count >= 2 {
                        let points = pixels.map { "\(c($0.x)),\(c($0.y))" }.joined(separator: " ")
                        out.append("<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\"\(Self.dashAttributes(series.style))/>")
                    }
                    // An isolated point has no line to show it: always mark it.
                    if series.markers || pixels.count == 1 {
                        for p in pixels {
                            out.append("<circle cx=\"\(c(p.x))\" cy=\"\(c(p.y))\" r=\"3\" fill=\"\(color)\" stroke=\"#ffffff\" stroke-width=\"0.75\"/>")
                        }
                    }
                }
            }
            out.append("</g>")
        }

        // Frame and ticks above the data.
        out.append("<rect x=\"\(c(rect.x))\" y=\"\(c(rect.y))\" width=\"\(c(rect.width))\" height=\"\(c(rect.height))\" fill=\"none\" stroke=\"#444444\" stroke-width=\"1\"/>")
        var tickPath = ""
        var tickLabels: [String] = []
        let textAttrs = "font-family=\"sans-serif\" font-size=\"\(c(Self.tickFontSize))\" fill=\"#222222\""
        for tick in layout.xTicks {
            let x = rect.x + xAxis.fraction(tick.position) * rect.width
            tickPath += "M\(c(x)) \(c(rect.maxY))v\(tick.label == nil ? 3 : 5)"
            if let label = tick.label {
                tickLabels.append("<text x=\"\(c(x))\" y=\"\(c(rect.maxY + 18))\" text-anchor=\"middle\" \(textAttrs)>\(SVGFormat.escape(label))</text>")
            }
        }
        for tick in layout.yTicks {
            let y = rect.maxY - yAxis.fraction(tick.position) * rect.height
            tickPath += "M\(c(rect.x)) \(c(y))h\(tick.label == nil ? -3 : -5)"
            if let label = tick.label {
                tickLabels.append("<text x=\"\(c(rect.x - 8))\" y=\"\(c(y + 4))\" text-anchor=\"end\" \(textAttrs)>\(SVGFormat.escape(label))</text>")
            }
        }
        if !tickPath.isEmpty {
            out.append("<path d=\"\(tickPath)\" fill=\"none\" stroke=\"#444444\" stroke-width=\"1\"/>")
        }
        out.append(contentsOf: tickLabels)

        // Axis labels and title.
        let labelAttrs = "font-family=\"sans-serif\" font-size=\"\(c(Self.labelFontSize))\" fill=\"#222222\""
        if !plot.xLabel.isEmpty {
            out.append("<text x=\"\(c(rect.x + rect.width / 2))\" y=\"\(c(rect.maxY + 42))\" text-anchor=\"middle\" \(labelAttrs)>\(SVGFormat.escape(plot.xLabel))</text>")
        }
        if !plot.yLabel.isEmpty {
            let x = 22.0, y = rect.y + rect.height / 2
            out.append("<text x=\"\(c(x))\" y=\"\(c(y))\" transform=\"rotate(-90 \(c(x)) \(c(y)))\" text-anchor=\"middle\" \(labelAttrs)>\(SVGFormat.escape(plot.yLabel))</text>")
        }
        if !plot.title.isEmpty {
            let available = layout.canvasWidth - 16
            let natural = TextMetrics.width(plot.title, fontSize: Self.titleFontSize)
            let size = natural <= available
                ? Self.titleFontSize
                : max(8, Self.titleFontSize * available / natural)
            // Shrink a long title down to 8 px, then truncate it; the full text
            // stays in <title>.
            let shown = TextMetrics.truncate(plot.title, fontSize: size, maxWidth: available)
            let titleWidth = TextMetrics.width(shown, fontSize: size)
            // Centre over the plot area when the title fits there, else over the canvas.
            let centre = titleWidth <= rect.width ? rect.x + rect.width / 2 : layout.canvasWidth / 2
            out.append("<text x=\"\(c(centre))\" y=\"28\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"\(c(size))\" font-weight=\"bold\" fill=\"#222222\">\(SVGFormat.escape(shown))</text>")
        }

        if !hasData {
            out.append("<text x=\"\(c(rect.x + rect.width / 2))\" y=\"\(c(rect.y + rect.height / 2 + 5))\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"14\" fill=\"#666666\">no data to plot</text>")
        }

        if let legend, let origin = layout.legendOrigin {
            out.append(contentsOf: legendElements(legend, origin: origin))
        }

        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    static func dashAttributes(_ style: LineStyle) -> String {
        switch style {
        case .solid: return ""
        case .dashed: return " stroke-dasharray=\"7 4\""
        case .dotted: return " stroke-dasharray=\"1 4\" stroke-linecap=\"round\""
        case .dashDot: return " stroke-dasharray=\"9 3 2 3\""
        case .longDash: return " stroke-dasharray=\"14 5\""
        }
    }

    func legendElements(_ legend: LegendGeometry, origin: PlotPoint) -> [String] {
        let c = SVGFormat.coordinate
        var out: [String] = []
        out.append("<g>")
        out.append("<rect x=\"\(c(origin.x))\" y=\"\(c(origin.y))\" width=\"\(c(legend.width))\" height=\"\(c(legend.height))\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#bbbbbb\" stroke-width=\"1\"/>")
        for (index, series) in prepared.enumerated() {
            let color = SVGFormat.escape(series.color)
            let centreY = origin.y + LegendGeometry.padding + LegendGeometry.rowHeight * (Double(index) + 0.5)
            let x0 = origin.x + LegendGeometry.padding
            let x1 = x0 + LegendGeometry.sampleWidth
            if series.hasBand {
                out.append("<rect x=\"\(c(x0))\" y=\"\(c(centreY - 6))\" width=\"\(c(LegendGeometry.sampleWidth))\" height=\"12\" fill=\"\(color)\" fill-opacity=\"\(Self.bandOpacity)\" stroke=\"none\"/>")
            }
            out.append("<line x1=\"\(c(x0))\" y1=\"\(c(centreY))\" x2=\"\(c(x1))\" y2=\"\(c(centreY))\" stroke=\"\(color)\" stroke-width=\"2\"\(Self.dashAttributes(series.style))/>")
            if series.markers {
                out.append("<circle cx=\"\(c((x0 + x1) / 2))\" cy=\"\(c(centreY))\" r=\"3\" fill=\"\(color)\" stroke=\"#ffffff\" stroke-width=\"0.75\"/>")
            }
            let textX = x1 + LegendGeometry.gap
            let fill = series.note == nil ? "#222222" : "#777777"
            out.append("<text x=\"\(c(textX))\" y=\"\(c(centreY + 4))\" font-family=\"sans-serif\" font-size=\"\(c(LegendGeometry.fontSize))\" fill=\"\(fill)\">\(SVGFormat.escape(legend.texts[index]))</text>")
        }
        out.append("</g>")
        return out
    }
}

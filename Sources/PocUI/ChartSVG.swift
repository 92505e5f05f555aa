import Foundation

/// A horizontal bar chart drawn by the server as inline SVG: no chart library
/// and no script. Every bar carries its figure as text beside it (never colour
/// alone); the chart is an image (`role="img"`) named by its `<title>` and
/// described by its `<desc>`, and the page puts the same figures in a table.
///
/// Right to left, the axis runs from the right edge: the bars grow leftwards
/// and the labels sit on the right, while numbers and state codes stay left to
/// right text (`direction="ltr"`). Colours come from classes (`dashboard.css`),
/// never from `style` attributes, which the Content-Security-Policy forbids.
struct ChartSVG {
    /// One bar.
    struct Bar {
        /// The label of the bar's group, shown on its first bar (a state code, an urgency).
        var group: String?
        /// The bar's own label (a campaign's date, a measure).
        var label: String
        /// The bar's length as a share of the axis (0 to ``ChartSVG/scale``; longer bars are cut at the end).
        var fraction: Double
        /// The figure written after the bar.
        var value: String
        /// The bar's class: its colour.
        var cssClass: String
        /// Whether the group label is left to right text (codes) or the page's language.
        var groupIsCode = true
        /// Whether the bar's label is left to right text (dates, ids) or the page's language.
        var labelIsCode = false
    }

    /// The chart's id, the prefix of its title's and description's ids.
    var id: String
    var title: String
    var description: String
    var bars: [Bar]
    /// Tick marks on the axis: a share of the axis and its label.
    var ticks: [(fraction: Double, label: String)]
    /// A reference line (the receipt window), if any.
    var marker: (fraction: Double, label: String)?
    /// Whether the page is right to left.
    var rtl: Bool
    /// The share of the axis the full width stands for (1 = 100 %).
    var scale: Double = 1

    // Geometry, in SVG user units (the chart scales to its box).
    static let width = 800.0
    static let groupColumn = 110.0
    static let labelColumn = 130.0
    static let barArea = 360.0
    static let rowHeight = 24.0
    static let barHeight = 16.0
    static let groupGap = 10.0
    static let top = 30.0

    private var barStart: Double { Self.groupColumn + Self.labelColumn }

    /// The SVG element.
    func svg() -> String {
        var rows: [String] = []
        var y = Self.top
        let bottom = Self.top + Double(bars.count) * Self.rowHeight + Double(groups) * Self.groupGap
        for (index, bar) in bars.enumerated() {
            if bar.group != nil, index > 0 { y += Self.groupGap }
            let middle = y + Self.rowHeight / 2
            if let group = bar.group {
                rows.append(text(group, at: 0, y: middle, anchor: .start, code: bar.groupIsCode, cssClass: "chart-group"))
            }
            rows.append(text(bar.label, at: Self.groupColumn, y: middle, anchor: .start, code: bar.labelIsCode, cssClass: "chart-label"))
            let length = max(0, min(bar.fraction, scale)) / scale * Self.barArea
            rows.append(rect(from: barStart, length: max(length, 0), y: y + (Self.rowHeight - Self.barHeight) / 2, cssClass: bar.cssClass))
            rows.append(text(bar.value, at: barStart + length + 6, y: middle, anchor: .start, code: false, cssClass: "chart-value"))
            y += Self.rowHeight
        }
        var axis: [String] = []
        for tick in ticks {
            let x = position(barStart + tick.fraction / scale * Self.barArea)
            axis.append(#"<line class="chart-grid" x1="\#(n(x))" y1="\#(n(Self.top - 4))" x2="\#(n(x))" y2="\#(n(bottom))"/>"#)
            axis.append(
                text(
                    tick.label, at: barStart + tick.fraction / scale * Self.barArea, y: Self.top - 10, anchor: .middle, code: true,
                    cssClass: "chart-tick"))
        }
        if let marker {
            let logical = barStart + min(marker.fraction, scale) / scale * Self.barArea
            let x = position(logical)
            axis.append(#"<line class="chart-marker" x1="\#(n(x))" y1="\#(n(Self.top - 4))" x2="\#(n(x))" y2="\#(n(bottom))"/>"#)
            axis.append(text(marker.label, at: logical + 4, y: bottom + 16, anchor: .start, code: false, cssClass: "chart-marker-label"))
        }
        let height = bottom + (marker == nil ? 8 : 26)
        return """
            <svg class="chart" role="img" aria-labelledby="\(id)-title \(id)-desc" viewBox="0 0 \(n(Self.width)) \(n(height))" \
            width="\(n(Self.width))" height="\(n(height))" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">\
            <title id="\(id)-title">\(escape(title))</title><desc id="\(id)-desc">\(escape(description))</desc>\
            <g class="chart-axis">\(axis.joined())</g><g class="chart-bars">\(rows.joined())</g></svg>
            """
    }

    /// How many bars start a group after the first.
    private var groups: Int { bars.dropFirst().filter { $0.group != nil }.count }

    enum Anchor { case start, middle, end }

    /// A logical x (from the start edge) as the SVG's x.
    private func position(_ logical: Double) -> Double { rtl ? Self.width - logical : logical }

    private func rect(from start: Double, length: Double, y: Double, cssClass: String) -> String {
        let x = rtl ? Self.width - start - length : start
        return #"<rect class="\#(cssClass)" x="\#(n(x))" y="\#(n(y))" width="\#(n(length))" height="\#(n(Self.barHeight))"/>"#
    }

    /// Text whose `anchor` is logical (start = the page's start edge). Codes and
    /// numbers are left to right text; in a right-to-left chart their anchor flips
    /// so that they still begin at the page's start side of `at`.
    private func text(_ value: String, at logical: Double, y: Double, anchor: Anchor, code: Bool, cssClass: String) -> String {
        let direction = code || !rtl ? "ltr" : "rtl"
        let flip = rtl && code
        let svgAnchor: String
        switch anchor {
        case .middle: svgAnchor = "middle"
        case .start: svgAnchor = flip ? "end" : "start"
        case .end: svgAnchor = flip ? "start" : "end"
        }
        return
            #"<text class="\#(cssClass)" x="\#(n(position(logical)))" y="\#(n(y))" dominant-baseline="middle" text-anchor="\#(svgAnchor)" direction="\#(direction)">\#(escape(value))</text>"#
    }

    private func n(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// Text escaped for XML and HTML.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    private func escape(_ text: String) -> String { Self.escape(text) }
}

import CommandLineSupport
import Testing

@Suite("display width")
struct DisplayWidthTests {
    @Test("East Asian wide characters take two columns, combining marks and controls none")
    func widths() {
        #expect(DisplayWidth.of("CERT-FR") == 7)
        #expect(DisplayWidth.of("国家互联网应急中心") == 18)
        #expect(DisplayWidth.of("ｆｕｌｌ") == 8)
        #expect(DisplayWidth.of("한국") == 4)
        #expect(DisplayWidth.of("e\u{301}te\u{301}") == 3)
        #expect(DisplayWidth.of("a\u{200B}b") == 2)
        #expect(DisplayWidth.of("🚨") == 2)
        #expect(DisplayWidth.of("\u{7}") == 0)
        #expect(DisplayWidth.of("Ünïcödé") == 7)
    }

    @Test("padding and truncating go by columns and never split a character")
    func padAndTruncate() {
        #expect(DisplayWidth.pad("中文", to: 6) == "中文  ")
        #expect(DisplayWidth.pad("toolong", to: 3) == "toolong")
        #expect(DisplayWidth.truncate("short", to: 10) == "short")
        #expect(DisplayWidth.truncate("abcdefgh", to: 5) == "abcd…")
        // 中 is two columns: "中文中" cut to 4 keeps one (2) and the ellipsis (1), not half of the second.
        #expect(DisplayWidth.truncate("中文中", to: 4) == "中…")
        #expect(DisplayWidth.of(DisplayWidth.truncate("国家互联网应急中心", to: 9)) <= 9)
        #expect(DisplayWidth.truncate("x", to: 0) == "")
    }

    @Test("columns align wide text, drop empty columns and cut the chosen column to the width")
    func alignedColumns() {
        let rows = [["ID", "", "ENTITY"], ["CHN-TEC-1", "", "国家互联网应急中心"], ["FRA-TEC-1", "", "CERT-FR"]]
        let lines = DisplayWidth.columns(rows)
        #expect(lines == ["ID         ENTITY", "CHN-TEC-1  国家互联网应急中心", "FRA-TEC-1  CERT-FR"])
        let cut = DisplayWidth.columns(rows, maxWidth: 20, shrink: 2)
        #expect(cut.allSatisfy { DisplayWidth.of($0) <= 20 }, "\(cut)")
        #expect(cut[1].hasSuffix("…"))
        #expect(cut[2] == "FRA-TEC-1  CERT-FR")
        #expect(DisplayWidth.columns([]) == [])
    }

    @Test("no terminal (a test's captured environment, or TERM unset): no width and no colour")
    func noTerminal() {
        #expect(TerminalOutput.standardOutput(variables: [:]) == TerminalOutput(width: nil, colour: false))
        #expect(TerminalOutput.standardOutput(variables: ["TERM": "dumb", "COLUMNS": "80"]) == TerminalOutput(width: nil, colour: false))
        #expect(TerminalOutput(width: 80, colour: false).highlight("FLASH", red: true) == "FLASH")
        #expect(TerminalOutput(width: 80, colour: true).highlight("FLASH", red: true) == "\u{1B}[1;31mFLASH\u{1B}[0m")
    }
}

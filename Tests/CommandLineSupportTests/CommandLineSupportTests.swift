import CommandLineSupport
import Foundation
import Testing

@Suite struct CommandLineSupportTests {
    @Test func oneLineJoinsArgumentParserMessages() {
        #expect(
            oneLine("Error: Missing expected argument '--state <state>'\nHelp:  --state <state>")
                == "Missing expected argument '--state <state>' Help:  --state <state>")
        #expect(oneLine("The value 'x' is invalid:\n - first\n - second") == "The value 'x' is invalid: first, second")
        #expect(oneLine("already one line") == "already one line")
    }

    @Test func tablesAlignColumnsWithoutTrailingSpaces() {
        #expect(table(["ID", "STATE"], [["FRA-TEC-1", "FRA"], ["X", ""]]) == "ID         STATE\nFRA-TEC-1  FRA\nX")
        #expect(columns([["a", "bb"], ["ccc", "d"]]) == ["a    bb", "ccc  d"])
        #expect(columns([]) == [])
        // Wide characters count two columns: the next column starts aligned.
        #expect(columns([["中文", "x"], ["abcd", "y"]]) == ["中文  x", "abcd  y"])
    }

    @Test func csvFieldsAreQuotedOnlyWhenNeeded() {
        #expect(csvField("plain") == "plain")
        #expect(csvField("a,b") == "\"a,b\"")
        #expect(csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(csvField("two\nlines") == "\"two\nlines\"")
    }

    @Test func durationsReadAndWriteBack() {
        #expect(HumanDuration.seconds("90s") == 90)
        #expect(HumanDuration.seconds("15m") == 900)
        #expect(HumanDuration.seconds("48h") == 172_800)
        #expect(HumanDuration.seconds("182d") == 15_724_800)
        for refused in ["", "0s", "-5m", "7", "7w", "1.5h", "3661d", "9223372036854775807d"] {
            #expect(HumanDuration.seconds(refused) == nil, "\(refused)")
        }
        #expect(DurationArgument(argument: "7d")?.seconds == 604_800)
        #expect(DurationArgument(argument: "soon") == nil)
        for text in ["90s", "15m", "47h", "182d", "61s", "25h"] {
            #expect(HumanDuration.text(HumanDuration.seconds(text)!) == text)
        }
        #expect(HumanDuration.text(HumanDuration.seconds("48h")!) == "2d")
        #expect(HumanDuration.text(0) == "0s")
    }

    @Test func prettyJSONUsesTheWireEncoder() throws {
        struct Row: Encodable { let b: Int, a: String }
        #expect(try prettyJSON(Row(b: 1, a: "x/y")) == "{\n  \"a\" : \"x/y\",\n  \"b\" : 1\n}")
    }
}

import Testing
@testable import ComfyWorkflow

@Suite("JSON reads and writes documents exactly")
struct JSONValueTests {
    @Test func roundTripsCompactTextByteForByte() throws {
        let text = #"{"b":1,"a":[true,false,null,"x",-0.5e+3,7.0],"c":{"z":{},"y":[]}}"#
        let value = try JSONValue.parse(text)
        #expect(value.serializedString() == text)
        #expect(value["a"]?[4]?.numberValue?.text == "-0.5e+3")
        #expect(value.objectValue?.keys == ["b", "a", "c"])
    }

    @Test func keepsIntegersBeyondInt64Exactly() throws {
        let value = try JSONValue.parse(#"{"seed":18446744073709551615,"neg":-9223372036854775808,"huge":123456789012345678901234567890}"#)
        #expect(value["seed"]?.uint64Value == UInt64.max)
        #expect(value["seed"]?.intValue == nil)
        #expect(value["neg"]?.numberValue?.int64 == Int64.min)
        #expect(value["huge"]?.numberValue?.isBigInteger == true)
        #expect(value.serializedString() == #"{"seed":18446744073709551615,"neg":-9223372036854775808,"huge":123456789012345678901234567890}"#)
        #expect(JSONValue.uint64(.max).serializedString() == "18446744073709551615")
    }

    @Test func keepsNonASCIIAndDecodesEscapes() throws {
        let value = try JSONValue.parse(#"["灯台 🌊", "\u00e9\ud83c\udf0a\n\t\"\\\/", "é"]"#)
        #expect(value[0]?.stringValue == "灯台 🌊")
        #expect(value[1]?.stringValue == "é🌊\n\t\"\\/")
        #expect(value.serializedString() == #"["灯台 🌊","é🌊\n\t\"\\/","é"]"#)
    }

    @Test func writesControlCharactersEscaped() {
        let value = JSONValue.string("a\u{01}b\u{1F}\u{08}\u{0C}\r")
        #expect(value.serializedString() == #""a\u0001b\u001f\b\f\r""#)
    }

    @Test func writesWhatPythonJSONDumpsWrites() throws {
        let value = try JSONValue.parse(#"{"prompt":{"3":{"text":"灯台 é 🌊","seed":18446744073709551615,"cfg":7.0}},"list":[1,2]}"#)
        // json.dumps(obj) in Python 3: ", " and ": " separators, non-ASCII as \uXXXX (surrogate pairs beyond the BMP).
        #expect(value.serializedString(.python)
            == #"{"prompt": {"3": {"text": "\u706f\u53f0 \u00e9 \ud83c\udf0a", "seed": 18446744073709551615, "cfg": 7.0}}, "list": [1, 2]}"#)
    }

    @Test func writesPrettyOutputLikePythonIndent2() throws {
        let value = try JSONValue.parse(#"{"a":[1,{"b":null}],"c":{}}"#)
        #expect(value.serializedString(.pretty) == "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": {}\n}\n")
    }

    @Test func sortsKeysOnlyWhenAsked() throws {
        let value = try JSONValue.parse(#"{"b":1,"a":2}"#)
        #expect(value.serializedString(JSONWriteOptions(sortedKeys: true)) == #"{"a":2,"b":1}"#)
        #expect(value.serializedString() == #"{"b":1,"a":2}"#)
    }

    @Test func duplicateKeysKeepFirstPositionAndLastValue() throws {
        let value = try JSONValue.parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(value.serializedString() == #"{"a":3,"b":2}"#)
    }

    @Test(arguments: [
        ("", "unexpected end of input"),
        (#"{"a":1"#, "unexpected end of input"),
        (#"{"a":[1,2"#, "unexpected end of input"),
        (#""abc"#, "unterminated string"),
        (#"{"a":1} x"#, "unexpected data after the document"),
        ("[1,]", "unexpected character"),
        ("01", "unexpected data after the document"),
        ("1.", "no digits after '.'"),
        ("-", "unexpected end of input"),
        ("tru", "unexpected end of input"),
        ("nul1", "invalid literal"),
        (#"{a:1}"#, "expected a string key"),
        (#"["\x"]"#, "invalid escape"),
        (#"["\u12G4"]"#, #"invalid \u escape"#),
        ("[\"a\u{01}\"]", "control character in a string"),
        ("{\"a\" 1}", "expected ':' after a key"),
        ("NaN", "unexpected character"),
    ])
    func rejectsMalformedText(text: String, reason: String) {
        #expect {
            _ = try JSONValue.parse(text)
        } throws: { error in
            guard let e = error as? JSONParseError else { return false }
            return e.reason.contains(reason)
        }
    }

    @Test func rejectsNestingBeyondTheLimitWithoutCrashing() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parse(deep) }
        let limits = JSONLimits(maxDepth: 3)
        #expect(throws: Never.self) { _ = try JSONValue.parse("[[[1]]]", limits: limits) }
        do {
            _ = try JSONValue.parse("[[[[1]]]]", limits: limits)
            Issue.record("nesting 4 deep was accepted with a limit of 3")
        } catch {
            #expect(error.reason == "nesting deeper than 3")
            #expect(error.offset == 3)
        }
    }

    @Test func rejectsDocumentsBeyondTheSizeLimit() {
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parse("[1,2,3,4]", limits: JSONLimits(maxBytes: 4)) }
    }

    @Test func rejectsInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0x61, 0xC3, 0x28, 0x22]  // "a" then a broken two-byte sequence
        #expect {
            _ = try JSONValue.parse(bytes)
        } throws: { error in
            (error as? JSONParseError)?.reason == "invalid UTF-8 in a string"
        }
        let overlong: [UInt8] = [0x22, 0xC0, 0xAF, 0x22]
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parse(overlong) }
    }

    @Test func toleratesByteOrderMarkAndWhitespace() throws {
        let value = try JSONValue.parse([0xEF, 0xBB, 0xBF] + Array(" \n\t{\"a\" : 1 }\r\n".utf8))
        #expect(value["a"]?.intValue == 1)
    }

    @Test func loneSurrogatesBecomeReplacementCharacters() throws {
        let value = try JSONValue.parse(#"["\ud83c", "\udf0a", "\ud83cx"]"#)
        #expect(value[0]?.stringValue == "\u{FFFD}")
        #expect(value[1]?.stringValue == "\u{FFFD}")
        #expect(value[2]?.stringValue == "\u{FFFD}x")
    }

    @Test func numberLiteralsAreValidatedAndConverted() {
        #expect(JSONNumber(text: "1e5") != nil)
        #expect(JSONNumber(text: "01") == nil)
        #expect(JSONNumber(text: "1.") == nil)
        #expect(JSONNumber(text: "+1") == nil)
        #expect(JSONNumber(7.0).text == "7.0")
        #expect(JSONNumber(6.5).text == "6.5")
        #expect(JSONNumber(Double.nan).text == "0")
        #expect(JSONNumber(text: "2.5")?.int == nil)
        #expect(JSONNumber(text: "-42")?.int == -42)
    }
}

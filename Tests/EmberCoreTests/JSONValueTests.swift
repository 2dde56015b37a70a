import EmberCore
import Testing

@Suite struct JSONValueTests {
    @Test func serializesLikePythonJSONDumps() {
        let value: JSONValue = [
            "versions": [["id": "v3.0", "n": 3, "ok": true, "none": nil, "f": 1.5, "whole": 2.0, "list": []]]
        ]
        #expect(
            value.serialized()
                == #"{"versions": [{"id": "v3.0", "n": 3, "ok": true, "none": null, "f": 1.5, "whole": 2.0, "list": []}]}"#
        )
    }

    @Test func escapesLikePythonEnsureASCII() {
        #expect(JSONValue.string("é\"\\\n\u{1}").serialized() == #""\u00e9\"\\\n\u0001""#)
        #expect(JSONValue.string("😀").serialized() == #""\ud83d\ude00""#)
    }

    @Test func byteAndStringSerializationAgree() {
        let value: JSONValue = ["é\"\\\n\u{1}😀": ["plain", 1, -2.5, true, nil, ["k": "ü\t"]], "": []]
        #expect(String(decoding: value.serializedBytes(), as: UTF8.self) == value.serialized())
    }

    /// Found by the JSON fuzz target (`scripts/fuzz json`): `9e99999` became infinity, which
    /// serializes to text no JSON parser reads.
    @Test(arguments: ["9e99999", "-1e400", "[1.5e309]", "{\"size\": 1E+999}"])
    func numbersBeyondDoubleAreRefused(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func anObjectThatRepeatsAKeyIsRefusedNamingTheKey() throws {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(#"{"a": 1, "a": 2}"#) }
        do {
            _ = try JSONValue.parse(#"{"volume": {"size": 1, "name": "x", "size": 2}}"#)
            Issue.record("a repeated key was accepted")
        } catch {
            #expect(error.duplicateKey == "size")
        }
        // The same key in different objects is not a repeat.
        #expect(try JSONValue.parse(#"{"a": {"k": 1}, "b": {"k": 2}}"#)["b"]?["k"] == .int(2))
    }

    @Test func parsesAndKeepsKindsApart() throws {
        let value = try JSONValue.parse(
            #"{"size": 1, "s": "1", "b": true, "f": 1.0, "n": null, "a": [1, {"x": "\u00e9\ud83d\ude00"}]}"#
        )
        #expect(value["size"] == .int(1))
        #expect(value["s"] == .string("1"))
        #expect(value["b"] == .bool(true))
        #expect(value["f"] == .double(1.0))
        #expect(value["n"] == .null)
        #expect(value["a"] == [1, ["x": "é😀"]])
    }

    @Test func roundTripsThroughSerialization() throws {
        let original: JSONValue = ["a": [1, 2.5, "x", false, nil], "b": ["c": "ü"]]
        #expect(try JSONValue.parse(original.serialized()) == original)
    }

    @Test(arguments: [
        #"{"volume": {"size": 1,"#, "", "{", #"{"a" 1}"#, "[1,]", "01", "tru", #""\x""#, "{} {}", #""\ud800""#, "1.",
        "-", "\"a\u{01}\"",
    ])
    func rejectsMalformedDocuments(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }
}

@Suite struct MD5Tests {
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("The quick brown fox jumps over the lazy dog", "9e107d9d372bb6826bd81d3542a419d6"),
        (String(repeating: "a", count: 1000), "cabe45dcc9ae5b66ba86600cca6b8ba8"),
        (#"{"metadata": {"a": "1"}}"#, "f4e52f163c86f262780f0c8b8670b3e6"),
    ])
    func matchesKnownDigests(text: String, digest: String) {
        #expect(MD5.hexDigest(Array(text.utf8)) == digest)
    }
}

import Testing

@testable import EmberCore

@Suite struct JSONSinkTests {
    /// One document written token by token, with every kind of value, nesting, empty
    /// containers, escapes and a tree embedded whole.
    static func document<Sink: JSONSink>(into sink: inout Sink) {
        sink.beginObject()
        sink.field("id", "a\"b\\c")
        sink.field("missing", nil)
        sink.key("size")
        sink.int(-42)
        sink.key("at")
        sink.asciiString(capacity: 8) { buffer in
            for (index, byte) in "12:30".utf8.enumerated() { buffer[index] = byte }
            return 5
        }
        sink.key("flags")
        sink.beginArray()
        sink.bool(true)
        sink.bool(false)
        sink.null()
        sink.beginArray()
        sink.end()
        sink.beginObject()
        sink.end()
        sink.end()
        sink.key("metadata")
        sink.sortedObject(["z": "last", "é": "accent\n", "a": "first"])
        sink.key("href")
        sink.string("http://h/v3/", "id\"é")
        sink.dynamicKey("tab\tkey")
        sink.value(["nested": [1, 2.5, "x"]])
        sink.end()
    }

    @Test func writerAndTreeBuilderAgreeWithTheSerializer() throws {
        var writer = JSONWriter()
        Self.document(into: &writer)
        var tree = JSONTreeBuilder()
        Self.document(into: &tree)
        let expected: JSONValue = [
            "id": "a\"b\\c", "missing": nil, "size": -42, "at": "12:30",
            "flags": [true, false, nil, [], .object(JSONObject())],
            "metadata": .object(JSONObject([("a", "first"), ("z", "last"), ("é", "accent\n")])),
            "href": "http://h/v3/id\"é", "tab\tkey": ["nested": [1, 2.5, "x"]],
        ]
        #expect(tree.result == expected)
        #expect(writer.bytes == expected.serializedBytes())
        #expect(
            String(decoding: writer.bytes, as: UTF8.self)
                == #"{"id": "a\"b\\c", "missing": null, "size": -42, "at": "12:30", "flags": [true, false, null, [], {}], "#
                + #""metadata": {"a": "first", "z": "last", "\u00e9": "accent\n"}, "#
                + #""href": "http://h/v3/id\"\u00e9", "tab\tkey": {"nested": [1, 2.5, "x"]}}"#
        )
        #expect(try JSONValue.parse(writer.bytes) == expected)
    }

    @Test(arguments: [0, 7, -1, 10, 1_000_000, Int.max, Int.min])
    func integersAsPythonWritesThem(_ value: Int) {
        var writer = JSONWriter()
        writer.int(value)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == String(value))
        #expect(JSONValue.int(value).serialized() == String(value))
    }

    /// A writer that starts with no room grows as it goes, and what it finishes with is what
    /// it wrote: long and escaped strings, every integer width, keys from data.
    @Test func writerGrowsAndFinishesWithWhatItWrote() throws {
        var expected = JSONObject()
        var writer = JSONWriter(capacity: 0)
        writer.beginObject()
        for index in 0..<300 {
            let key = index % 7 == 0 ? "k\"\(index)" : "k\(index)"
            let text = String(repeating: index % 5 == 0 ? "é" : "x", count: index)
            let number = index % 2 == 0 ? Int.max - index : Int.min + index
            writer.dynamicKey(key)
            writer.beginArray()
            writer.string(text)
            writer.int(number)
            writer.int(index)
            writer.end()
            expected.appendNew(key, [.string(text), .int(number), .int(index)])
        }
        writer.end()
        let bytes = writer.bytes
        #expect(bytes == JSONValue.object(expected).serializedBytes())
        #expect(writer.finish() == bytes)
        #expect(try JSONValue.parse(bytes) == .object(expected))
    }

    @Test func topLevelScalarsAndArrays() {
        var writer = JSONWriter()
        writer.beginArray()
        writer.string("ü")
        writer.int(1)
        writer.end()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"["\u00fc", 1]"#)
        var tree = JSONTreeBuilder()
        tree.string("only")
        #expect(tree.result == "only")
    }
}

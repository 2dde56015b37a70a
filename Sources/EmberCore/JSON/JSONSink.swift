/// Something a JSON document is written into, token by token: bytes (``JSONWriter``, the
/// response hot path) or a ``JSONValue`` tree (``JSONTreeBuilder``, for responses that
/// extensions may still edit). A view written once against this protocol yields both.
///
/// Calls must form a document: inside an object every value follows a `key`; `end` closes
/// the innermost open object or array.
public protocol JSONSink {
    mutating func beginObject()
    mutating func beginArray()
    mutating func end()
    /// The key of the next value; `key` is written without escaping, so it must be printable
    /// ASCII without quotes or backslashes (true of every key a view names in its source).
    mutating func key(_ key: StaticString)
    /// A key from data (metadata keys): escaped as any string.
    mutating func dynamicKey(_ key: String)
    mutating func string(_ value: String)
    /// The string `prefix + suffix` (a link: a URL prefix and an id), without building it.
    mutating func string(_ prefix: String, _ suffix: String)
    /// A string of printable ASCII (no quotes or backslashes) that `write` puts into the
    /// buffer it is given (`capacity` bytes), returning how many it wrote: a datetime written
    /// in place, with no `String` in between.
    mutating func asciiString(capacity: Int, _ write: (UnsafeMutableBufferPointer<UInt8>) -> Int)
    mutating func int(_ value: Int)
    mutating func bool(_ value: Bool)
    mutating func null()
    /// A whole value, for parts still built as trees.
    mutating func value(_ value: JSONValue)
}

extension JSONSink {
    /// A string, or `null` when it is nil.
    public mutating func optional(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// `key` then the string or `null`.
    public mutating func field(_ key: StaticString, _ value: String?) {
        self.key(key)
        optional(value)
    }

    public mutating func string(_ prefix: String, _ suffix: String) {
        string(prefix + suffix)
    }

    /// A string map as an object in key order.
    public mutating func sortedObject(_ map: [String: String]) {
        beginObject()
        for (key, value) in map.sorted(by: { $0.key < $1.key }) {
            dynamicKey(key)
            string(value)
        }
        end()
    }
}

/// Writes JSON text in ``JSONValue/serialized()``'s format (Python's `json.dumps`: `", "` and
/// `": "` separators, non-ASCII as `\uXXXX`) straight into bytes, with no tree in between.
public struct JSONWriter: JSONSink {
    public private(set) var bytes: [UInt8]
    /// Per open container, from the innermost (bit 0): set while nothing has been written in it.
    private var empty: UInt64 = 0
    /// Per open container, from the innermost (bit 0): set for an array.
    private var arrays: UInt64 = 0
    private var depth = 0
    /// A key was written and its value is next (no comma before it).
    private var afterKey = false

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The separator before a value or key at the current position.
    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard depth > 0 else { return }
        if empty & 1 == 1 {
            empty &= ~1
        } else {
            bytes.append(0x2C)  // ,
            bytes.append(0x20)
        }
    }

    private mutating func open(array: Bool) {
        separate()
        bytes.append(array ? UInt8(ascii: "[") : UInt8(ascii: "{"))
        precondition(depth < 64, "JSON nested deeper than 64 levels")
        empty = empty << 1 | 1
        arrays = arrays << 1 | (array ? 1 : 0)
        depth += 1
    }

    public mutating func beginObject() { open(array: false) }
    public mutating func beginArray() { open(array: true) }

    /// Closes the innermost container with `}` or `]`, whichever opened it.
    public mutating func end() {
        precondition(depth > 0, "end() without an open object or array")
        bytes.append(arrays & 1 == 1 ? UInt8(ascii: "]") : UInt8(ascii: "}"))
        empty >>= 1
        arrays >>= 1
        depth -= 1
    }

    public mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
        afterKey = true
    }

    public mutating func dynamicKey(_ key: String) {
        separate()
        JSONValue.writeString(key, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
        afterKey = true
    }

    public mutating func string(_ value: String) {
        separate()
        JSONValue.writeString(value, into: &bytes)
    }

    public mutating func string(_ prefix: String, _ suffix: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        JSONValue.writeStringContents(prefix, into: &bytes)
        JSONValue.writeStringContents(suffix, into: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func asciiString(capacity: Int, _ write: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            let count = write(buffer)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func int(_ value: Int) {
        separate()
        JSONValue.writeInt(value, into: &bytes)
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? JSONValue.trueBytes : JSONValue.falseBytes)
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: JSONValue.nullBytes)
    }

    public mutating func value(_ value: JSONValue) {
        separate()
        value.write(into: &bytes)
    }
}

/// Builds the ``JSONValue`` tree of what is written into it.
public struct JSONTreeBuilder: JSONSink {
    private enum Open {
        case object(JSONObject, pendingKey: String?)
        case array([JSONValue])
    }

    private var stack: [Open] = []
    /// The finished document.
    public private(set) var result: JSONValue = .null

    public init() {}

    private mutating func add(_ value: JSONValue) {
        guard let top = stack.popLast() else {
            result = value
            return
        }
        switch top {
        case .object(var object, let key):
            precondition(key != nil, "a value inside an object needs a key first")
            object.appendNew(key ?? "", value)
            stack.append(.object(object, pendingKey: nil))
        case .array(var values):
            values.append(value)
            stack.append(.array(values))
        }
    }

    private mutating func setKey(_ key: String) {
        guard case .object(let object, _)? = stack.popLast() else {
            preconditionFailure("a key outside an object")
        }
        stack.append(.object(object, pendingKey: key))
    }

    public mutating func beginObject() { stack.append(.object(JSONObject(), pendingKey: nil)) }
    public mutating func beginArray() { stack.append(.array([])) }

    public mutating func end() {
        switch stack.popLast() {
        case .object(let object, _)?: add(.object(object))
        case .array(let values)?: add(.array(values))
        case nil: preconditionFailure("end() without an open object or array")
        }
    }

    public mutating func key(_ key: StaticString) { setKey(key.description) }
    public mutating func dynamicKey(_ key: String) { setKey(key) }
    public mutating func string(_ value: String) { add(.string(value)) }
    public mutating func asciiString(capacity: Int, _ write: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        add(.string(String(unsafeUninitializedCapacity: capacity, initializingUTF8With: write)))
    }
    public mutating func int(_ value: Int) { add(.int(value)) }
    public mutating func bool(_ value: Bool) { add(.bool(value)) }
    public mutating func null() { add(.null) }
    public mutating func value(_ value: JSONValue) { add(value) }
}

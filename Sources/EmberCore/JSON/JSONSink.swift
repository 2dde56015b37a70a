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
        if map.count == 1, let (key, value) = map.first {
            // Nothing to sort (most volumes carry one key or none).
            dynamicKey(key)
            string(value)
        } else {
            for (key, value) in map.sorted(by: { $0.key < $1.key }) {
                dynamicKey(key)
                string(value)
            }
        }
        end()
    }
}

/// Writes JSON text in ``JSONValue/serialized()``'s format (Python's `json.dumps`: `", "` and
/// `": "` separators, non-ASCII as `\uXXXX`) straight into bytes, with no tree in between.
///
/// Each token (a key with its separators, a string with its quotes) is copied through a
/// pointer in one go: appending byte by byte to an array checks its uniqueness and capacity
/// for every byte, which was a tenth of a list page.
public struct JSONWriter: JSONSink {
    /// The document in the first `length` bytes; the rest is room to write into.
    private var storage: [UInt8]
    private var length = 0
    /// Per open container, from the innermost (bit 0): set while nothing has been written in it.
    private var empty: UInt64 = 0
    /// Per open container, from the innermost (bit 0): set for an array.
    private var arrays: UInt64 = 0
    private var depth = 0
    /// A key was written and its value is next (no comma before it).
    private var afterKey = false

    public init(capacity: Int = 256) {
        storage = [UInt8](repeating: 0, count: max(capacity, 16))
    }

    /// The text written so far (a copy).
    public var bytes: [UInt8] { Array(storage[..<length]) }

    /// The text, handed over without a copy; the writer is empty afterwards.
    public mutating func finish() -> [UInt8] {
        var text: [UInt8] = []
        swap(&text, &storage)
        text.removeLast(text.count - length)
        self = JSONWriter(capacity: 0)
        return text
    }

    /// Room for `count` more bytes, doubling the storage when it runs out.
    @inline(__always)
    private mutating func reserve(_ count: Int) {
        if length + count > storage.count { grow(to: length + count) }
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        storage.append(contentsOf: repeatElement(0, count: max(needed, storage.count * 2) - storage.count))
    }

    /// Lets `body` write at most `maximum` bytes at the end; it returns how many it wrote.
    @inline(__always)
    private mutating func put(maximum: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        reserve(maximum)
        let start = length
        length = start + storage.withUnsafeMutableBufferPointer { body($0.baseAddress! + start) }
    }

    /// Writes `", "` at `out` when `comma`; returns how many bytes that took.
    @inline(__always)
    private static func separator(_ comma: Bool, into out: UnsafeMutablePointer<UInt8>) -> Int {
        guard comma else { return 0 }
        out[0] = 0x2C
        out[1] = 0x20
        return 2
    }

    /// Whether the next key or value needs `", "` before it; updates the container state.
    private mutating func takeSeparator() -> Bool {
        if afterKey {
            afterKey = false
            return false
        }
        guard depth > 0 else { return false }
        if empty & 1 == 1 {
            empty &= ~1
            return false
        }
        return true
    }

    /// `", "` when `comma`, then `text`.
    private mutating func put(comma: Bool, _ text: UnsafeBufferPointer<UInt8>) {
        put(maximum: text.count + 2) { out in
            let index = Self.separator(comma, into: out)
            if let base = text.baseAddress { (out + index).update(from: base, count: text.count) }
            return index + text.count
        }
    }

    /// `", "` when `comma`, then the string with its quotes and escapes, then `trailer`.
    private mutating func put(comma: Bool, quoted value: String, trailer: StaticString = "") {
        var value = value
        let written = value.withUTF8 { utf8 -> Bool in
            guard Self.isPlain(utf8) else { return false }
            put(maximum: utf8.count + 4 + trailer.utf8CodeUnitCount) { out in
                var index = Self.separator(comma, into: out)
                out[index] = 0x22
                index += 1
                if let base = utf8.baseAddress { (out + index).update(from: base, count: utf8.count) }
                index += utf8.count
                out[index] = 0x22
                index += 1
                (out + index).update(from: trailer.utf8Start, count: trailer.utf8CodeUnitCount)
                return index + trailer.utf8CodeUnitCount
            }
            return true
        }
        guard !written else { return }
        var escaped: [UInt8] = []
        JSONValue.writeString(value, into: &escaped)
        trailer.withUTF8Buffer { escaped.append(contentsOf: $0) }
        escaped.withUnsafeBufferPointer { put(comma: comma, $0) }
    }

    /// Printable ASCII without quotes or backslashes: copied as is.
    @inline(__always)
    private static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in utf8 where byte < 0x20 || byte >= 0x7F || byte == 0x22 || byte == 0x5C { return false }
        return true
    }

    private mutating func open(array: Bool) {
        let comma = takeSeparator()
        put(maximum: 3) { out in
            let index = Self.separator(comma, into: out)
            out[index] = array ? UInt8(ascii: "[") : UInt8(ascii: "{")
            return index + 1
        }
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
        let close = arrays & 1 == 1 ? UInt8(ascii: "]") : UInt8(ascii: "}")
        put(maximum: 1) { out in
            out[0] = close
            return 1
        }
        empty >>= 1
        arrays >>= 1
        depth -= 1
    }

    public mutating func key(_ key: StaticString) {
        let comma = takeSeparator()
        let count = key.utf8CodeUnitCount
        put(maximum: count + 6) { out in
            var index = Self.separator(comma, into: out)
            out[index] = 0x22
            (out + index + 1).update(from: key.utf8Start, count: count)
            index += count + 1
            out[index] = 0x22
            out[index + 1] = 0x3A
            out[index + 2] = 0x20
            return index + 3
        }
        afterKey = true
    }

    public mutating func dynamicKey(_ key: String) {
        put(comma: takeSeparator(), quoted: key, trailer: ": ")
        afterKey = true
    }

    public mutating func string(_ value: String) {
        put(comma: takeSeparator(), quoted: value)
    }

    public mutating func string(_ prefix: String, _ suffix: String) {
        var prefix = prefix
        var suffix = suffix
        let plain = prefix.withUTF8 { Self.isPlain($0) } && suffix.withUTF8 { Self.isPlain($0) }
        guard plain else { return string(prefix + suffix) }
        let comma = takeSeparator()
        prefix.withUTF8 { first in
            suffix.withUTF8 { second in
                put(maximum: first.count + second.count + 4) { out in
                    var index = Self.separator(comma, into: out)
                    out[index] = 0x22
                    index += 1
                    if let base = first.baseAddress { (out + index).update(from: base, count: first.count) }
                    index += first.count
                    if let base = second.baseAddress { (out + index).update(from: base, count: second.count) }
                    index += second.count
                    out[index] = 0x22
                    return index + 1
                }
            }
        }
    }

    public mutating func asciiString(capacity: Int, _ write: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        let comma = takeSeparator()
        put(maximum: capacity + 4) { out in
            var index = Self.separator(comma, into: out)
            out[index] = 0x22
            index += 1
            index += write(UnsafeMutableBufferPointer(start: out + index, count: capacity))
            out[index] = 0x22
            return index + 1
        }
    }

    public mutating func int(_ value: Int) {
        let comma = takeSeparator()
        put(maximum: 24) { out in
            var index = Self.separator(comma, into: out)
            if value < 0 {
                out[index] = UInt8(ascii: "-")
                index += 1
            }
            // Digits from the right end of the 20 bytes left, then moved to the front.
            var magnitude = value.magnitude
            var position = index + 20
            repeat {
                position -= 1
                out[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            let digits = index + 20 - position
            UnsafeMutableRawPointer(out + index).copyMemory(from: out + position, byteCount: digits)
            return index + digits
        }
    }

    public mutating func bool(_ value: Bool) {
        literal(value ? "true" : "false")
    }

    public mutating func null() {
        literal("null")
    }

    private mutating func literal(_ text: StaticString) {
        let comma = takeSeparator()
        text.withUTF8Buffer { put(comma: comma, $0) }
    }

    public mutating func value(_ value: JSONValue) {
        let comma = takeSeparator()
        var text: [UInt8] = []
        value.write(into: &text)
        text.withUnsafeBufferPointer { put(comma: comma, $0) }
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

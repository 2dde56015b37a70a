extension JSONValue {
    /// The document as Python's `json.dumps(value)` writes it: `", "` and `": "` separators,
    /// non-ASCII characters as `\uXXXX` escapes (UTF-16 surrogate pairs above the BMP).
    public func serialized() -> String {
        String(decoding: serializedBytes(), as: UTF8.self)
    }

    /// UTF-8 bytes of ``serialized()``, written directly (the response hot path).
    public func serializedBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(into: &output)
        return output
    }

    func write(into output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: Self.nullBytes)
        case .bool(let value): output.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
        case .int(let value): Self.writeInt(value, into: &output)
        case .double(let value): output.append(contentsOf: Self.pythonRepr(value).utf8)
        case .string(let value): Self.writeString(value, into: &output)
        case .array(let values):
            output.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { output.append(contentsOf: Self.commaSpace) }
                value.write(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (index, entry) in object.entries.enumerated() {
                if index > 0 { output.append(contentsOf: Self.commaSpace) }
                Self.writeString(entry.key, into: &output)
                output.append(contentsOf: Self.colonSpace)
                entry.value.write(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    static let nullBytes = Array("null".utf8)
    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
    static let commaSpace = Array(", ".utf8)
    static let colonSpace = Array(": ".utf8)
    static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string as Python writes it: printable ASCII as is, everything else escaped
    /// (`\uXXXX` per UTF-16 unit).
    static func writeString(_ value: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        writeStringContents(value, into: &output)
        output.append(UInt8(ascii: "\""))
    }

    /// The characters of a JSON string, escaped, without the quotes.
    static func writeStringContents(_ value: String, into output: inout [UInt8]) {
        var value = value
        // Native strings are contiguous UTF-8: copy printable ASCII in one go.
        let plain = value.withUTF8 { buffer -> Bool in
            for byte in buffer where byte < 0x20 || byte >= 0x7F || byte == 0x22 || byte == 0x5C {
                return false
            }
            output.append(contentsOf: buffer)
            return true
        }
        if !plain {
            for unit in value.utf16 {
                switch unit {
                case 0x22: output.append(contentsOf: [0x5C, 0x22])
                case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0x20...0x7E: output.append(UInt8(unit))
                default:
                    output.append(contentsOf: [0x5C, UInt8(ascii: "u")])
                    for shift in stride(from: 12, through: 0, by: -4) {
                        output.append(hexDigits[Int((unit >> UInt16(shift)) & 0xF)])
                    }
                }
            }
        }
    }

    /// Decimal digits of an integer, without a String in between.
    static func writeInt(_ value: Int, into output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes; Int.min has 19 digits
        withUnsafeMutableBytes(of: &digits) { buffer in
            var position = buffer.count
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            output.append(contentsOf: buffer[position...])
        }
    }

    static func pythonRepr(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        if value == value.rounded(), abs(value) < 1e16 { return String(Int(value)) + ".0" }
        return String(value)
    }
}

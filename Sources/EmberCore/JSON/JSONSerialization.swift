extension JSONValue {
    /// The document as Python's `json.dumps(value)` writes it: `", "` and `": "` separators,
    /// non-ASCII characters as `\uXXXX` escapes (UTF-16 surrogate pairs above the BMP).
    public func serialized() -> String {
        var output = ""
        write(into: &output)
        return output
    }

    /// UTF-8 bytes of ``serialized()``.
    public func serializedBytes() -> [UInt8] { Array(serialized().utf8) }

    func write(into output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .double(let value): output += Self.pythonRepr(value)
        case .string(let value): Self.writeString(value, into: &output)
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += ", " }
                value.write(into: &output)
            }
            output += "]"
        case .object(let object):
            output += "{"
            for (index, entry) in object.entries.enumerated() {
                if index > 0 { output += ", " }
                Self.writeString(entry.key, into: &output)
                output += ": "
                entry.value.write(into: &output)
            }
            output += "}"
        }
    }

    static func pythonRepr(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        if value == value.rounded(), abs(value) < 1e16 { return String(Int(value)) + ".0" }
        return String(value)
    }

    static func writeString(_ value: String, into output: inout String) {
        output += "\""
        for unit in value.utf16 {
            switch unit {
            case 0x22: output += "\\\""
            case 0x5C: output += "\\\\"
            case 0x0A: output += "\\n"
            case 0x0D: output += "\\r"
            case 0x09: output += "\\t"
            case 0x08: output += "\\b"
            case 0x0C: output += "\\f"
            case 0x20...0x7E: output.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default:
                let hex = String(unit, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        output += "\""
    }
}

/// libFuzzer target: the JSON parser every request body goes through.
///
/// Whatever the bytes, parsing ends (no crash, no overflow of the stack), and a document it
/// accepts serializes to text that parses back to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    let text = value.serializedBytes()
    guard let again = try? JSONValue.parse(text) else {
        fatalError("serialized output does not parse: \(String(decoding: text, as: UTF8.self))")
    }
    guard again == value || value.containsNaN else {
        fatalError("round trip changed the value: \(value) → \(again)")
    }
    return 0
}

extension JSONValue {
    fileprivate var containsNaN: Bool {
        switch self {
        case .double(let number): number.isNaN
        case .array(let items): items.contains { $0.containsNaN }
        case .object(let object): object.entries.contains { $0.value.containsNaN }
        default: false
        }
    }
}

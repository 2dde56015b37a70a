/// libFuzzer target: oslo.policy rule strings (`policy.yaml` overrides).
///
/// Parsing always ends with a check (a rule that does not parse is one that never passes, and
/// says why); nesting cannot exhaust the stack.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let (check, problem) = PolicyParser.parse(text)
    if problem != nil, check != .never {
        fatalError("a rule that does not parse must never pass: \(text)")
    }
    return 0
}

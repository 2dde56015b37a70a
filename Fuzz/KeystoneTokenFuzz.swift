/// libFuzzer target: the Keystone token reader (the body of `GET /v3/auth/tokens`).
///
/// Any JSON body is read into a token or refused with a `KeystoneError`; never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeystoneToken(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let body = try? JSONValue.parse(UnsafeBufferPointer(start: data, count: size)) else { return 0 }
    _ = try? KeystoneToken(body: body)
    return 0
}

/// libFuzzer target: `[database] connection` and `transport_url` PostgreSQL URLs.
///
/// Any text parses to a URL or to an error with a reason; never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPostgresURL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    switch PostgresURL.parse(text) {
    case .success(let url):
        guard url.port > 0, url.port < 65536 else { fatalError("port \(url.port) out of range from \(text)") }
    case .failure(let error):
        guard !error.reason.isEmpty else { fatalError("a refusal without a reason: \(text)") }
    }
    return 0
}

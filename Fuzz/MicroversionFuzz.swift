/// libFuzzer target: the `OpenStack-API-Version` header every v3 request may carry.
///
/// Negotiation always answers (a version, or a 400/406 with a message), and a version that
/// parses prints back to the text that parses to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMicroversion(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let header = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    switch APIVersionRequest.negotiate(header: header) {
    case .success(let version):
        guard APIVersionRequest(version.description) == version else {
            fatalError("\(version) does not print back to itself")
        }
    case .failure(let error):
        guard [400, 406].contains(error.status), !error.message.isEmpty else {
            fatalError("an unexpected refusal: \(error)")
        }
    }
    if let version = APIVersionRequest(header), APIVersionRequest(version.description) != version {
        fatalError("\(header) parsed to \(version), which does not print back to itself")
    }
    return 0
}

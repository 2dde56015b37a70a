import AsyncHTTPClient
import EmberImage
import Foundation
import Logging
import NIOCore
import Testing

/// The Glance `.ci/glance.sh` runs, when `EMBER_TEST_GLANCE_URL` is set.
enum LiveGlance {
    static let url: String? = {
        let value = ProcessInfo.processInfo.environment["EMBER_TEST_GLANCE_URL"]
        return value?.isEmpty == false ? value : nil
    }()

    /// True when the live tests can run. Without the URL a notice is printed (`.ci/run` looks
    /// for it), and under CI (`CI` set) the tests still run so that they fail.
    static var available: Bool {
        if url != nil { return true }
        if ProcessInfo.processInfo.environment["CI"] != nil { return true }
        print("notice: EMBER_TEST_GLANCE_URL not set; skipping the tests against a real Glance")
        return false
    }

    static let logger: Logger = {
        var logger = Logger(label: "ember.glance.tests")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs `body` with a client of the live Glance (and its HTTP client), shut down afterwards.
    static func withClient(_ body: (GlanceClient) async throws -> Void) async throws {
        guard let url else {
            Issue.record("CI is set but EMBER_TEST_GLANCE_URL is missing: the Glance tests cannot run")
            return
        }
        let service = GlanceService(
            configuration: GlanceConfiguration(apiServers: [url], numRetries: 0),
            logger: logger
        )
        do {
            try await body(service.client)
        } catch {
            try? await service.shutdown()
            throw error
        }
        try await service.shutdown()
    }
}

/// A byte sequence as one `ByteBuffer` chunk per `chunk` bytes, for streamed uploads.
struct ChunkedBytes: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let bytes: [UInt8]
    let chunk: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        let bytes: [UInt8]
        let chunk: Int
        var offset = 0

        mutating func next() async throws -> ByteBuffer? {
            guard offset < bytes.count else { return nil }
            let end = Swift.min(offset + chunk, bytes.count)
            defer { offset = end }
            return ByteBuffer(bytes: bytes[offset..<end])
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(bytes: bytes, chunk: chunk) }
}

/// Deterministic, incompressible-looking bytes.
func patternBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed | 1
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state)
    }
}

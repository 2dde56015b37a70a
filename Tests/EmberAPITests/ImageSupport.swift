import EmberCore
import EmberImage
import Foundation
import Logging
import NIOCore
import Testing

/// The Glance `.ci/glance.sh` runs, for the image tests of the API and the live stack.
enum TestGlance {
    static let url: String? = {
        let value = ProcessInfo.processInfo.environment["EMBER_TEST_GLANCE_URL"]
        return value?.isEmpty == false ? value : nil
    }()

    /// True when the tests against a real Glance can run. Without the URL a notice is printed
    /// (`.ci/run` looks for it); under CI (`CI` set) the tests still run, and fail.
    static var available: Bool {
        if url != nil { return true }
        if ProcessInfo.processInfo.environment["CI"] != nil { return true }
        print("notice: EMBER_TEST_GLANCE_URL not set; skipping the image tests against a real Glance")
        return false
    }

    static let logger: Logger = {
        var logger = Logger(label: "ember.glance.tests")
        logger.logLevel = .critical
        return logger
    }()

    static let caller = GlanceClient.Caller(token: nil, requestID: "req-image-tests")

    /// Runs `body` with a client of the live Glance.
    static func withClient(_ body: (GlanceClient) async throws -> Void) async throws {
        guard let url else {
            Issue.record("CI is set but EMBER_TEST_GLANCE_URL is missing: the image tests cannot run")
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

    /// Creates an image with `fields` and, when `data` is given, uploads it (the image is then
    /// `active`); returns it as Glance shows it.
    static func image(
        _ client: GlanceClient,
        _ fields: JSONObject = [:],
        data: [UInt8]? = nil
    ) async throws -> GlanceImage {
        var all: JSONObject = [
            "name": .string("ember-test-" + UUID().uuidString.lowercased()), "disk_format": "raw",
            "container_format": "bare",
        ]
        for entry in fields.entries { all[entry.key] = entry.value }
        let created = try await client.create(all, caller: caller)
        if let data {
            try await client.upload(created.id, length: data.count, data: Chunks(bytes: data), caller: caller)
        }
        return try await client.show(created.id, caller: caller)
    }

    /// The whole data of an image.
    static func data(_ client: GlanceClient, _ id: String) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        try await client.download(id, caller: caller) { chunk in bytes.append(contentsOf: chunk.readableBytesView) }
        return bytes
    }
}

/// Bytes as 256 KiB `ByteBuffer` chunks, for uploads.
struct Chunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let bytes: [UInt8]

    struct AsyncIterator: AsyncIteratorProtocol {
        let bytes: [UInt8]
        var offset = 0

        mutating func next() async throws -> ByteBuffer? {
            guard offset < bytes.count else { return nil }
            let end = Swift.min(offset + (256 << 10), bytes.count)
            defer { offset = end }
            return ByteBuffer(bytes: bytes[offset..<end])
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(bytes: bytes) }
}

/// Deterministic bytes that do not compress and are never all zero per block.
func imagePattern(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed | 1
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state) | 1
    }
}

import EmberCore
import EmberTesting
import EmberVolume
import Synchronization
import Testing

/// ``VolumeAPI/exclusively(onVolume:_:)``: changes of one volume in one process run one at a
/// time, in arrival order; other volumes are not held up.
@Suite struct VolumeAPIExclusionTests {
    /// A door the test opens: `pass()` waits until `open()`.
    actor Door {
        private var isOpen = false
        private var waiting: [CheckedContinuation<Void, Never>] = []

        func pass() async {
            if isOpen { return }
            await withCheckedContinuation { waiting.append($0) }
        }

        func open() {
            isOpen = true
            for continuation in waiting { continuation.resume() }
            waiting = []
        }
    }

    /// What ran, in order.
    final class Log: Sendable {
        private let entries = Mutex<[String]>([])
        func append(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    @Test func changesOfOneVolumeWaitTheirTurnAndOtherVolumesDoNot() async throws {
        try await APIHarness.run { _, _, api in
            let log = Log()
            let door = Door()
            let first = Task {
                try await api.exclusively(onVolume: "v1") {
                    log.append("first starts")
                    await door.pass()
                    log.append("first ends")
                }
            }
            try await waitUntil { log.all == ["first starts"] }
            let second = Task {
                try await api.exclusively(onVolume: "v1") { log.append("second") }
            }
            try await waitUntil { await api.waiting(onVolume: "v1") == 1 }
            // Another volume runs at once, while v1's first change is still held.
            try await api.exclusively(onVolume: "v2") { log.append("other volume") }
            #expect(log.all == ["first starts", "other volume"])
            await door.open()
            try await first.value
            try await second.value
            #expect(log.all == ["first starts", "other volume", "first ends", "second"])
            #expect(await api.waiting(onVolume: "v1") == 0)
        }
    }

    @Test func aFailedChangeReleasesTheVolume() async throws {
        struct Refused: Error {}
        try await APIHarness.run { _, _, api in
            await #expect(throws: Refused.self) {
                try await api.exclusively(onVolume: "v1") { throw Refused() }
            }
            let ran = try await api.exclusively(onVolume: "v1") { true }
            #expect(ran)
        }
    }

    private func waitUntil(_ condition: @Sendable () async -> Bool) async throws {
        if try await !poll(every: .milliseconds(5), until: condition) {
            Issue.record("condition not met within \(TestPatience.eventually)")
        }
    }
}

import EmberBus
import Foundation
import Testing

/// What consumers saw, for assertions.
actor Recorder {
    struct Entry: Sendable {
        var consumer: Int
        var method: String
        var messageID: UUID
    }

    private(set) var entries: [Entry] = []

    func record(_ consumer: Int, _ envelope: Envelope) {
        entries.append(Entry(consumer: consumer, method: envelope.method, messageID: envelope.id))
    }

    func count(method: String) -> Int {
        entries.filter { $0.method == method }.count
    }

    func entries(method: String) -> [Entry] {
        entries.filter { $0.method == method }
    }

    /// Consumers that have recorded a message with `method`.
    func consumers(method: String) -> Set<Int> {
        Set(entries.filter { $0.method == method }.map(\.consumer))
    }
}

/// A gate a handler waits at until the test opens it (not cancellable on purpose).
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}

/// Sends fanout pings until every one of `count` consumers of `topic` has answered: proof
/// that they are all registered (fanout reaches only registered consumers).
func awaitConsumersReady(_ bus: any MessageBus, topic: String, count: Int, recorder: Recorder) async throws {
    try await waitUntil("\(count) consumers of \(topic) are ready") {
        if await recorder.consumers(method: "ping").count == count { return true }
        try await bus.fanoutCast(BusFixture.envelope(topic, "ping"))
        try await Task.sleep(for: .milliseconds(200))
        return await recorder.consumers(method: "ping").count == count
    }
}

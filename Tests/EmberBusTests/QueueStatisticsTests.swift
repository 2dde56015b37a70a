import EmberBus
import EmberCore
import Foundation
import Testing

/// `queueStatistics()`, what the metrics report per topic: unacknowledged messages and the
/// age of the oldest, on both transports.
@Suite struct QueueStatisticsTests {
    @Test(arguments: TransportKind.allCases)
    func waitingMessagesAreCountedUntilConsumed(kind: TransportKind) async throws {
        guard let bus = BusFixture.make(kind) else { return }
        let topic = BusFixture.topic()
        let idle = BusFixture.topic()
        try await withRunning(bus) {
            let before = Date()
            for _ in 0..<3 { try await bus.cast(BusFixture.envelope(topic, "work")) }
            let waiting = try await bus.queueStatistics().filter { $0.topic == topic || $0.topic == idle }
            #expect(waiting.map(\.topic) == [topic], "a topic with nothing waiting is left out")
            #expect(waiting.first?.depth == 3)
            let oldest = try #require(waiting.first?.oldestCreatedAt)
            // PostgreSQL stamps with its own clock (the same machine here): a second's leeway.
            #expect(oldest.timeIntervalSince(before) > -1 && oldest.timeIntervalSinceNow < 1)

            let recorder = Recorder()
            let consumer = MessageBusTests.recording(bus, topic: topic, index: 0, recorder: recorder)
            try await withConsumers([consumer]) {
                try await waitUntil("the three messages are consumed and acknowledged") {
                    try await bus.queueStatistics().allSatisfy { $0.topic != topic }
                }
            }
            #expect(await recorder.count(method: "work") == 3)
        }
    }
}

import EmberBus
import EmberCore
import EmberTesting
import Foundation
import Testing

/// Behaviour of every transport: the same tests run in-process and, when
/// `EMBER_TEST_POSTGRES_URL` is set, on PostgreSQL.
@Suite struct MessageBusTests {
    /// A consumer that records what it sees and waits `delay` per message.
    static func recording(
        _ bus: any MessageBus,
        topic: String,
        index: Int,
        recorder: Recorder,
        delay: Duration = .zero
    ) -> any MessageConsumer {
        bus.makeConsumer(topic: topic, supportedVersion: .scheduler) { envelope in
            await recorder.record(index, envelope)
            if delay > .zero { try await Task.sleep(for: delay) }
            return .null
        }
    }

    @Test(arguments: TransportKind.allCases)
    func castIsDeliveredOnceToOneOfSeveralConsumers(kind: TransportKind) async throws {
        guard let bus = BusFixture.make(kind) else { return }
        let topic = BusFixture.topic()
        let recorder = Recorder()
        let consumers = (0..<3).map {
            Self.recording(bus, topic: topic, index: $0, recorder: recorder, delay: .milliseconds(1))
        }
        try await withRunning(bus) {
            try await withConsumers(consumers) {
                try await awaitConsumersReady(bus, topic: topic, count: 3, recorder: recorder)
                var sent: [UUID] = []
                for number in 0..<200 {
                    let envelope = BusFixture.envelope(topic, "create_volume", arguments: ["n": .int(number)])
                    sent.append(envelope.id)
                    try await bus.cast(envelope)
                }
                try await waitUntil("200 casts are handled") { await recorder.count(method: "create_volume") >= 200 }
                let entries = await recorder.entries(method: "create_volume")
                #expect(entries.count == 200)
                #expect(Set(entries.map(\.messageID)) == Set(sent))
                #expect(Set(entries.map(\.consumer)) == [0, 1, 2], "every consumer took a share")
            }
        }
    }

    @Test(arguments: TransportKind.allCases)
    func serverScopedTopicsReachOnlyTheirBackend(kind: TransportKind) async throws {
        guard let bus = BusFixture.make(kind) else { return }
        let suffix = UUID().uuidString.lowercased().prefix(8)
        let topicA = Topic.volume(host: "node-a-\(suffix)", backend: "lvm")
        let topicB = Topic.volume(host: "node-b-\(suffix)", backend: "lvm")
        #expect(topicA == "cinder-volume.node-a-\(suffix)@lvm")
        let recorder = Recorder()
        let consumers = [
            Self.recording(bus, topic: topicA, index: 0, recorder: recorder),
            Self.recording(bus, topic: topicB, index: 1, recorder: recorder),
        ]
        try await withRunning(bus) {
            try await withConsumers(consumers) {
                for _ in 0..<10 {
                    try await bus.cast(BusFixture.envelope(topicA, "delete_volume"))
                    try await bus.cast(BusFixture.envelope(topicB, "extend_volume"))
                }
                try await waitUntil("both backends handled their casts") {
                    let deleted = await recorder.count(method: "delete_volume")
                    let extended = await recorder.count(method: "extend_volume")
                    return deleted == 10 && extended == 10
                }
                #expect(await recorder.consumers(method: "delete_volume") == [0])
                #expect(await recorder.consumers(method: "extend_volume") == [1])
            }
        }
    }

    @Test(arguments: TransportKind.allCases)
    func fanoutReachesEveryConsumerOnce(kind: TransportKind) async throws {
        guard let bus = BusFixture.make(kind) else { return }
        let topic = BusFixture.topic()
        let recorder = Recorder()
        let consumers = (0..<3).map { Self.recording(bus, topic: topic, index: $0, recorder: recorder) }
        try await withRunning(bus) {
            try await withConsumers(consumers) {
                try await awaitConsumersReady(bus, topic: topic, count: 3, recorder: recorder)
                var sent: [UUID] = []
                for _ in 0..<5 {
                    let envelope = BusFixture.envelope(topic, "update_service_capabilities")
                    sent.append(envelope.id)
                    try await bus.fanoutCast(envelope)
                }
                // A last fanout after them: once every consumer has it, the earlier ones are in.
                try await bus.fanoutCast(BusFixture.envelope(topic, "sentinel"))
                try await waitUntil("every consumer got the sentinel") {
                    await recorder.consumers(method: "sentinel").count == 3
                }
                try await waitUntil("every consumer got five capability reports") {
                    await recorder.count(method: "update_service_capabilities") >= 15
                }
                let entries = await recorder.entries(method: "update_service_capabilities")
                #expect(entries.count == 15)
                for consumer in 0..<3 {
                    #expect(
                        entries.filter { $0.consumer == consumer }.map(\.messageID).sorted {
                            $0.uuidString < $1.uuidString
                        } == sent.sorted { $0.uuidString < $1.uuidString }
                    )
                }
            }
        }
    }

    @Test(arguments: TransportKind.allCases)
    func callReturnsTheHandlersReply(kind: TransportKind) async throws {
        guard let bus = BusFixture.make(kind) else { return }
        let topic = BusFixture.topic(Topic.volume)
        let consumer = bus.makeConsumer(topic: topic, supportedVersion: .volume) { envelope in
            if envelope.method == "attach_volume" {
                return ["echo": envelope.arguments, "request_id": .string(envelope.context.requestID)]
            }
            throw EmberError.badRequest("Invalid volume: volume is busy.")
        }
        try await withRunning(bus) {
            try await withConsumers([consumer]) {
                let envelope = BusFixture.envelope(
                    topic,
                    "attach_volume",
                    version: RPCVersion(3, 9),
                    arguments: ["mode": "rw"]
                )
                let reply = try await bus.call(envelope, timeout: TestPatience.eventually)
                #expect(reply["echo"] == ["mode": "rw"])
                #expect(reply["request_id"] == .string(envelope.context.requestID))

                let error = await #expect(throws: BusError.self) {
                    try await bus.call(BusFixture.envelope(topic, "detach_volume"), timeout: TestPatience.eventually)
                }
                #expect(error?.emberError == .badRequest("Invalid volume: volume is busy."))
            }
        }
    }

    @Test(arguments: TransportKind.allCases)
    func callWithoutConsumerTimesOut(kind: TransportKind) async throws {
        guard let bus = BusFixture.make(kind) else { return }
        let topic = BusFixture.topic()
        try await withRunning(bus) {
            let error = await #expect(throws: BusError.self) {
                try await bus.call(BusFixture.envelope(topic, "get_pools"), timeout: .milliseconds(300))
            }
            guard case .timeout(let timedOutTopic, let method, _)? = error else {
                Issue.record("expected a timeout, got \(String(describing: error))")
                return
            }
            #expect(timedOutTopic == topic)
            #expect(method == "get_pools")
            #expect(error?.emberError.status == 500)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func gracefulShutdownFinishesTheMessageInHand(kind: TransportKind) async throws {
        guard let bus = BusFixture.make(kind) else { return }
        let topic = BusFixture.topic()
        let events = Recorder()
        let gate = Gate()
        let consumer = bus.makeConsumer(topic: topic, supportedVersion: .scheduler) { envelope in
            await events.record(
                0,
                Envelope(topic: topic, method: "started", version: envelope.version, context: envelope.context)
            )
            await gate.wait()
            await events.record(
                0,
                Envelope(topic: topic, method: "finished", version: envelope.version, context: envelope.context)
            )
            return .null
        }
        try await withRunning(bus) {
            let group = ServiceGroupHandle(consumer)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    try await group.run()
                    await events.record(0, BusFixture.envelope(topic, "stopped"))
                }
                try await bus.cast(BusFixture.envelope(topic, "create_volume"))
                try await waitUntil("the handler started") { await events.count(method: "started") == 1 }
                await group.shutDown()
                await gate.open()
                try await tasks.waitForAll()
            }
            #expect(await events.entries.map(\.method) == ["started", "finished", "stopped"])
            // Acknowledged: a new consumer gets nothing more.
            let recorder = Recorder()
            let second = Self.recording(bus, topic: topic, index: 1, recorder: recorder)
            try await withConsumers([second]) {
                try await bus.cast(BusFixture.envelope(topic, "sentinel"))
                try await waitUntil("the sentinel arrived") { await recorder.count(method: "sentinel") == 1 }
                #expect(await recorder.count(method: "create_volume") == 0)
            }
        }
    }

    @Test(arguments: TransportKind.allCases)
    func messageOfAKilledConsumerIsRedelivered(kind: TransportKind) async throws {
        guard let bus = BusFixture.make(kind, BusOptions(visibilityTimeout: .seconds(2))) else { return }
        let topic = BusFixture.topic()
        let recorder = Recorder()
        let stuck = bus.makeConsumer(topic: topic, supportedVersion: .scheduler) { envelope in
            await recorder.record(0, envelope)
            try await suspendUntilCancelled()
            return .null
        }
        let envelope = BusFixture.envelope(topic, "create_volume")
        try await withRunning(bus) {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await stuck.run() }
                try await bus.cast(envelope)
                try await waitUntil("the first consumer claimed it") {
                    await recorder.count(method: "create_volume") == 1
                }
                tasks.cancelAll()  // killed mid-message: never acknowledges
                try? await tasks.waitForAll()
            }
            let rescuer = Self.recording(bus, topic: topic, index: 1, recorder: recorder)
            try await withConsumers([rescuer]) {
                try await waitUntil("another consumer got it again") {
                    await recorder.consumers(method: "create_volume") == [0, 1]
                }
            }
            #expect(await recorder.entries(method: "create_volume").map(\.messageID) == [envelope.id, envelope.id])
        }
    }

    @Test(arguments: TransportKind.allCases)
    func castsSentWithoutConsumerAreDeliveredWhenOneStarts(kind: TransportKind) async throws {
        let options = BusOptions()
        guard let sender = BusFixture.make(kind, options) else { return }
        let topic = BusFixture.topic()
        let sent: [UUID] = try await withRunning(sender) {
            var sent: [UUID] = []
            for _ in 0..<5 {
                let envelope = BusFixture.envelope(topic, "create_volume")
                sent.append(envelope.id)
                try await sender.cast(envelope)
            }
            return sent
        }
        // PostgreSQL: a new bus instance with a new client, as after a restart of the workers.
        let receiver = kind == .inProcess ? sender : try #require(BusFixture.make(kind, options))
        let recorder = Recorder()
        try await withRunning(receiver) {
            try await withConsumers([Self.recording(receiver, topic: topic, index: 0, recorder: recorder)]) {
                try await waitUntil("the waiting casts arrived") { await recorder.count(method: "create_volume") == 5 }
            }
        }
        #expect(await recorder.entries(method: "create_volume").map(\.messageID) == sent)
    }

    @Test(arguments: TransportKind.allCases)
    func poisonMessageIsDeadLetteredAfterMaxAttempts(kind: TransportKind) async throws {
        guard let bus = BusFixture.make(kind, BusOptions(maxAttempts: 3)) else { return }
        let topic = BusFixture.topic()
        let recorder = Recorder()
        let consumer = bus.makeConsumer(topic: topic, supportedVersion: .scheduler) { envelope in
            await recorder.record(0, envelope)
            struct Boom: Error {}
            throw Boom()
        }
        let envelope = BusFixture.envelope(topic, "create_volume")
        try await withRunning(bus) {
            try await withConsumers([consumer]) {
                try await bus.cast(envelope)
                try await waitUntil("the message is dead") { try await !bus.deadLetters(topic: topic).isEmpty }
            }
            let dead = try await bus.deadLetters(topic: topic)
            #expect(dead.map(\.envelope.id) == [envelope.id])
            #expect(dead.first?.attempts == 3)
            #expect(dead.first?.reason.contains("Boom") == true)
            #expect(await recorder.count(method: "create_volume") == 3)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func unsupportedVersionIsRejected(kind: TransportKind) async throws {
        guard let bus = BusFixture.make(kind) else { return }
        let topic = BusFixture.topic(Topic.volume)
        let recorder = Recorder()
        let consumer = bus.makeConsumer(topic: topic, supportedVersion: .volume) { envelope in
            await recorder.record(0, envelope)
            return .null
        }
        try await withRunning(bus) {
            try await withConsumers([consumer]) {
                let cast = BusFixture.envelope(topic, "delete_volume", version: RPCVersion(4, 0))
                try await bus.cast(cast)
                try await waitUntil("the cast is dead-lettered") { try await !bus.deadLetters(topic: topic).isEmpty }
                let dead = try await bus.deadLetters(topic: topic)
                #expect(dead.first?.envelope.id == cast.id)
                #expect(dead.first?.reason.contains("4.0") == true)

                let error = await #expect(throws: BusError.self) {
                    try await bus.call(
                        BusFixture.envelope(topic, "attach_volume", version: RPCVersion(3, 21)),
                        timeout: TestPatience.eventually
                    )
                }
                guard case .remote(let remote)? = error else {
                    Issue.record("expected a remote error, got \(String(describing: error))")
                    return
                }
                #expect(remote.message.contains("3.21"))
                #expect(await recorder.entries.isEmpty)
            }
        }
    }

    @Test(arguments: TransportKind.allCases)
    func messageThatKeepsKillingConsumersIsDeadLettered(kind: TransportKind) async throws {
        guard let bus = BusFixture.make(kind, BusOptions(maxAttempts: 2, visibilityTimeout: .seconds(1))) else {
            return
        }
        let topic = BusFixture.topic()
        let recorder = Recorder()
        let envelope = BusFixture.envelope(topic, "create_volume")
        try await withRunning(bus) {
            try await bus.cast(envelope)
            // Two consumers in turn take it and die without acknowledging.
            for attempt in 1...2 {
                let doomed = bus.makeConsumer(topic: topic, supportedVersion: .scheduler) { envelope in
                    await recorder.record(attempt, envelope)
                    try await suspendUntilCancelled()
                    return .null
                }
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await doomed.run() }
                    try await waitUntil("consumer \(attempt) took it") {
                        await recorder.count(method: "create_volume") == attempt
                    }
                    tasks.cancelAll()
                    try? await tasks.waitForAll()
                }
            }
            // The next consumer must not run it a third time.
            let survivor = Self.recording(bus, topic: topic, index: 3, recorder: recorder)
            try await withConsumers([survivor]) {
                try await waitUntil("the message is dead") { try await !bus.deadLetters(topic: topic).isEmpty }
            }
            #expect(try await bus.deadLetters(topic: topic).map(\.envelope.id) == [envelope.id])
            #expect(await recorder.consumers(method: "create_volume") == [1, 2])
        }
    }
}

import EmberBus
import EmberCore
import EmberTesting
import Foundation
import Testing

@Suite struct RPCClientTests {
    @Test(arguments: TransportKind.allCases)
    func clientAndDispatcherRouteByMethod(kind: TransportKind) async throws {
        guard let bus = BusFixture.make(kind) else { return }
        let topic = BusFixture.topic(Topic.volume)
        let recorder = Recorder()
        var dispatcher = RPCDispatcher(topic: topic)
        dispatcher.on("delete_volume") { envelope in
            await recorder.record(0, envelope)
            return .null
        }
        dispatcher.on("get_capabilities") { envelope in
            ["discover": envelope.arguments["discover"] ?? .null, "version": .string(envelope.version.description)]
        }
        #expect(dispatcher.methods == ["delete_volume", "get_capabilities"])
        let consumer = bus.makeConsumer(topic: topic, supportedVersion: .volume, handler: dispatcher.handler)
        let client = RPCClient(bus: bus, topic: topic, timeout: TestPatience.eventually)
        let context = RPCContext(requestID: "req-1", userID: "u", projectID: "p")
        try await withRunning(bus) {
            try await withConsumers([consumer]) {
                try await client.cast("delete_volume", context: context, ["volume": ["id": "v1"], "cascade": false])
                let capabilities = try await client.prepare(version: RPCVersion(3, 15))
                    .call("get_capabilities", context: context, ["discover": true])
                #expect(capabilities == ["discover": true, "version": "3.15"])
                try await waitUntil("the cast arrived") { await recorder.count(method: "delete_volume") == 1 }
                let delivered = try #require(await recorder.entries(method: "delete_volume").first)
                #expect(delivered.method == "delete_volume")

                let error = await #expect(throws: BusError.self) {
                    try await client.call("freeze_host", context: context)
                }
                guard case .remote(let remote)? = error else {
                    Issue.record("expected a remote error, got \(String(describing: error))")
                    return
                }
                #expect(remote.message.contains("freeze_host"))

                try await client.cast("thaw_host", context: context)
                try await waitUntil("the unknown cast is dead-lettered") {
                    try await bus.deadLetters(topic: topic).map(\.envelope.method) == ["thaw_host"]
                }
            }
        }
    }
}

import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import EmberTesting
import Foundation
import Testing

@testable import EmberVolume

/// A transfer through the real bus: the API's `accept_transfer` call reaches the volume's
/// backend, which answers before the ownership moves; the volume's data stays where it is.
@Suite struct TransferFlowTests {
    @Test(
        "accept asks the backend over the bus, then the volume and its quota change project",
        arguments: WorkerBackendKind.all
    )
    func acceptCallsTheBackendAndMovesTheVolume(kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind) { workers in
            try await workers.waitForBackends(2)
            let created = try await workers.createVolume(size: 1)
            let volume = try await workers.waitForVolume(created.id, [.available, .error])
            #expect(volume.status == .available)
            let offered = try await workers.api.transfers.create(
                TransferCreateRequest(name: "flow"),
                volume: volume,
                caller: workers.caller,
                requestID: "req-transfer"
            )
            let taker = Identity(userID: "taker", projectID: UUID().uuidString.lowercased())
            let accepted = try await workers.api.transfers.accept(
                id: offered.transfer.id,
                authKey: offered.authKey,
                caller: taker,
                requestID: "req-accept"
            )
            #expect(accepted.id == offered.transfer.id)
            let moved = try await workers.store.volume(id: volume.id, scope: .allProjects)
            #expect(moved.projectID == taker.projectID)
            #expect(moved.status == .available)
            #expect(moved.host == volume.host)
            let usage = try await workers.store.quotaUsages(projectID: taker.projectID!)
            #expect(usage["volumes"]?.inUse == 1 && usage["gigabytes"]?.inUse == 1)
            #expect(try await workers.store.quotaUsages(projectID: workers.caller.projectID!)["volumes"]?.inUse == 0)

            // The manager refuses a volume it does not have, and the call carries the error.
            let host = try #require(volume.host)
            await #expect(throws: (any Error).self) {
                try await VolumeRPC.client(bus: workers.bus, host: host, timeout: TestPatience.eventually).call(
                    VolumeRPC.AcceptTransfer(
                        volumeID: UUID().uuidString.lowercased(),
                        newUser: "u",
                        newProject: "p",
                        noSnapshots: false
                    ),
                    context: RPCContext(requestID: "req-missing", userID: "u", projectID: "p")
                )
            }
        }
    }
}

import EmberCore
import Foundation
import Testing

@testable import EmberStore

/// `volumeCensus()` and the connections in use: what the metrics read from the store.
@Suite("Volume census")
struct CensusTests {
    @Test(arguments: TestBackend.all)
    func volumesAreCountedByStatusAndBackendWithoutThePool(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            #expect(try await store.volumeCensus().isEmpty)
            for (status, host) in [
                (VolumeStatus.available, "node-1@file#pool-a"), (.available, "node-1@file#pool-b"),
                (.available, "node-2@file#pool-a"), (.error, "node-1@file#pool-a"), (.creating, nil),
            ] {
                var volume = StoreTests.makeVolume(status: status)
                volume.host = host
                _ = try await store.createVolume(volume)
            }
            let gone = try await store.createVolume(StoreTests.makeVolume(status: .available))
            try await store.deleteVolume(id: gone.id)
            #expect(
                try await store.volumeCensus() == [
                    VolumeCensus(status: "available", backend: "node-1@file", count: 2),
                    VolumeCensus(status: "available", backend: "node-2@file", count: 1),
                    VolumeCensus(status: "creating", backend: "", count: 1),
                    VolumeCensus(status: "error", backend: "node-1@file", count: 1),
                ]
            )
            #expect(database.connectionsInUse == 0, "no operation is running")
        }
    }
}

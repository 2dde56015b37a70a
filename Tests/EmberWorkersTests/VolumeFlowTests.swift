import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import EmberWorkers
import Foundation
import Testing

@testable import EmberVolume

@Suite("Volume create and delete through the scheduler and the volume managers")
struct VolumeFlowTests {
    @Test(
        "create → scheduled → available with a file; delete → file, row and quota gone",
        arguments: WorkerBackendKind.all
    )
    func createAndDeleteRoundTrip(kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind) { workers in
            try await workers.waitForBackends(2)
            let created = try await workers.createVolume(size: 1)
            let volume = try await workers.waitForVolume(created.id, [.available, .error])
            #expect(volume.status == .available)
            let host = try #require(volume.host)
            #expect(host.hasPrefix(workers.configuration.host + "@"))
            #expect(host.contains("#"))
            #expect(volume.scheduledAt != nil)
            #expect(volume.launchedAt != nil)
            let backend = String(host.split(separator: "@")[1].split(separator: "#")[0])
            // cinder's manager records the holding service (service_uuid, shown from 3.48).
            let service = try await workers.store.listServices(
                host: workers.configuration.host + "@" + backend,
                binary: "cinder-volume",
                topic: nil,
                disabled: nil
            ).first
            #expect(volume.serviceUUID != nil)
            #expect(volume.serviceUUID == service?.uuid)
            let path = workers.directory.path + "/" + backend + "/volume-" + created.id
            #expect(fileSize(path) == 1 << 30)
            let usage = try await workers.store.quotaUsages(projectID: workers.caller.projectID!)
            #expect(usage["gigabytes"]?.inUse == 1)

            try await workers.deleteVolume(created.id)
            try await workers.waitForDeletion(created.id)
            #expect(fileSize(path) == nil)
            try await waitUntil("quota usage is back to 0") {
                let usages = try await workers.store.quotaUsages(projectID: workers.caller.projectID!)
                return usages["gigabytes"]?.inUse == 0 && usages["volumes"]?.inUse == 0
            }
        }
    }

    @Test("the volume type's volume_backend_name picks the backend")
    func backendNameExtraSpecSelectsBackend() async throws {
        try await WorkerHarness.run { workers in
            try await workers.waitForBackends(2)
            let type = try await workers.store.createVolumeType(
                VolumeType(name: "beta-only", extraSpecs: ["volume_backend_name": "beta"])
            )
            for _ in 0..<3 {
                let created = try await workers.createVolume(size: 1, type: type.id)
                let volume = try await workers.waitForVolume(created.id, [.available, .error])
                #expect(volume.status == .available)
                #expect(volume.host == workers.configuration.host + "@beta#beta")
            }
        }
    }

    @Test("capabilities: an unknown capability or operator mismatch leaves no valid backend")
    func unmatchedCapabilityFailsWithUserMessage() async throws {
        try await WorkerHarness.run { workers in
            try await workers.waitForBackends(2)
            let type = try await workers.store.createVolumeType(
                VolumeType(name: "gold", extraSpecs: ["capabilities:storage_protocol": "<in> iSCSI"])
            )
            let created = try await workers.createVolume(size: 1, type: type.id)
            let volume = try await workers.waitForVolume(created.id, [.available, .error])
            #expect(volume.status == .error)
            #expect(volume.host == nil)
            let messages = try await workers.waitForMessage(
                in: .project(workers.caller.projectID!),
                "the volume's"
            ) { $0.resourceUUID == created.id }
            let message = try #require(messages.first)
            #expect(message.eventID == "VOLUME_VOLUME_001_003")
            #expect(message.resourceUUID == created.id)
            #expect(message.actionID == "001")
            #expect(message.detailID == "003")
        }
    }

    @Test("capacity: reserved_percentage and max_over_subscription_ratio bound what a backend takes")
    func capacityFilterUsesReservedAndOverSubscription() async throws {
        let configure: @Sendable (inout WorkerConfiguration) -> Void = { configuration in
            // alpha may hand out nothing (100% reserved); beta is thick-equivalent (ratio 1).
            configuration.backends[0].reservedPercentage = 100
            configuration.backends[1].maxOverSubscriptionRatio = 1
        }
        try await WorkerHarness.run(configure: configure) { workers in
            try await workers.waitForBackends(2)
            let beta = try #require(await workers.scheduler.backends().first { $0.backend.hasSuffix("@beta") })
            let fits = try await workers.createVolume(size: 1)
            #expect(try await workers.waitForVolume(fits.id, [.available, .error]).host?.contains("@beta") == true)
            // Bigger than beta's whole disk with ratio 1: no valid backend.
            let tooBig = Int(beta.totalCapacityGiB) + 10
            let failed = try await workers.createVolume(size: tooBig)
            #expect(try await workers.waitForVolume(failed.id, [.available, .error]).status == .error)
        }
    }

    @Test("availability zone: a volume lands only on a backend of its zone")
    func availabilityZoneFilter() async throws {
        let configure: @Sendable (inout WorkerConfiguration) -> Void = { configuration in
            configuration.backends[1].availabilityZone = "zone-b"
        }
        try await WorkerHarness.run(configure: configure) { workers in
            try await workers.waitForBackends(2)
            let state = await workers.scheduler.backends()
            #expect(Set(state.map(\.availabilityZone)) == ["nova", "zone-b"])
            // The API accepts only the storage zone, so cast the scheduler directly for zone-b.
            let volume = try await workers.store.createVolume(
                Volume(
                    userID: workers.caller.userID,
                    projectID: workers.caller.projectID,
                    size: 1,
                    volumeTypeID: try await workers.api.types.defaultType().id,
                    availabilityZone: "zone-b"
                )
            )
            let spec = VolumeRequestSpec(
                volumeID: volume.id,
                size: 1,
                volumeTypeID: volume.volumeTypeID,
                availabilityZone: "zone-b"
            )
            try await SchedulerRPC.client(bus: workers.bus).cast(
                SchedulerRPC.CreateVolume(volumeID: volume.id, requestSpec: spec),
                context: RPCContext(requestID: "req-az", identity: workers.caller)
            )
            let placed = try await workers.waitForVolume(volume.id, [.available, .error])
            #expect(placed.host == workers.configuration.host + "@beta#beta")

            var nowhere = spec
            let orphan = try await workers.store.createVolume(
                Volume(
                    userID: workers.caller.userID,
                    projectID: workers.caller.projectID,
                    size: 1,
                    volumeTypeID: volume.volumeTypeID,
                    availabilityZone: "zone-x"
                )
            )
            nowhere.volumeID = orphan.id
            nowhere.availabilityZone = "zone-x"
            try await SchedulerRPC.client(bus: workers.bus).cast(
                SchedulerRPC.CreateVolume(volumeID: orphan.id, requestSpec: nowhere),
                context: RPCContext(requestID: "req-az2", identity: workers.caller)
            )
            #expect(try await workers.waitForVolume(orphan.id, [.available, .error]).status == .error)
        }
    }
}

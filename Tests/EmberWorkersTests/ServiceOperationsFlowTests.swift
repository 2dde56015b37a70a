import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation
import Testing

@testable import EmberVolume

/// `os-services` through the real bus: freeze and thaw reach the volume service, which
/// disables and enables itself; the scheduler stops placing on a frozen backend; the log
/// levels of a running service change at once and read back over the bus.
@Suite struct ServiceOperationsFlowTests {
    @Test(
        "freeze disables the backend over the bus and the scheduler places elsewhere",
        arguments: WorkerBackendKind.all
    )
    func freezeAndThawReachTheVolumeService(kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind) { workers in
            try await workers.waitForBackends(2)
            let alpha = workers.manager("alpha").host
            try await workers.api.services.freeze(host: alpha, cluster: nil, caller: workers.caller, requestID: "req-f")
            let frozen = try await workers.store.service(host: alpha, binary: "cinder-volume")
            #expect(frozen.frozen)
            #expect(frozen.disabled)
            #expect(frozen.disabledReason == "frozen")

            for _ in 0..<3 {
                let created = try await workers.createVolume(size: 1)
                let volume = try await workers.waitForVolume(created.id, [.available, .error])
                #expect(volume.status == .available)
                #expect(volume.host?.hasPrefix(workers.manager("beta").host) == true, "\(volume.host ?? "none")")
            }

            let refusal = try await workers.api.services.thaw(
                host: alpha,
                cluster: nil,
                caller: workers.caller,
                requestID: "req-t"
            )
            #expect(refusal == nil)
            let thawed = try await workers.store.service(host: alpha, binary: "cinder-volume")
            #expect(!thawed.frozen)
            #expect(!thawed.disabled)
            #expect(thawed.disabledReason == "")
        }
    }

    @Test("set-log changes a running volume service's level at once; get-log reads it over the bus")
    func logLevelsOfARunningService() async throws {
        try await WorkerHarness.run(.sqlite) { workers in
            try await workers.waitForBackends(2)
            // A logger of the in-process volume service, under a prefix no other test uses.
            let label = "ember.flowlevels.volume"
            LogLevels.register(label)
            let host = workers.manager("alpha").host
            let before = try await workers.api.services.logLevels(
                binary: "cinder-volume",
                server: host,
                prefix: "ember.flowlevels",
                caller: workers.caller,
                requestID: "req-g1"
            )
            #expect(before.map(\.host) == [host])
            #expect(before.first?.levels.map(\.level) == ["INFO"])
            try await workers.api.services.setLogLevels(
                binary: "cinder-volume",
                server: host,
                prefix: "ember.flowlevels",
                level: "ERROR",
                caller: workers.caller,
                requestID: "req-s"
            )
            try await waitUntil("the volume service applies the level") { LogLevels.level(for: label) == .error }
            let after = try await workers.api.services.logLevels(
                binary: "cinder-volume",
                server: host,
                prefix: "ember.flowlevels",
                caller: workers.caller,
                requestID: "req-g2"
            )
            #expect(after.first?.levels.map(\.name) == [label])
            #expect(after.first?.levels.map(\.level) == ["ERROR"])
        }
    }
}

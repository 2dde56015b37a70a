import EmberCore
import EmberWorkers
import Logging
import ServiceLifecycle
import Testing

@Suite("Scheduler start-up") struct SchedulerStartupTests {
    /// Creates queued while no scheduler ran are placed by the scheduler that starts later,
    /// before any fanout capability report reaches it: it asks the up volume services itself.
    @Test(
        "a scheduler started after creates were queued places them on the up backends",
        arguments: WorkerBackendKind.all
    )
    func schedulerStartedLatePlacesQueuedCreates(kind: WorkerBackendKind) async throws {
        // `periodic_interval` is also the window the first placement waits for the missing
        // reports in: 30 s was too short for the `get_capabilities` calls over the PostgreSQL
        // bus in a loaded parallel CI run (three of four creates failed "No valid backend").
        let slowReports: @Sendable (inout WorkerConfiguration) -> Void = { $0.periodicInterval = .seconds(300) }
        try await WorkerHarness.run(kind, configure: slowReports, startWorkers: false) { workers in
            let managers = ServiceGroup(services: workers.managers, logger: WorkerHarness.logger)
            let scheduler = ServiceGroup(services: [workers.scheduler], logger: WorkerHarness.logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await managers.run() }
                try await waitUntil("both volume services registered") {
                    try await workers.store.listServices(host: nil, binary: "cinder-volume", topic: nil, disabled: nil)
                        .filter { $0.host.hasPrefix(workers.configuration.host + "@") }.count == 2
                }
                var ids: [String] = []
                for _ in 0..<4 { ids.append(try await workers.createVolume(size: 1).id) }
                tasks.addTask { try await scheduler.run() }
                var hosts: Set<String> = []
                for id in ids {
                    let volume = try await workers.waitForVolume(id, [.available, .error])
                    #expect(volume.status == .available, "volume \(id) ended \(volume.status)")
                    hosts.insert(volume.host ?? "")
                }
                #expect(hosts.count == 2, "both backends were known to the first placement: \(hosts)")
                await scheduler.triggerGracefulShutdown()
                await managers.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }
}

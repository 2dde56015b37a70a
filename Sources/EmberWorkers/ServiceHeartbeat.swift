import EmberCore
import EmberStore
import Logging

/// A worker's row in `services` and its heartbeat: cinder's `Service.start` (create or reuse
/// the row) and `report_state` (every `report_interval`).
public struct ServiceHeartbeat: Sendable {
    public let store: any ServiceStore
    public let host: String
    public let binary: String
    public let topic: String
    public let availabilityZone: String
    /// `CLUSTER@BACKEND` when the service is clustered (`[DEFAULT] cluster`).
    public let clusterName: String?
    public let interval: Duration
    /// What the heartbeat waits on between beats.
    public let clock: any EmberClock
    let logger: Logger

    public init(
        store: any ServiceStore,
        host: String,
        binary: String,
        topic: String,
        availabilityZone: String,
        clusterName: String? = nil,
        interval: Duration,
        clock: any EmberClock = .system,
        logger: Logger
    ) {
        self.clusterName = clusterName
        self.store = store
        self.host = host
        self.binary = binary
        self.topic = topic
        self.availabilityZone = availabilityZone
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// Finds or creates the service row (and its cluster's row, as cinder's `Service.start`
    /// does); returns its id.
    public func register() async throws -> Int {
        if let clusterName { _ = try await store.ensureCluster(name: clusterName, binary: binary) }
        if let existing = try await store.existingService(host: host, binary: binary) {
            if existing.availabilityZone != availabilityZone {
                _ = try await store.updateService(id: existing.id, [.availabilityZone(availabilityZone)])
            }
            if existing.clusterName != clusterName {
                _ = try await store.updateService(id: existing.id, [.clusterName(clusterName)])
            }
            _ = try await store.recordHeartbeat(serviceID: existing.id)
            return existing.id
        }
        let created = try await store.createService(
            ServiceRecord(
                host: host,
                binary: binary,
                topic: topic,
                availabilityZone: availabilityZone,
                clusterName: clusterName
            )
        )
        _ = try await store.recordHeartbeat(serviceID: created.id)
        logger.info("Registered service", metadata: ["host": .string(host), "binary": .string(binary)])
        return created.id
    }

    /// Records a heartbeat every `interval` until cancelled. A failed heartbeat is logged and
    /// retried at the next tick (the database may come back).
    public func beat(serviceID: Int) async {
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: interval)
            } catch {
                return
            }
            do {
                _ = try await store.recordHeartbeat(serviceID: serviceID)
            } catch {
                logger.warning(
                    "Service heartbeat failed",
                    metadata: ["host": .string(host), "binary": .string(binary), "error": "\(error)"]
                )
            }
        }
    }
}

import EmberCore
import EmberRPC
import EmberStore

extension VolumeManager {
    /// This backend's `cinder-volume` row (cinder's `_get_service`).
    func ownService() async throws -> ServiceRecord {
        try await store.service(host: host, binary: "cinder-volume")
    }

    /// cinder's `freeze_host`: the driver is told (the file driver keeps no control plane of
    /// its own, so there is nothing to tell it), then the service is disabled with reason
    /// `frozen` so the scheduler stops placing on it.
    func freezeHost() async throws -> Bool {
        let service = try await ownService()
        _ = try await store.updateService(id: service.id, [.disabled(true), .disabledReason("frozen")])
        logger.info("Set backend status to frozen successfully.")
        return true
    }

    /// cinder's `thaw_host`: the service is enabled again and its reason cleared.
    func thawHost() async throws -> Bool {
        let service = try await ownService()
        _ = try await store.updateService(id: service.id, [.disabled(false), .disabledReason("")])
        logger.info("Thawed backend successfully.")
        return true
    }

    /// cinder's `failover`: the file driver has no replication target, so the driver's
    /// failover fails as cinder's base driver does and the service ends as cinder leaves it
    /// after a failed failover: disabled, `replication_status` `failover-error`. The API only
    /// sends this to services whose replication is `enabled` or `failed-over`, which a file
    /// backend never is.
    func failover(_ message: VolumeRPC.Failover) async throws {
        let service = try await ownService()
        logger.error(
            "Error encountered during failover on host",
            metadata: [
                "host": .string(host), "backend_id": .string(message.secondaryBackendID ?? "None"),
                "error": "the file driver does not replicate",
            ]
        )
        _ = try await store.updateService(
            id: service.id,
            [.disabled(true), .replicationStatus("failover-error")]
        )
    }
}

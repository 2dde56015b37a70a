import EmberBus
import EmberCore
import EmberStore
import Foundation

extension VolumeManager {
    /// `create_snapshot(snapshot_id)`: copies the volume's data; `creating` → `available`
    /// (or `error` with a user message).
    func createSnapshot(_ envelope: Envelope) async throws -> JSONValue {
        guard let id = Self.id(envelope.arguments, "snapshot"), let snapshot = try await liveSnapshot(id) else {
            return .null
        }
        return try await serialized(snapshot.volumeID) {
            guard let current = try await liveSnapshot(id), current.status == .creating else { return .null }
            do {
                try await driver.createSnapshot(id: id, volumeID: current.volumeID)
            } catch {
                logger.error("Snapshot creation failed", metadata: ["snapshot.id": .string(id), "error": "\(error)"])
                _ = try await store.conditionalUpdateSnapshot(
                    id: id,
                    set: [.status(.error)],
                    where: SnapshotCondition(status: [.creating])
                )
                await messages.record(
                    .snapshotCreate,
                    .snapshotCreateError,
                    resourceType: "VOLUME_SNAPSHOT",
                    resourceID: id,
                    projectID: current.projectID,
                    context: envelope.context
                )
                return .null
            }
            _ = try await store.conditionalUpdateSnapshot(
                id: id,
                set: [.status(.available), .progress("100%")],
                where: SnapshotCondition(status: [.creating])
            )
            logger.info("Created snapshot", metadata: ["snapshot.id": .string(id)])
            return .null
        }
    }

    /// `delete_snapshot(snapshot_id, unmanage_only)`: removes the data, soft-deletes the row
    /// and gives the quota back; a driver failure sets `error_deleting`.
    func deleteSnapshot(_ envelope: Envelope) async throws -> JSONValue {
        guard let id = Self.id(envelope.arguments, "snapshot"), let snapshot = try await liveSnapshot(id) else {
            return .null
        }
        return try await serialized(snapshot.volumeID) {
            guard let current = try await liveSnapshot(id) else { return .null }
            do {
                if envelope.arguments["unmanage_only"] != .bool(true) {
                    try await driver.deleteSnapshot(id: id)
                }
            } catch {
                logger.error("Snapshot deletion failed", metadata: ["snapshot.id": .string(id), "error": "\(error)"])
                _ = try await store.conditionalUpdateSnapshot(
                    id: id,
                    set: [.status(.errorDeleting)],
                    where: SnapshotCondition(status: [.deleting])
                )
                return .null
            }
            try await store.deleteSnapshot(id: id)
            do {
                try await releaseSnapshotQuota(current)
            } catch {
                logger.error("Failed to update usages deleting snapshot", metadata: ["snapshot.id": .string(id)])
            }
            logger.info("Deleted snapshot", metadata: ["snapshot.id": .string(id)])
            return .null
        }
    }

    /// `revert_to_snapshot(volume_id, snapshot_id)`: puts the snapshot's data back; the volume
    /// goes `reverting` → `available` and the snapshot `restoring` → `available`. A failure
    /// sets the volume `error` (the snapshot goes back to `available`), as cinder does.
    func revertToSnapshot(_ envelope: Envelope) async throws -> JSONValue {
        guard let volumeID = Self.id(envelope.arguments, "volume"),
            let snapshotID = Self.id(envelope.arguments, "snapshot")
        else { return .null }
        return try await serialized(volumeID) {
            var volumeStatus: VolumeStatus = .available
            do {
                try await driver.revertToSnapshot(volumeID: volumeID, snapshotID: snapshotID)
            } catch {
                logger.error("Revert failed", metadata: ["volume.id": .string(volumeID), "error": "\(error)"])
                volumeStatus = .error
            }
            _ = try await store.conditionalUpdateVolume(
                id: volumeID,
                set: [.status(volumeStatus)],
                where: VolumeCondition(status: [.reverting])
            )
            _ = try await store.conditionalUpdateSnapshot(
                id: snapshotID,
                set: [.status(.available)],
                where: SnapshotCondition(status: [.restoring])
            )
            return .null
        }
    }

    /// `initialize_connection(volume_id, connector)` (a call): the driver's `local`
    /// connection info, `{"driver_volume_type": "local", "data": {"device_path": …}}`, with
    /// what cinder's `_parse_connection_options` adds to `data`: `qos_specs` (front-end
    /// consumers only; Ember has no QoS specs yet, so null), `access_mode` (the attached
    /// mode, else `ro` for a read-only volume), `encrypted` and `cacheable`.
    func initializeConnection(_ envelope: Envelope) async throws -> JSONValue {
        guard let id = Self.id(envelope.arguments, "volume") else {
            throw DriverError("initialize_connection needs volume_id")
        }
        guard let volume = try await liveVolume(id) else { throw DriverError("Volume \(id) could not be found.") }
        var info = try await driver.connectionInfo(volumeID: id)
        guard case .object(var object) = info, case .object(var data)? = object["data"] else { return info }
        data["qos_specs"] = .null
        let mode = volume.adminMetadata["attached_mode"] ?? (volume.adminMetadata["readonly"] == "True" ? "ro" : "rw")
        data["access_mode"] = .string(mode)
        if data["encrypted"] == nil { data["encrypted"] = .bool(volume.encryptionKeyID != nil) }
        let cacheable = (try? await store.volumeType(id: volume.volumeTypeID).extraSpecs["cacheable"]) == "<is> True"
        if case .bool(let driverSetting)? = data["cacheable"] {
            data["cacheable"] = .bool(driverSetting && cacheable)
        } else {
            data["cacheable"] = .bool(cacheable)
        }
        object["data"] = .object(data)
        info = .object(object)
        return info
    }

    /// `terminate_connection(volume_id, connector, force)` (a call): nothing to tear down for
    /// a local file.
    func terminateConnection(_ envelope: Envelope) async throws -> JSONValue {
        .null
    }

    func liveSnapshot(_ id: String) async throws -> Snapshot? {
        try await store.liveSnapshot(id: id)
    }
}

import EmberCore
import Foundation

/// cinder's `Backup.encode_record` / `decode_record`: every field of the backup (plus
/// `driver_info`) as JSON, base64-encoded into `backup_url`.
enum BackupRecord {
    static func encode(_ backup: Backup) -> JSONValue {
        func date(_ value: Date?) -> JSONValue {
            value.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null
        }
        func int(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }
        let metadata = JSONObject(backup.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
        return [
            "id": .string(backup.id), "user_id": .optional(backup.userID), "project_id": .optional(backup.projectID),
            "volume_id": .string(backup.volumeID), "host": .optional(backup.host),
            "availability_zone": .optional(backup.availabilityZone), "display_name": .optional(backup.displayName),
            "display_description": .optional(backup.displayDescription), "container": .optional(backup.container),
            "parent_id": .optional(backup.parentID), "status": .string(backup.status.rawValue),
            "fail_reason": .optional(backup.failReason), "service_metadata": .optional(backup.serviceMetadata),
            "service": .optional(backup.service), "size": int(backup.size), "object_count": int(backup.objectCount),
            "temp_volume_id": .null, "temp_snapshot_id": .null,
            "num_dependent_backups": .int(backup.numDependentBackups), "snapshot_id": .optional(backup.snapshotID),
            "data_timestamp": date(backup.dataTimestamp), "restore_volume_id": .optional(backup.restoreVolumeID),
            "encryption_key_id": .optional(backup.encryptionKeyID), "metadata": .object(metadata),
            "created_at": date(backup.createdAt), "updated_at": date(backup.updatedAt),
            "deleted_at": date(backup.deletedAt), "deleted": .bool(backup.deleted), "driver_info": [:],
        ]
    }

    static func decode(_ url: String) throws -> JSONObject {
        guard let data = Data(base64Encoded: url) else { throw BackupDriverError("Can't decode backup record.") }
        guard let value = try? JSONValue.parse(Array(data)), case .object(let object) = value else {
            throw BackupDriverError("Can't parse backup record.")
        }
        return object
    }

    /// The row changes an imported record makes (cinder pops `name`, `user_id`,
    /// `project_id`, `deleted_at`, `deleted`, `fail_reason` and `status`).
    static func updates(from record: JSONObject) -> [BackupUpdate] {
        func string(_ key: String) -> String? { record[key]?.stringValue }
        func int(_ key: String) -> Int? {
            switch record[key] {
            case .int(let value)?: value
            case .string(let text)?: Int(text)
            default: nil
            }
        }
        var changes: [BackupUpdate] = [
            .displayName(string("display_name")), .displayDescription(string("display_description")),
            .container(string("container")), .serviceMetadata(string("service_metadata")),
            .objectCountAndSize(objectCount: int("object_count"), size: int("size")),
            .parentID(string("parent_id")), .snapshotID(string("snapshot_id")),
            .encryptionKeyID(string("encryption_key_id")), .numDependentBackups(int("num_dependent_backups") ?? 0),
        ]
        if let volumeID = string("volume_id") { changes.append(.volumeID(volumeID)) }
        if let stamp = string("data_timestamp"), let date = ISO8601DateFormatter().date(from: stamp) {
            changes.append(.dataTimestamp(date))
        }
        return changes
    }
}

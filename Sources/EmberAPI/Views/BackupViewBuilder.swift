import EmberCore
import EmberVolume
import EmberWSGI

/// `cinder/api/views/backups.py` and `cinder/api/v3/views/backups.py`: the JSON a backup is
/// shown as.
///
/// The summary (`GET /backups`, create, update, import) has `id`, `name` and `links`; the
/// detail view (show, `GET /backups/detail`) adds the fields below, `metadata` from 3.43 and
/// `encryption_key_id` from 3.64 (when set); the controller adds
/// `os-backup-project-attr:project_id` (3.18) and `user_id` (3.56) when
/// `backup:backup_project_attribute` allows.
enum BackupViewBuilder {
    static let collection = "backups"

    static func summary(_ backup: Backup, request: APIRequest) -> JSONObject {
        [
            "id": .string(backup.id),
            "name": .optional(backup.displayName),
            "links": Links.make(request: request, collection: collection, id: backup.id),
        ]
    }

    static func detail(_ backup: Backup, request: APIRequest, projectAttributes: Bool) -> JSONObject {
        var view: JSONObject = [
            "id": .string(backup.id),
            "status": .string(backup.status.rawValue),
            "size": backup.size.map(JSONValue.int) ?? .null,
            "object_count": backup.objectCount.map(JSONValue.int) ?? .null,
            "availability_zone": .optional(backup.availabilityZone),
            "container": .optional(backup.container),
            "created_at": .optional(APITime.format(backup.createdAt)),
            "updated_at": .optional(APITime.format(backup.updatedAt)),
            "name": .optional(backup.displayName),
            "description": .optional(backup.displayDescription),
            "fail_reason": .optional(backup.failReason),
            "volume_id": .string(backup.volumeID),
            "links": Links.make(request: request, collection: collection, id: backup.id),
            "is_incremental": .bool(backup.isIncremental),
            "has_dependent_backups": .bool(backup.hasDependentBackups),
            "snapshot_id": .optional(backup.snapshotID),
            "data_timestamp": .optional(APITime.format(backup.dataTimestamp)),
        ]
        if request.supports("3.43") {
            view.appendNew(
                "metadata",
                .object(JSONObject(backup.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
            )
        }
        if request.supports("3.64"), let key = backup.encryptionKeyID, key != fixedKeyID {
            view.appendNew("encryption_key_id", .string(key))
        }
        if projectAttributes {
            if request.supports("3.18") {
                view.appendNew("os-backup-project-attr:project_id", .optional(backup.projectID))
            }
            if request.supports("3.56") { view.appendNew("user_id", .optional(backup.userID)) }
        }
        return view
    }

    /// `cinder/common/constants.py:FIXED_KEY_ID`, never shown.
    static let fixedKeyID = "00000000-0000-0000-0000-000000000000"

    static func restore(_ result: BackupRestoreResult) -> JSONValue {
        [
            "restore": [
                "backup_id": .string(result.backupID), "volume_id": .string(result.volumeID),
                "volume_name": .optional(result.volumeName),
            ]
        ]
    }
}

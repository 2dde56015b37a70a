import EmberCore
import EmberWSGI

/// `cinder/api/views/snapshots.py` and `cinder/api/v3/views/snapshots.py`: the JSON a
/// snapshot is shown as.
///
/// The summary (`GET /snapshots`) has the base fields; the detail view (show, create,
/// update, `GET /snapshots/detail`) adds `group_snapshot_id` (3.14), `user_id` (3.41) and
/// `consumes_quota` (3.65); show and detail add the `os-extended-snapshot-attributes` fields
/// when that extension is loaded.
enum SnapshotViewBuilder {
    static let collection = "snapshots"

    static func summary(_ snapshot: Snapshot) -> JSONObject {
        [
            "id": .string(snapshot.id),
            "created_at": .optional(APITime.format(snapshot.createdAt)),
            "updated_at": .optional(APITime.format(snapshot.updatedAt)),
            "name": .optional(snapshot.displayName),
            "description": .optional(snapshot.displayDescription),
            "volume_id": .string(snapshot.volumeID),
            "status": .string(snapshot.status.rawValue),
            "size": snapshot.volumeSize.map(JSONValue.int) ?? .null,
            "metadata": .object(
                JSONObject(snapshot.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            ),
        ]
    }

    /// `extended`: the `os-extended-snapshot-attributes` fields (show and detail only).
    static func detail(_ snapshot: Snapshot, request: APIRequest, extended: Bool = false) -> JSONValue {
        var view = summary(snapshot)
        if request.supports("3.14") { view.appendNew("group_snapshot_id", .optional(snapshot.groupSnapshotID)) }
        if request.supports("3.41") { view.appendNew("user_id", .optional(snapshot.userID)) }
        if request.supports("3.65") { view.appendNew("consumes_quota", .bool(snapshot.useQuota)) }
        // The extension's fields come after the core view, as cinder's response extension adds them.
        if extended {
            view.appendNew("os-extended-snapshot-attributes:project_id", .optional(snapshot.projectID))
            view.appendNew("os-extended-snapshot-attributes:progress", .optional(snapshot.progress))
        }
        return .object(view)
    }
}

import EmberCore
import EmberWSGI

/// `cinder/api/views/snapshots.py` and `cinder/api/v3/views/snapshots.py`: the JSON a
/// snapshot is shown as.
///
/// The summary (`GET /snapshots`) has the base fields; the detail view (show, create,
/// update, `GET /snapshots/detail`) adds `group_snapshot_id` (3.14), `user_id` (3.41) and
/// `consumes_quota` (3.65). The `os-extended-snapshot-attributes` fields are a separate
/// response extension on show and detail.
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

    static func detail(_ snapshot: Snapshot, request: APIRequest) -> JSONValue {
        var view = summary(snapshot)
        if request.supports("3.14") { view.appendNew("group_snapshot_id", .optional(snapshot.groupSnapshotID)) }
        if request.supports("3.41") { view.appendNew("user_id", .optional(snapshot.userID)) }
        if request.supports("3.65") { view.appendNew("consumes_quota", .bool(snapshot.useQuota)) }
        return .object(view)
    }
}

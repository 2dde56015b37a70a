import EmberCore
import EmberWSGI

/// `cinder/api/views/cgsnapshots.py`: a cgsnapshot is a group snapshot shown with its group
/// as `consistencygroup_id`; the summary is `id` and `name`. Lists have no links.
enum CGSnapshotViewBuilder {
    static func summary(_ groupSnapshot: GroupSnapshot) -> JSONValue {
        ["id": .string(groupSnapshot.id), "name": .optional(groupSnapshot.name)]
    }

    static func detail(_ groupSnapshot: GroupSnapshot) -> JSONValue {
        [
            "id": .string(groupSnapshot.id),
            "consistencygroup_id": .string(groupSnapshot.groupID),
            "status": .string(groupSnapshot.status.rawValue),
            "created_at": .optional(APITime.format(groupSnapshot.createdAt)),
            "name": .optional(groupSnapshot.name),
            "description": .optional(groupSnapshot.description),
        ]
    }
}

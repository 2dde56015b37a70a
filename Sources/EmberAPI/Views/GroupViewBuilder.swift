import EmberCore
import EmberWSGI

/// `cinder/api/v3/views/groups.py`: the summary (`id`, `name`) and the detail, which adds
/// `group_snapshot_id`/`source_group_id` from 3.14, the member volume ids from 3.25 when
/// `list_volume` is true, `replication_status` from 3.38 and, from 3.58, `project_id` for
/// callers `group:group_project_attribute` allows.
enum GroupViewBuilder {
    static let collection = "groups"

    static func summary(_ group: VolumeGroup) -> JSONValue {
        ["id": .string(group.id), "name": .optional(group.name)]
    }

    static func detail(_ group: VolumeGroup, volumeIDs: [String]?, request: APIRequest) -> JSONValue {
        var view: JSONObject = [
            "id": .string(group.id),
            "status": .string(group.status.rawValue),
            "availability_zone": .optional(group.availabilityZone),
            "created_at": .optional(APITime.format(group.createdAt)),
            "name": .optional(group.name),
            "description": .optional(group.description),
            "group_type": .string(group.groupTypeID),
            "volume_types": .array(group.volumeTypeIDs.map(JSONValue.string)),
        ]
        if request.supports("3.14") {
            view["group_snapshot_id"] = .optional(group.groupSnapshotID)
            view["source_group_id"] = .optional(group.sourceGroupID)
        }
        if let volumeIDs { view["volumes"] = .array(volumeIDs.map(JSONValue.string)) }
        if request.supports("3.38") { view["replication_status"] = .optional(group.replicationStatus) }
        if request.supports("3.58"), request.allows(.groupGroupProjectAttribute) {
            view["project_id"] = .optional(group.projectID)
        }
        return .object(view)
    }
}

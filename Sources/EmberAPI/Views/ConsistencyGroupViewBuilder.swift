import EmberCore
import EmberWSGI

/// `cinder/api/views/consistencygroups.py`: a consistency group is a group shown with its
/// volume type ids and without its group type; the summary is `id` and `name`. A list whose
/// page is full links to the next one (`consistencygroup_links`).
enum ConsistencyGroupViewBuilder {
    static let collection = "consistencygroups"

    static func summary(_ group: VolumeGroup) -> JSONValue {
        ["id": .string(group.id), "name": .optional(group.name)]
    }

    static func detail(_ group: VolumeGroup) -> JSONValue {
        [
            "id": .string(group.id),
            "status": .string(group.status.rawValue),
            "availability_zone": .optional(group.availabilityZone),
            "created_at": .optional(APITime.format(group.createdAt)),
            "name": .optional(group.name),
            "description": .optional(group.description),
            "volume_types": .array(group.volumeTypeIDs.map(JSONValue.string)),
        ]
    }
}

import EmberBus
import EmberCore

extension SchedulerRPC {
    /// `create_group(ctxt, group, group_spec, request_spec_list, group_filter_properties,
    /// filter_properties_list)`: find one backend that takes the group type and every volume
    /// type of the group, store it as the group's host and cast `create_group` there. The
    /// group travels by id; the scheduler reads it (and its types) from the store.
    public struct CreateGroup: RPCMessage, Equatable {
        public static let method = "create_group"
        public static let version = RPCVersion(3, 0)
        public var groupID: String
        /// `{"group_type_id", "group_id"}` as cinder's group spec names them.
        public var groupSpec: JSONValue?
        /// One `{"volume_type_id", "group_id"}` per volume type of the group.
        public var requestSpecList: [JSONValue]?
        public var groupFilterProperties: JSONValue?
        public var filterPropertiesList: [JSONValue]?

        public init(group: VolumeGroup) {
            self.groupID = group.id
            self.groupSpec = ["group_type_id": .string(group.groupTypeID), "group_id": .string(group.id)]
            self.requestSpecList = group.volumeTypeIDs.map {
                ["volume_type_id": .string($0), "group_id": .string(group.id)]
            }
            self.groupFilterProperties = [:]
            self.filterPropertiesList = group.volumeTypeIDs.map { _ in [:] }
        }

        enum CodingKeys: String, CodingKey {
            case groupID = "group_id"
            case groupSpec = "group_spec"
            case requestSpecList = "request_spec_list"
            case groupFilterProperties = "group_filter_properties"
            case filterPropertiesList = "filter_properties_list"
        }
    }
}

extension VolumeRPC {
    /// `create_group(ctxt, group)`: the group's backend creates it (the file backend keeps
    /// no state for a group: it marks it `available`).
    public struct CreateGroup: RPCMessage, Equatable {
        public static let method = "create_group"
        public static let version = RPCVersion(3, 0)
        public var groupID: String

        public init(groupID: String) { self.groupID = groupID }

        enum CodingKeys: String, CodingKey {
            case groupID = "group_id"
        }
    }

    /// `delete_group(ctxt, group)`: the group's backend deletes the group's volumes, then
    /// the group.
    public struct DeleteGroup: RPCMessage, Equatable {
        public static let method = "delete_group"
        public static let version = RPCVersion(3, 0)
        public var groupID: String

        public init(groupID: String) { self.groupID = groupID }

        enum CodingKeys: String, CodingKey {
            case groupID = "group_id"
        }
    }

    /// `update_group(ctxt, group, add_volumes, remove_volumes)`: the volumes (ids separated
    /// by commas, as cinder sends them) join and leave the group.
    public struct UpdateGroup: RPCMessage, Equatable {
        public static let method = "update_group"
        public static let version = RPCVersion(3, 0)
        public var groupID: String
        public var addVolumes: String?
        public var removeVolumes: String?

        public init(groupID: String, addVolumes: [String], removeVolumes: [String]) {
            self.groupID = groupID
            self.addVolumes = addVolumes.isEmpty ? nil : addVolumes.joined(separator: ",")
            self.removeVolumes = removeVolumes.isEmpty ? nil : removeVolumes.joined(separator: ",")
        }

        /// The ids of a comma-separated list (none for nil or empty).
        public static func ids(_ list: String?) -> [String] {
            (list ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty }
        }

        enum CodingKeys: String, CodingKey {
            case groupID = "group_id"
            case addVolumes = "add_volumes"
            case removeVolumes = "remove_volumes"
        }
    }
}

extension VolumeRPC {
    /// `create_group_snapshot(ctxt, group_snapshot)`: the group's backend takes every member
    /// snapshot at one point in time.
    public struct CreateGroupSnapshot: RPCMessage, Equatable {
        public static let method = "create_group_snapshot"
        public static let version = RPCVersion(3, 0)
        public var groupSnapshotID: String

        public init(groupSnapshotID: String) { self.groupSnapshotID = groupSnapshotID }

        enum CodingKeys: String, CodingKey {
            case groupSnapshotID = "group_snapshot_id"
        }
    }

    /// `delete_group_snapshot(ctxt, group_snapshot)`: the member snapshots go, then the
    /// group snapshot.
    public struct DeleteGroupSnapshot: RPCMessage, Equatable {
        public static let method = "delete_group_snapshot"
        public static let version = RPCVersion(3, 0)
        public var groupSnapshotID: String

        public init(groupSnapshotID: String) { self.groupSnapshotID = groupSnapshotID }

        enum CodingKeys: String, CodingKey {
            case groupSnapshotID = "group_snapshot_id"
        }
    }
}

extension VolumeRPC {
    /// `create_group_from_src(ctxt, group, group_snapshot, source_group)`: the group's
    /// backend creates the group's volumes (stored `creating` by the API) from the group
    /// snapshot's member snapshots or the source group's volumes, then marks the group.
    public struct CreateGroupFromSrc: RPCMessage, Equatable {
        public static let method = "create_group_from_src"
        public static let version = RPCVersion(3, 0)
        public var groupID: String
        public var groupSnapshotID: String?
        public var sourceGroupID: String?

        public init(groupID: String, groupSnapshotID: String?, sourceGroupID: String?) {
            self.groupID = groupID
            self.groupSnapshotID = groupSnapshotID
            self.sourceGroupID = sourceGroupID
        }

        enum CodingKeys: String, CodingKey {
            case groupID = "group_id"
            case groupSnapshotID = "group_snapshot_id"
            case sourceGroupID = "source_group_id"
        }
    }
}

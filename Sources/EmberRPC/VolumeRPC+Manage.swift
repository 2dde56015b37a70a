import EmberBus
import EmberCore

/// Manage existing (`cinder/scheduler/rpcapi.py` and `cinder/volume/rpcapi.py`): the API
/// casts the scheduler, which checks the backend and casts the volume service; listing what
/// a backend could manage is a call to the volume service.
extension SchedulerRPC {
    /// `manage_existing(ctxt, volume, request_spec, filter_properties)`: check that the
    /// backend the volume names is up and passes the filters, record it, then cast the
    /// volume service's `manage_existing`.
    public struct ManageExisting: RPCMessage, Equatable {
        public static let method = "manage_existing"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        /// cinder's manage request spec: `ref`, `volume_id`, `volume_type` and the
        /// properties the API stored.
        public var requestSpec: ManageRequestSpec
        public var filterProperties: JSONValue?

        public init(volumeID: String, requestSpec: ManageRequestSpec) {
            self.volumeID = volumeID
            self.requestSpec = requestSpec
            self.filterProperties = [:]
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case requestSpec = "request_spec"
            case filterProperties = "filter_properties"
        }
    }

    /// `manage_existing_snapshot(ctxt, volume, snapshot, ref, request_spec,
    /// filter_properties)` (3.10): check the volume's backend, then cast the volume service.
    public struct ManageExistingSnapshot: RPCMessage, Equatable {
        public static let method = "manage_existing_snapshot"
        public static let version = RPCVersion(3, 10)
        public var volumeID: String
        public var snapshotID: String
        /// The backend's reference to the snapshot (`{"source-name": …}` or a plain name).
        public var ref: JSONValue
        public var requestSpec: JSONValue?
        public var filterProperties: JSONValue?

        public init(volumeID: String, snapshotID: String, ref: JSONValue, size: Int) {
            self.volumeID = volumeID
            self.snapshotID = snapshotID
            self.ref = ref
            self.requestSpec = ["snapshot_id": .string(snapshotID), "volume_properties": ["size": .int(size)]]
            self.filterProperties = [:]
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case snapshotID = "snapshot_id"
            case ref
            case requestSpec = "request_spec"
            case filterProperties = "filter_properties"
        }
    }
}

/// cinder's manage `request_spec` (`ManageCastTask`: the flow's store plus `volume_id`).
public struct ManageRequestSpec: Sendable, Equatable, Codable {
    public var volumeID: String
    /// The backend's reference to the object.
    public var ref: JSONValue
    public var volumeTypeID: String
    public var availabilityZone: String?

    public init(volumeID: String, ref: JSONValue, volumeTypeID: String, availabilityZone: String?) {
        self.volumeID = volumeID
        self.ref = ref
        self.volumeTypeID = volumeTypeID
        self.availabilityZone = availabilityZone
    }

    enum CodingKeys: String, CodingKey {
        case volumeID = "volume_id"
        case ref
        case volumeTypeID = "volume_type_id"
        case availabilityZone = "availability_zone"
    }
}

extension VolumeRPC {
    /// `manage_existing(ctxt, volume, ref)`: adopt the backend object `ref` as the volume.
    public struct ManageExisting: RPCMessage, Equatable {
        public static let method = "manage_existing"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        public var ref: JSONValue

        public init(volumeID: String, ref: JSONValue) {
            self.volumeID = volumeID
            self.ref = ref
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case ref
        }
    }

    /// `manage_existing_snapshot(ctxt, snapshot, ref, backend)`: adopt the backend object
    /// `ref` as the snapshot.
    public struct ManageExistingSnapshot: RPCMessage, Equatable {
        public static let method = "manage_existing_snapshot"
        public static let version = RPCVersion(3, 0)
        public var snapshotID: String
        public var ref: JSONValue

        public init(snapshotID: String, ref: JSONValue) {
            self.snapshotID = snapshotID
            self.ref = ref
        }

        enum CodingKeys: String, CodingKey {
            case snapshotID = "snapshot_id"
            case ref
        }
    }

    /// `get_manageable_volumes(ctxt, service, marker, limit, offset, sort_keys, sort_dirs)`
    /// (a call): the backend's objects that could be managed as volumes, paged.
    public struct GetManageableVolumes: RPCMessage, Equatable {
        public typealias Reply = [ManageableResource]
        public static let method = "get_manageable_volumes"
        public static let version = RPCVersion(3, 10)
        public var marker: JSONValue?
        public var limit: Int
        public var offset: Int
        public var sortKeys: [String]
        public var sortDirs: [String]
        public var wantObjects: Bool?

        public init(paging: ManageablePaging) {
            self.marker = paging.marker
            self.limit = paging.limit
            self.offset = paging.offset
            self.sortKeys = paging.sortKeys
            self.sortDirs = paging.sortDirs
            self.wantObjects = false
        }

        /// The paging the message asks for.
        public var paging: ManageablePaging {
            ManageablePaging(marker: marker, limit: limit, offset: offset, sortKeys: sortKeys, sortDirs: sortDirs)
        }

        enum CodingKeys: String, CodingKey {
            case marker
            case limit
            case offset
            case sortKeys = "sort_keys"
            case sortDirs = "sort_dirs"
            case wantObjects = "want_objects"
        }
    }

    /// `get_manageable_snapshots(ctxt, service, marker, limit, offset, sort_keys, sort_dirs)`
    /// (a call): the backend's objects that could be managed as snapshots, paged.
    public struct GetManageableSnapshots: RPCMessage, Equatable {
        public typealias Reply = [ManageableResource]
        public static let method = "get_manageable_snapshots"
        public static let version = RPCVersion(3, 10)
        public var marker: JSONValue?
        public var limit: Int
        public var offset: Int
        public var sortKeys: [String]
        public var sortDirs: [String]
        public var wantObjects: Bool?

        public init(paging: ManageablePaging) {
            self.marker = paging.marker
            self.limit = paging.limit
            self.offset = paging.offset
            self.sortKeys = paging.sortKeys
            self.sortDirs = paging.sortDirs
            self.wantObjects = false
        }

        /// The paging the message asks for.
        public var paging: ManageablePaging {
            ManageablePaging(marker: marker, limit: limit, offset: offset, sortKeys: sortKeys, sortDirs: sortDirs)
        }

        enum CodingKeys: String, CodingKey {
            case marker
            case limit
            case offset
            case sortKeys = "sort_keys"
            case sortDirs = "sort_dirs"
            case wantObjects = "want_objects"
        }
    }
}

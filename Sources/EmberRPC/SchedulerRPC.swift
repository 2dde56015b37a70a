import EmberBus
import EmberCore
import Foundation

/// The scheduler's RPC API (`cinder/scheduler/rpcapi.py:SchedulerAPI`): one message type per
/// method, cast (or called) on the `cinder-scheduler` topic. The API sends them; the
/// scheduler manager registers a handler for each.
public enum SchedulerRPC {
    /// The newest scheduler RPC version Ember serves (cinder 29.0.0: 3.12).
    public static let version = RPCVersion.scheduler
    /// The topic every scheduler consumes.
    public static let topic = Topic.scheduler

    /// A client for the schedulers.
    public static func client(bus: any MessageBus, timeout: Duration = .seconds(60)) -> RPCClient {
        RPCClient(bus: bus, topic: topic, version: version, timeout: timeout)
    }

    /// `create_volume(ctxt, volume, snapshot_id, image_id, request_spec, filter_properties,
    /// backup_id)`: place the volume and have its backend create it. The volume travels by id;
    /// workers read it from the store.
    public struct CreateVolume: RPCMessage, Equatable {
        public static let method = "create_volume"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        public var snapshotID: String?
        public var imageID: String?
        public var backupID: String?
        public var requestSpec: VolumeRequestSpec?
        public var filterProperties: JSONValue?

        public init(volumeID: String, requestSpec: VolumeRequestSpec) {
            self.volumeID = volumeID
            self.snapshotID = requestSpec.snapshotID
            self.imageID = requestSpec.imageID
            self.backupID = requestSpec.backupID
            self.requestSpec = requestSpec
            self.filterProperties = [:]
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case snapshotID = "snapshot_id"
            case imageID = "image_id"
            case backupID = "backup_id"
            case requestSpec = "request_spec"
            case filterProperties = "filter_properties"
        }
    }

    /// `get_pools(ctxt, filters)` (a call): the pools the scheduler knows, as cinder lists them.
    public struct GetPools: RPCMessage, Equatable {
        public typealias Reply = JSONValue
        public static let method = "get_pools"
        public static let version = RPCVersion(3, 0)
        /// `name` and/or `volume_backend_name` to match.
        public var filters: JSONValue

        public init(filters: JSONObject) {
            self.filters = .object(filters)
        }
    }

    /// `create_snapshot(ctxt, volume, snapshot, backend, request_spec, filter_properties)`:
    /// the scheduler forwards to the volume's backend.
    public struct CreateSnapshot: RPCMessage, Equatable {
        public static let method = "create_snapshot"
        public static let version = RPCVersion(3, 9)
        public var volumeID: String
        public var snapshotID: String
        /// `HOST@BACKEND` of the volume.
        public var backend: String?
        public var requestSpec: JSONValue?
        public var filterProperties: JSONValue?

        public init(volumeID: String, snapshotID: String, backend: String?, size: Int) {
            self.volumeID = volumeID
            self.snapshotID = snapshotID
            self.backend = backend
            self.requestSpec = ["snapshot_id": .string(snapshotID), "volume_properties": ["size": .int(size)]]
            self.filterProperties = [:]
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case snapshotID = "snapshot_id"
            case backend
            case requestSpec = "request_spec"
            case filterProperties = "filter_properties"
        }
    }

    /// `extend_volume(ctxt, volume, new_size, reservations, request_spec, filter_properties)`:
    /// the scheduler checks the volume's backend has room, then forwards.
    public struct ExtendVolume: RPCMessage, Equatable {
        public static let method = "extend_volume"
        public static let version = RPCVersion(3, 2)
        public var volumeID: String
        public var newSize: Int
        /// The reservation of the growth, committed by the backend (rolled back on refusal).
        public var reservations: [String]
        public var requestSpec: JSONValue?
        public var filterProperties: JSONValue?

        public init(volumeID: String, volumeTypeID: String, newSize: Int, reservations: [String]) {
            self.volumeID = volumeID
            self.newSize = newSize
            self.reservations = reservations
            self.requestSpec = ["volume_id": .string(volumeID), "volume_type_id": .string(volumeTypeID)]
            self.filterProperties = [:]
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case newSize = "new_size"
            case reservations
            case requestSpec = "request_spec"
            case filterProperties = "filter_properties"
        }
    }

    /// `retype(ctxt, volume, request_spec, filter_properties)`: find a backend for the new
    /// type (the volume's own first), then the volume's backend retypes.
    public struct Retype: RPCMessage, Equatable {
        public static let method = "retype"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        public var requestSpec: RetypeSpec
        public var filterProperties: JSONValue?

        public init(volumeID: String, requestSpec: RetypeSpec) {
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

    /// `migrate_volume(ctxt, volume, backend, force_copy, request_spec, filter_properties)`:
    /// check the destination takes the volume, then the volume's backend migrates it.
    public struct MigrateVolume: RPCMessage, Equatable {
        public static let method = "migrate_volume"
        public static let version = RPCVersion(3, 3)
        public var volumeID: String
        /// `HOST@BACKEND[#POOL]` or a cluster.
        public var backend: String
        public var forceCopy: Bool
        public var requestSpec: JSONValue?
        public var filterProperties: JSONValue?

        public init(volumeID: String, volumeTypeID: String, backend: String, forceCopy: Bool) {
            self.volumeID = volumeID
            self.backend = backend
            self.forceCopy = forceCopy
            self.requestSpec = ["volume_id": .string(volumeID), "volume_type_id": .string(volumeTypeID)]
            self.filterProperties = [:]
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case backend
            case forceCopy = "force_copy"
            case requestSpec = "request_spec"
            case filterProperties = "filter_properties"
        }
    }

    /// `create_backup(ctxt, backup)`: pick a backup host, which backs up.
    public struct CreateBackup: RPCMessage, Equatable {
        public static let method = "create_backup"
        public static let version = RPCVersion(3, 12)
        public var backupID: String

        public init(backupID: String) {
            self.backupID = backupID
        }

        enum CodingKeys: String, CodingKey {
            case backupID = "backup_id"
        }
    }

    /// `update_service_capabilities(ctxt, service_name, host, capabilities, cluster_name,
    /// timestamp)`: a volume service's capability report, fanned out to every scheduler.
    public struct UpdateServiceCapabilities: RPCMessage, Equatable {
        public static let method = "update_service_capabilities"
        public static let version = RPCVersion(3, 0)
        public var serviceName: String
        /// `HOST@BACKEND`.
        public var host: String
        public var capabilities: JSONValue
        public var clusterName: String?
        /// ISO 8601, when the report was made.
        public var timestamp: String?

        public init(host: String, capabilities: JSONObject, timestamp: Date) {
            self.serviceName = "volume"
            self.host = host
            self.capabilities = .object(capabilities)
            self.timestamp = timestamp.formatted(.iso8601)
        }

        /// When the report was made; nil when not given or not a date.
        public var reportedAt: Date? {
            timestamp.flatMap { try? Date($0, strategy: .iso8601) }
        }

        enum CodingKeys: String, CodingKey {
            case serviceName = "service_name"
            case host
            case capabilities
            case clusterName = "cluster_name"
            case timestamp
        }
    }
}

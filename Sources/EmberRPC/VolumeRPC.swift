import EmberBus
import EmberCore

/// The volume service's RPC API (`cinder/volume/rpcapi.py:VolumeAPI`): one message type per
/// method, sent to the volume's backend on `cinder-volume.HOST@BACKEND`. The API and the
/// scheduler send them (and volume services to each other, for migrations and backups); the
/// volume manager registers a handler for each.
public enum VolumeRPC {
    /// The newest volume RPC version Ember serves (cinder 29.0.0: 3.20).
    public static let version = RPCVersion.volume

    /// The server topic of a `host@backend#pool` host: the pool is not part of it.
    public static func topic(forHost host: String) -> String {
        Topic.volume(serviceTopicQueue: backend(ofHost: host))
    }

    /// `host@backend` of a `host@backend#pool` host.
    public static func backend(ofHost host: String) -> String {
        host.split(separator: "#", maxSplits: 1).first.map(String.init) ?? host
    }

    /// A client for the backend of `host` (`HOST@BACKEND[#POOL]`).
    public static func client(bus: any MessageBus, host: String, timeout: Duration = .seconds(60)) -> RPCClient {
        RPCClient(bus: bus, topic: topic(forHost: host), version: version, timeout: timeout)
    }

    /// `create_volume(ctxt, volume, request_spec, filter_properties, allow_reschedule)`.
    public struct CreateVolume: RPCMessage, Equatable {
        public static let method = "create_volume"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        /// nil for a migration's new volume (blank, filled by the copy).
        public var requestSpec: VolumeRequestSpec?
        public var filterProperties: JSONValue?
        public var allowReschedule: Bool?

        public init(volumeID: String, requestSpec: VolumeRequestSpec?) {
            self.volumeID = volumeID
            self.requestSpec = requestSpec
            self.allowReschedule = false
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case requestSpec = "request_spec"
            case filterProperties = "filter_properties"
            case allowReschedule = "allow_reschedule"
        }
    }

    /// `delete_volume(ctxt, volume, unmanage_only, cascade)`.
    public struct DeleteVolume: RPCMessage, Equatable {
        public static let method = "delete_volume"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        public var unmanageOnly: Bool?
        /// Delete the volume's snapshots with it.
        public var cascade: Bool?

        public init(volumeID: String, cascade: Bool, unmanageOnly: Bool = false) {
            self.volumeID = volumeID
            self.cascade = cascade
            self.unmanageOnly = unmanageOnly
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case unmanageOnly = "unmanage_only"
            case cascade
        }
    }

    /// `extend_volume(ctxt, volume, new_size, reservations)`: grow the volume and commit the
    /// reservation.
    public struct ExtendVolume: RPCMessage, Equatable {
        public static let method = "extend_volume"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        public var newSize: Int
        public var reservations: [String]

        public init(volumeID: String, newSize: Int, reservations: [String]) {
            self.volumeID = volumeID
            self.newSize = newSize
            self.reservations = reservations
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case newSize = "new_size"
            case reservations
        }
    }

    /// `create_snapshot(ctxt, volume, snapshot)`.
    public struct CreateSnapshot: RPCMessage, Equatable {
        public static let method = "create_snapshot"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        public var snapshotID: String

        public init(volumeID: String, snapshotID: String) {
            self.volumeID = volumeID
            self.snapshotID = snapshotID
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case snapshotID = "snapshot_id"
        }
    }

    /// `delete_snapshot(ctxt, snapshot, unmanage_only)`.
    public struct DeleteSnapshot: RPCMessage, Equatable {
        public static let method = "delete_snapshot"
        public static let version = RPCVersion(3, 0)
        public var snapshotID: String
        public var volumeID: String?
        /// Forget the snapshot but keep its data.
        public var unmanageOnly: Bool?

        public init(snapshotID: String, volumeID: String, unmanageOnly: Bool = false) {
            self.snapshotID = snapshotID
            self.volumeID = volumeID
            self.unmanageOnly = unmanageOnly
        }

        enum CodingKeys: String, CodingKey {
            case snapshotID = "snapshot_id"
            case volumeID = "volume_id"
            case unmanageOnly = "unmanage_only"
        }
    }

    /// `revert_to_snapshot(ctxt, volume, snapshot)`.
    public struct RevertToSnapshot: RPCMessage, Equatable {
        public static let method = "revert_to_snapshot"
        public static let version = RPCVersion(3, 15)
        public var volumeID: String
        public var snapshotID: String

        public init(volumeID: String, snapshotID: String) {
            self.volumeID = volumeID
            self.snapshotID = snapshotID
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case snapshotID = "snapshot_id"
        }
    }

    /// `retype(ctxt, volume, new_type_id, dest_backend, migration_policy, reservations,
    /// old_reservations)`: retype in place, or migrate to `host` with the new type.
    public struct Retype: RPCMessage, Equatable {
        public static let method = "retype"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        public var newTypeID: String
        /// The backend the scheduler chose.
        public var host: DestinationBackend
        /// `never` or `on-demand`.
        public var migrationPolicy: String?
        public var reservations: [String]
        public var oldReservations: [String]

        public init(
            volumeID: String,
            newTypeID: String,
            host: DestinationBackend,
            migrationPolicy: String,
            reservations: [String],
            oldReservations: [String]
        ) {
            self.volumeID = volumeID
            self.newTypeID = newTypeID
            self.host = host
            self.migrationPolicy = migrationPolicy
            self.reservations = reservations
            self.oldReservations = oldReservations
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case newTypeID = "new_type_id"
            case host
            case migrationPolicy = "migration_policy"
            case reservations
            case oldReservations = "old_reservations"
        }
    }

    /// `migrate_volume(ctxt, volume, dest_backend, force_host_copy)`.
    public struct MigrateVolume: RPCMessage, Equatable {
        public static let method = "migrate_volume"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        public var host: DestinationBackend
        public var forceHostCopy: Bool?

        public init(volumeID: String, host: DestinationBackend, forceHostCopy: Bool) {
            self.volumeID = volumeID
            self.host = host
            self.forceHostCopy = forceHostCopy
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case host
            case forceHostCopy = "force_host_copy"
        }
    }

    /// `migrate_volume_completion(ctxt, volume, new_volume, error)` (a call to the source
    /// volume's backend): returns the id the volume is kept under.
    public struct MigrateVolumeCompletion: RPCMessage, Equatable {
        public struct Reply: Codable, Sendable, Equatable {
            public var saveVolumeID: String

            public init(saveVolumeID: String) {
                self.saveVolumeID = saveVolumeID
            }

            enum CodingKeys: String, CodingKey {
                case saveVolumeID = "save_volume_id"
            }
        }

        public static let method = "migrate_volume_completion"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        public var newVolumeID: String
        /// Abandon the migration instead of completing it.
        public var error: Bool?

        public init(volumeID: String, newVolumeID: String, error: Bool) {
            self.volumeID = volumeID
            self.newVolumeID = newVolumeID
            self.error = error
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case newVolumeID = "new_volume_id"
            case error
        }
    }

    /// `update_migrated_volume(ctxt, volume, new_volume, original_volume_status)` (a call, on
    /// the destination): the driver gives the new data the original's name.
    public struct UpdateMigratedVolume: RPCMessage, Equatable {
        public struct Reply: Codable, Sendable, Equatable {
            /// The `_name_id` the volume keeps its data under, nil for its own id.
            public var nameID: String?

            public init(nameID: String?) {
                self.nameID = nameID
            }

            enum CodingKeys: String, CodingKey {
                case nameID = "_name_id"
            }
        }

        public static let method = "update_migrated_volume"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        public var newVolumeID: String
        public var volumeStatus: String?

        public init(volumeID: String, newVolumeID: String, volumeStatus: VolumeStatus) {
            self.volumeID = volumeID
            self.newVolumeID = newVolumeID
            self.volumeStatus = volumeStatus.rawValue
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case newVolumeID = "new_volume_id"
            case volumeStatus = "volume_status"
        }
    }

    /// `copy_volume_to_image(ctxt, volume, image_meta)`: stream the volume into the queued image.
    public struct CopyVolumeToImage: RPCMessage, Equatable {
        public static let method = "copy_volume_to_image"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        public var imageMeta: ImageReference

        public init(volumeID: String, imageID: String) {
            self.volumeID = volumeID
            self.imageMeta = ImageReference(id: imageID)
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case imageMeta = "image_meta"
        }
    }

    /// `reimage(ctxt, volume, image_meta)`: write the image over the volume.
    public struct Reimage: RPCMessage, Equatable {
        public static let method = "reimage"
        public static let version = RPCVersion(3, 18)
        public var volumeID: String
        public var imageMeta: ImageReference

        public init(volumeID: String, imageID: String) {
            self.volumeID = volumeID
            self.imageMeta = ImageReference(id: imageID)
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case imageMeta = "image_meta"
        }
    }

    /// `initialize_connection(ctxt, volume, connector)` (a call): the driver's connection info.
    public struct InitializeConnection: RPCMessage, Equatable {
        public typealias Reply = JSONValue
        public static let method = "initialize_connection"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        /// os-brick's connector properties of the consumer.
        public var connector: JSONValue

        public init(volumeID: String, connector: JSONValue) {
            self.volumeID = volumeID
            self.connector = connector
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case connector
        }
    }

    /// `initialize_connection_snapshot(ctxt, snapshot, connector)` (a call): a snapshot's
    /// connection info, for the backup service to read it.
    public struct InitializeConnectionSnapshot: RPCMessage, Equatable {
        public typealias Reply = JSONValue
        public static let method = "initialize_connection_snapshot"
        public static let version = RPCVersion(3, 13)
        public var snapshotID: String
        public var connector: JSONValue?

        public init(snapshotID: String, connector: JSONValue) {
            self.snapshotID = snapshotID
            self.connector = connector
        }

        enum CodingKeys: String, CodingKey {
            case snapshotID = "snapshot_id"
            case connector
        }
    }

    /// `terminate_connection(ctxt, volume, connector, force)` (a call).
    public struct TerminateConnection: RPCMessage, Equatable {
        public static let method = "terminate_connection"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        public var connector: JSONValue
        public var force: Bool?

        public init(volumeID: String, connector: JSONValue, force: Bool) {
            self.volumeID = volumeID
            self.connector = connector
            self.force = force
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case connector
            case force
        }
    }

    /// `attach_volume(ctxt, volume, instance_uuid, host_name, mountpoint, mode)` (a call):
    /// records the attachment; returns its row as JSON.
    public struct AttachVolume: RPCMessage, Equatable {
        public typealias Reply = JSONValue
        public static let method = "attach_volume"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        public var instanceUUID: String?
        public var hostName: String?
        public var mountpoint: String?
        /// `rw` or `ro`; `rw` when absent.
        public var mode: String?

        public init(volumeID: String, instanceUUID: String?, hostName: String?, mountpoint: String, mode: String) {
            self.volumeID = volumeID
            self.instanceUUID = instanceUUID
            self.hostName = hostName
            self.mountpoint = mountpoint
            self.mode = mode
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case instanceUUID = "instance_uuid"
            case hostName = "host_name"
            case mountpoint
            case mode
        }
    }

    /// `detach_volume(ctxt, volume, attachment_id)` (a call).
    public struct DetachVolume: RPCMessage, Equatable {
        public static let method = "detach_volume"
        public static let version = RPCVersion(3, 0)
        public var volumeID: String
        /// nil: the volume's only attachment.
        public var attachmentID: String?

        public init(volumeID: String, attachmentID: String?) {
            self.volumeID = volumeID
            self.attachmentID = attachmentID
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case attachmentID = "attachment_id"
        }
    }

    /// `get_capabilities(ctxt, backend_id, discover)` (a call): the backend's capability
    /// report with its standard properties.
    public struct GetCapabilities: RPCMessage, Equatable {
        public typealias Reply = JSONValue
        public static let method = "get_capabilities"
        public static let version = RPCVersion(3, 0)
        public var discover: Bool?

        public init(discover: Bool = false) {
            self.discover = discover
        }
    }

    /// `publish_service_capabilities(ctxt)`: fanned out to every volume service, which reports
    /// to the schedulers.
    public struct PublishServiceCapabilities: RPCMessage, Equatable {
        public static let method = "publish_service_capabilities"
        public static let version = RPCVersion(3, 0)

        public init() {}
    }
}

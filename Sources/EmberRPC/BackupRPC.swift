import EmberBus
import EmberCore

/// The backup service's RPC API (`cinder/backup/rpcapi.py:BackupAPI`): one message type per
/// method, sent to one backup host on `cinder-backup.HOST`.
public enum BackupRPC {
    /// The newest backup RPC version Ember serves (cinder 29.0.0: 2.4).
    public static let version = RPCVersion(2, 4)

    /// The server topic of a backup host.
    public static func topic(forHost host: String) -> String { Topic.backup + "." + host }

    /// A client for the backup service of `host`.
    public static func client(bus: any MessageBus, host: String) -> RPCClient {
        RPCClient(bus: bus, topic: topic(forHost: host), version: version)
    }

    /// `create_backup(ctxt, backup)`.
    public struct CreateBackup: RPCMessage, Equatable {
        public static let method = "create_backup"
        public static let version = RPCVersion(2, 0)
        public var backupID: String

        public init(backupID: String) {
            self.backupID = backupID
        }

        enum CodingKeys: String, CodingKey {
            case backupID = "backup_id"
        }
    }

    /// `restore_backup(ctxt, backup_host, backup, volume_id, volume_is_new)`.
    public struct RestoreBackup: RPCMessage, Equatable {
        public static let method = "restore_backup"
        public static let version = RPCVersion(2, 0)
        public var backupID: String
        public var volumeID: String
        /// The volume was created for the restore (its status then ends `available`).
        public var volumeIsNew: Bool?

        public init(backupID: String, volumeID: String, volumeIsNew: Bool) {
            self.backupID = backupID
            self.volumeID = volumeID
            self.volumeIsNew = volumeIsNew
        }

        enum CodingKeys: String, CodingKey {
            case backupID = "backup_id"
            case volumeID = "volume_id"
            case volumeIsNew = "volume_is_new"
        }
    }

    /// `delete_backup(ctxt, backup)`.
    public struct DeleteBackup: RPCMessage, Equatable {
        public static let method = "delete_backup"
        public static let version = RPCVersion(2, 0)
        public var backupID: String

        public init(backupID: String) {
            self.backupID = backupID
        }

        enum CodingKeys: String, CodingKey {
            case backupID = "backup_id"
        }
    }

    /// `export_record(ctxt, backup)` (a call): what `import_record` needs to find the backup.
    public struct ExportRecord: RPCMessage, Equatable {
        public struct Reply: Codable, Sendable, Equatable {
            /// The driver that made the backup; nil when the backup row names none.
            public var backupService: String?
            public var backupURL: String

            public init(backupService: String?, backupURL: String) {
                self.backupService = backupService
                self.backupURL = backupURL
            }

            enum CodingKeys: String, CodingKey {
                case backupService = "backup_service"
                case backupURL = "backup_url"
            }
        }

        public static let method = "export_record"
        public static let version = RPCVersion(2, 0)
        public var backupID: String

        public init(backupID: String) {
            self.backupID = backupID
        }

        enum CodingKeys: String, CodingKey {
            case backupID = "backup_id"
        }
    }

    /// `import_record(ctxt, host, backup, backup_service, backup_url, backup_hosts)`: the
    /// other hosts are tried next when this one cannot read the record.
    public struct ImportRecord: RPCMessage, Equatable {
        public static let method = "import_record"
        public static let version = RPCVersion(2, 0)
        public var backupID: String
        public var backupService: String?
        public var backupURL: String?
        public var backupHosts: [String]?

        public init(backupID: String, backupService: String, backupURL: String, backupHosts: [String]) {
            self.backupID = backupID
            self.backupService = backupService
            self.backupURL = backupURL
            self.backupHosts = backupHosts
        }

        enum CodingKeys: String, CodingKey {
            case backupID = "backup_id"
            case backupService = "backup_service"
            case backupURL = "backup_url"
            case backupHosts = "backup_hosts"
        }
    }

    /// `reset_status(ctxt, backup, status)`.
    public struct ResetStatus: RPCMessage, Equatable {
        public static let method = "reset_status"
        public static let version = RPCVersion(2, 0)
        public var backupID: String
        public var status: BackupStatus

        public init(backupID: String, status: BackupStatus) {
            self.backupID = backupID
            self.status = status
        }

        enum CodingKeys: String, CodingKey {
            case backupID = "backup_id"
            case status
        }
    }
}

import EmberBus
import EmberCore
import Foundation

/// `cinder/backup/rpcapi.py:BackupAPI` over the bus: casts (and the `export_record` call) to
/// the backup service of one host, topic `cinder-backup.HOST`.
public struct BackupRPC: Sendable {
    /// The newest backup RPC version Ember speaks (cinder 29.0.0: 2.4).
    public static let version = RPCVersion(2, 4)
    public let bus: any MessageBus

    public init(bus: any MessageBus) {
        self.bus = bus
    }

    /// The server topic of a backup host.
    public static func topic(forHost host: String) -> String { Topic.backup + "." + host }

    func client(host: String, version: RPCVersion = RPCVersion(2, 0)) -> RPCClient {
        RPCClient(bus: bus, topic: Self.topic(forHost: host), version: version)
    }

    /// `create_backup(ctxt, backup)`: the scheduler hands the backup to its host.
    public func createBackup(_ backup: Backup, host: String, context: RPCContext) async throws {
        try await client(host: host).cast("create_backup", context: context, ["backup_id": .string(backup.id)])
    }

    /// `restore_backup(ctxt, backup_host, backup, volume_id, volume_is_new)`.
    public func restoreBackup(
        _ backup: Backup,
        host: String,
        volumeID: String,
        volumeIsNew: Bool,
        context: RPCContext
    ) async throws {
        try await client(host: host).cast(
            "restore_backup",
            context: context,
            ["backup_id": .string(backup.id), "volume_id": .string(volumeID), "volume_is_new": .bool(volumeIsNew)]
        )
    }

    /// `delete_backup(ctxt, backup)`.
    public func deleteBackup(_ backup: Backup, host: String, context: RPCContext) async throws {
        try await client(host: host).cast("delete_backup", context: context, ["backup_id": .string(backup.id)])
    }

    /// `export_record(ctxt, backup)`, a call: `{"backup_service", "backup_url"}`.
    public func exportRecord(_ backup: Backup, host: String, context: RPCContext) async throws -> JSONValue {
        try await client(host: host).call("export_record", context: context, ["backup_id": .string(backup.id)])
    }

    /// `import_record(ctxt, host, backup, backup_service, backup_url, backup_hosts)`.
    public func importRecord(
        _ backup: Backup,
        host: String,
        backupService: String,
        backupURL: String,
        otherHosts: [String],
        context: RPCContext
    ) async throws {
        try await client(host: host).cast(
            "import_record",
            context: context,
            [
                "backup_id": .string(backup.id), "backup_service": .string(backupService),
                "backup_url": .string(backupURL), "backup_hosts": .array(otherHosts.map(JSONValue.string)),
            ]
        )
    }

    /// `reset_status(ctxt, backup, status)`.
    public func resetStatus(_ backup: Backup, host: String, status: BackupStatus, context: RPCContext) async throws {
        try await client(host: host).cast(
            "reset_status",
            context: context,
            ["backup_id": .string(backup.id), "status": .string(status.rawValue)]
        )
    }
}

extension SchedulerRPC {
    /// `create_backup(ctxt, backup)`, version 3.12: the scheduler picks a backup host.
    public func createBackup(_ backup: Backup, context: RPCContext) async throws {
        try await bus.cast(
            Envelope(
                topic: Topic.scheduler,
                method: "create_backup",
                version: RPCVersion(3, 12),
                arguments: ["backup_id": .string(backup.id)],
                context: context
            )
        )
    }
}

extension BusVolumeWorkCaster: BackupWorkCaster {
    public func createBackup(_ backup: Backup, caller: Identity, requestID: String) async throws {
        try await scheduler.createBackup(backup, context: RPCContext(requestID: requestID, identity: caller))
    }

    public func restoreBackup(
        _ backup: Backup,
        host: String,
        volumeID: String,
        volumeIsNew: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        try await BackupRPC(bus: scheduler.bus).restoreBackup(
            backup,
            host: host,
            volumeID: volumeID,
            volumeIsNew: volumeIsNew,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func deleteBackup(_ backup: Backup, host: String, caller: Identity, requestID: String) async throws {
        try await BackupRPC(bus: scheduler.bus).deleteBackup(
            backup,
            host: host,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func exportRecord(
        _ backup: Backup,
        host: String,
        caller: Identity,
        requestID: String
    ) async throws
        -> JSONValue
    {
        try await BackupRPC(bus: scheduler.bus).exportRecord(
            backup,
            host: host,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func importRecord(
        _ backup: Backup,
        host: String,
        backupService: String,
        backupURL: String,
        otherHosts: [String],
        caller: Identity,
        requestID: String
    ) async throws {
        try await BackupRPC(bus: scheduler.bus).importRecord(
            backup,
            host: host,
            backupService: backupService,
            backupURL: backupURL,
            otherHosts: otherHosts,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func resetStatus(
        _ backup: Backup,
        host: String,
        status: BackupStatus,
        caller: Identity,
        requestID: String
    ) async throws {
        try await BackupRPC(bus: scheduler.bus).resetStatus(
            backup,
            host: host,
            status: status,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }
}

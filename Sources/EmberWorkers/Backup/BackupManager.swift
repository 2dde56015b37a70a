import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle

/// The backup service: cinder's `BackupManager` with the POSIX chunked driver, consuming
/// `cinder-backup.HOST`.
///
/// `run()` creates `backup_posix_path`, registers the `cinder-backup` service row, recovers
/// interrupted work (``initHost()``), then consumes its topic while it heartbeats. A volume
/// is read and written through the path its backend's `initialize_connection` gives (a
/// local attach, as cinder's backup service attaches volumes with os-brick). Chunk I/O runs
/// on the manager's own thread pool, so a long backup never blocks the Swift concurrency
/// pool nor the volume drivers' I/O.
///
/// A final class, not an actor: everything it holds is immutable after `init` (its
/// configuration, the store, the bus, the driver and its thread pool), and the bus hands it
/// one message at a time, so there is no state of its own to isolate.
public final class BackupManager: Service, Sendable {
    public let host: String
    public let store: any BlockStorageStore
    public let bus: any MessageBus
    public let driver: PosixBackupDriver
    let configuration: WorkerConfiguration
    let backupConfiguration: BackupConfiguration
    let logger: Logger
    /// Where heartbeats and service ages take the time from.
    let clock: any EmberClock
    let prepare: @Sendable () async throws -> Void
    let messages: UserMessageRecorder
    let pool: NIOThreadPool

    public init(
        configuration: WorkerConfiguration,
        backupConfiguration: BackupConfiguration,
        store: any BlockStorageStore,
        bus: any MessageBus,
        clock: any EmberClock = .system,
        logger: Logger = Logger(label: "ember.backup.manager"),
        prepare: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.host = configuration.host
        self.configuration = configuration
        self.backupConfiguration = backupConfiguration
        self.store = store
        self.bus = bus
        self.logger = logger
        self.clock = clock
        self.prepare = prepare
        self.messages = UserMessageRecorder(
            store: store,
            logger: logger,
            clock: clock,
            timeToLive: configuration.messageTTL.timeInterval
        )
        self.pool = NIOThreadPool(numberOfThreads: 2)
        self.driver = PosixBackupDriver(configuration: backupConfiguration, threadPool: pool)
    }

    /// `cinder-backup.HOST`.
    public var topic: String { BackupRPC.topic(forHost: host) }
    /// The availability zone of the service and of the backups it makes.
    var availabilityZone: String { configuration.storageAvailabilityZone }

    /// Runs the service until graceful shutdown.
    public func run() async throws {
        try await prepare()
        pool.start()
        do {
            try await serve()
        } catch {
            try? await pool.shutdownGracefully()
            throw error
        }
        try await pool.shutdownGracefully()
    }

    private func serve() async throws {
        try await driver.setUp()
        let heartbeat = ServiceHeartbeat(
            store: store,
            host: host,
            binary: "cinder-backup",
            topic: Topic.backup,
            availabilityZone: availabilityZone,
            interval: configuration.reportInterval,
            clock: clock,
            logger: logger
        )
        let serviceID = try await heartbeat.register()
        await initHost()
        let consumer = bus.makeConsumer(
            topic: topic,
            supportedVersion: BackupRPC.version,
            handler: dispatcher().handler
        )
        logger.info("Backup service started", metadata: ["topic": .string(topic)])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await consumer.run() }
            group.addTask { await cancelWhenGracefulShutdown { await heartbeat.beat(serviceID: serviceID) } }
            try await group.waitForAll()
        }
        logger.info("Backup service stopped")
    }

    /// The methods of `cinder/backup/rpcapi.py` this service serves.
    func dispatcher() -> RPCDispatcher {
        var dispatcher = RPCDispatcher(topic: topic)
        dispatcher.on(BackupRPC.CreateBackup.self) { [self] in try await createBackup($0, context: $1) }
        dispatcher.on(BackupRPC.RestoreBackup.self) { [self] in try await restoreBackup($0, context: $1) }
        dispatcher.on(BackupRPC.DeleteBackup.self) { [self] in try await deleteBackup($0, context: $1) }
        dispatcher.on(BackupRPC.ExportRecord.self) { [self] message, _ in try await exportRecord(message) }
        dispatcher.on(BackupRPC.ImportRecord.self) { [self] in try await importRecord($0, context: $1) }
        dispatcher.on(BackupRPC.ResetStatus.self) { [self] message, _ in try await resetStatus(message) }
        dispatcher.on(BackupRPC.SetLogLevels.self) { [logger] message, _ in
            LogLevelHandling.set(message.logRequest, logger: logger)
            return RPCNoReply()
        }
        dispatcher.on(BackupRPC.GetLogLevels.self) { message, _ in LogLevelHandling.get(message.logRequest) }
        return dispatcher
    }

    // MARK: - Start-up recovery

    /// cinder's `_cleanup_incomplete_backup_operations` for this host: `creating` backups
    /// become `error` (their volume goes back to its previous status), `restoring` ones
    /// `available` (their volume `error_restoring`), and `deleting` ones are deleted now.
    public func initHost() async {
        let backups: [Backup]
        do {
            backups = try await store.listBackups(
                ListQuery(
                    scope: .allProjects,
                    filters: [.equals("host", host), .oneOf("status", ["creating", "restoring", "deleting"])],
                    limit: 100_000
                )
            ).items
        } catch {
            logger.error("init_host: cannot list backups", metadata: ["error": "\(error)"])
            return
        }
        for backup in backups {
            do {
                try await recover(backup)
            } catch {
                logger.error(
                    "init_host: recovery failed",
                    metadata: ["backup.id": .string(backup.id), "error": "\(error)"]
                )
            }
        }
    }

    private func recover(_ backup: Backup) async throws {
        switch backup.status {
        case .creating:
            logger.info("Resetting backup to error (was creating).", metadata: ["backup.id": .string(backup.id)])
            try await resetVolume(backup.volumeID, from: .backingUp)
            if let snapshotID = backup.snapshotID {
                try await store.apply(SnapshotTransitions.backupEnded, toSnapshot: snapshotID)
            }
            try await store.apply(
                BackupTransitions.recovered(from: .creating, to: .error),
                toBackup: backup.id,
                also: [.failReason("incomplete backup reset on manager restart")]
            )
        case .restoring:
            logger.info("Resetting backup to available (was restoring).", metadata: ["backup.id": .string(backup.id)])
            if let volumeID = backup.restoreVolumeID { try await resetVolume(volumeID, from: .restoringBackup) }
            try await store.apply(BackupTransitions.recovered(from: .restoring, to: .available), toBackup: backup.id)
        case .deleting:
            logger.info("Resuming delete on backup.", metadata: ["backup.id": .string(backup.id)])
            try await finishDelete(backup, context: .service(requestID: Self.requestID()))
        default:
            break
        }
    }

    /// `_cleanup_one_volume`: `backing-up` goes back to the previous status,
    /// `restoring-backup` becomes `error_restoring`.
    private func resetVolume(_ id: String, from status: VolumeStatus) async throws {
        guard let volume = try await store.liveVolume(id: id), volume.status == status else { return }
        let target: VolumeStatus =
            status == .backingUp
            ? volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .available : .errorRestoring
        try await store.apply(VolumeTransitions.recovered(from: status, to: target), toVolume: id)
    }

    static func requestID() -> String { "req-" + UUID().uuidString.lowercased() }
}

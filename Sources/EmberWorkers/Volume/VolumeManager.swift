import EmberBus
import EmberCore
import EmberImage
import EmberRPC
import EmberStore
import Foundation
import Logging
import ServiceLifecycle

/// The volume manager of one backend: cinder's `VolumeManager`, consuming
/// `cinder-volume.HOST@BACKEND`.
///
/// `run()` prepares the driver, registers the `cinder-volume` service row, recovers
/// interrupted work (``initHost()``), then consumes its topic while it heartbeats every
/// `report_interval` and reports capabilities to the schedulers every `periodic_interval`.
/// Operations on one volume run one at a time; operations on different volumes interleave.
/// Status changes are conditional updates (`VolumeTransitions`).
///
/// It isolates the operations in flight per volume id and the messages waiting for each.
public actor VolumeManager: Service {
    /// The backend's configuration.
    public nonisolated let backend: BackendConfiguration
    /// `HOST@BACKEND`: the service host and the topic's server.
    public nonisolated let host: String
    public nonisolated let store: any BlockStorageStore
    public nonisolated let bus: any MessageBus
    public nonisolated let driver: any VolumeDriver
    /// How consumers reach the volumes (`target_helper`): ``FakeTarget`` or ``TgtAdmTarget``.
    public nonisolated let target: any VolumeTarget
    nonisolated let configuration: WorkerConfiguration
    nonisolated let logger: Logger
    /// Where heartbeats and service ages take the time from.
    nonisolated let clock: any EmberClock
    nonisolated let prepare: @Sendable () async throws -> Void
    nonisolated let messages: UserMessageRecorder
    /// The image service volumes are created from and uploaded to.
    nonisolated let images: GlanceClient
    /// The operations running per volume id and who waits for each: the state this actor
    /// isolates.
    private var inFlight = InFlightOperations()
    /// This backend's row in `services`, once registered (the owner of its `workers` rows).
    private(set) var serviceID: Int?

    func registered(as id: Int) {
        serviceID = id
    }

    /// - Parameters:
    ///   - target: the target helper; by default the one `backend.target` selects.
    ///   - prepare: runs first in `run()` (wait for the database, migrate).
    public init(
        backend: BackendConfiguration,
        configuration: WorkerConfiguration,
        store: any BlockStorageStore,
        bus: any MessageBus,
        driver: (any VolumeDriver)? = nil,
        target: (any VolumeTarget)? = nil,
        images: GlanceClient? = nil,
        clock: any EmberClock = .system,
        logger: Logger = Logger(label: "ember.volume.manager"),
        prepare: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.backend = backend
        self.host = configuration.host + "@" + backend.name
        self.configuration = configuration
        self.store = store
        self.bus = bus
        self.driver = driver ?? FileDriver(directory: backend.fileVolumeDirectory)
        var logger = logger
        logger[metadataKey: "backend"] = .string(configuration.host + "@" + backend.name)
        self.logger = logger
        self.target = target ?? Self.makeTarget(backend.target, logger: logger)
        self.clock = clock
        self.prepare = prepare
        self.messages = UserMessageRecorder(
            store: store,
            logger: logger,
            clock: clock,
            timeToLive: configuration.messageTTL.timeInterval
        )
        self.images = images ?? .unconfigured(logger: logger)
    }

    /// The helper `target_helper` names.
    static func makeTarget(_ configuration: TargetConfiguration, logger: Logger) -> any VolumeTarget {
        switch configuration.helper {
        case .fake: FakeTarget()
        case .tgtadm: TgtAdmTarget(configuration: configuration, logger: logger)
        }
    }

    /// The topic this manager consumes: `cinder-volume.HOST@BACKEND`.
    public nonisolated var topic: String { Topic.volume(serviceTopicQueue: host) }

    /// `CLUSTER@BACKEND` when `[DEFAULT] cluster` is set: the cluster this backend's service
    /// joins.
    public nonisolated var clusterName: String? { configuration.cluster.map { $0 + "@" + backend.name } }

    /// Runs the manager until graceful shutdown: consumers drain the message in hand; the
    /// periodic tasks stop.
    public nonisolated func run() async throws {
        try await prepare()
        try await driver.setUp()
        let heartbeat = ServiceHeartbeat(
            store: store,
            host: host,
            binary: "cinder-volume",
            topic: Topic.volume,
            availabilityZone: backend.availabilityZone,
            clusterName: clusterName,
            interval: configuration.reportInterval,
            clock: clock,
            logger: logger
        )
        let serviceID = try await heartbeat.register()
        await registered(as: serviceID)
        await initHost()
        let handlers = dispatcher()
        let handler: MessageHandler = { [logger] envelope in
            // oslo.messaging's debug line per message received (seen once `set-log` asks for DEBUG).
            logger.debug("Received RPC message", metadata: ["method": .string(envelope.method)])
            return try await handlers.dispatch(envelope)
        }
        let consumer = bus.makeConsumer(topic: topic, supportedVersion: .volume, handler: handler)
        var fanout = RPCDispatcher(topic: Topic.volume)
        fanout.on(VolumeRPC.PublishServiceCapabilities.self) { [self] _, _ in
            await reportCapabilities()
            return RPCNoReply()
        }
        let fanoutConsumer = bus.makeConsumer(topic: Topic.volume, supportedVersion: .volume, handler: fanout.handler)
        // A clustered service also consumes its cluster's topic (cinder's
        // `cinder-volume.CLUSTER@BACKEND`): every member takes the cluster's work from it.
        let clusterConsumer = clusterName.map { name in
            bus.makeConsumer(
                topic: Topic.volume(serviceTopicQueue: name),
                supportedVersion: .volume,
                handler: handler
            )
        }
        logger.info("Volume service started", metadata: ["topic": .string(topic)])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await consumer.run() }
            if let clusterConsumer { group.addTask { try await clusterConsumer.run() } }
            group.addTask { try await fanoutConsumer.run() }
            group.addTask { await cancelWhenGracefulShutdown { await heartbeat.beat(serviceID: serviceID) } }
            group.addTask { await cancelWhenGracefulShutdown { await self.reportPeriodically() } }
            try await group.waitForAll()
        }
        logger.info("Volume service stopped")
    }

    /// The methods of `cinder/volume/rpcapi.py` this manager serves.
    nonisolated func dispatcher() -> RPCDispatcher {
        var dispatcher = RPCDispatcher(topic: topic)
        dispatcher.on(VolumeRPC.CreateVolume.self) { [self] in try await createVolume($0, context: $1) }
        dispatcher.on(VolumeRPC.DeleteVolume.self) { [self] in try await deleteVolume($0, context: $1) }
        dispatcher.on(VolumeRPC.ExtendVolume.self) { [self] in try await extendVolume($0, context: $1) }
        dispatcher.on(VolumeRPC.CreateSnapshot.self) { [self] in try await createSnapshot($0, context: $1) }
        dispatcher.on(VolumeRPC.DeleteSnapshot.self) { [self] in try await deleteSnapshot($0, context: $1) }
        dispatcher.on(VolumeRPC.RevertToSnapshot.self) { [self] in try await revertToSnapshot($0, context: $1) }
        dispatcher.on(VolumeRPC.Retype.self) { [self] in try await retype($0, context: $1) }
        dispatcher.on(VolumeRPC.MigrateVolume.self) { [self] in try await migrateVolume($0, context: $1) }
        dispatcher.on(VolumeRPC.MigrateVolumeCompletion.self) { [self] in
            try await migrateVolumeCompletion($0, context: $1)
        }
        dispatcher.on(VolumeRPC.UpdateMigratedVolume.self) { [self] message, _ in
            try await updateMigratedVolume(message)
        }
        dispatcher.on(VolumeRPC.CopyVolumeToImage.self) { [self] in try await copyVolumeToImage($0, context: $1) }
        dispatcher.on(VolumeRPC.Reimage.self) { [self] in try await reimage($0, context: $1) }
        dispatcher.on(VolumeRPC.InitializeConnection.self) { [self] message, _ in
            try await initializeConnection(message)
        }
        dispatcher.on(VolumeRPC.InitializeConnectionSnapshot.self) { [self] message, _ in
            try await initializeConnectionSnapshot(message)
        }
        dispatcher.on(VolumeRPC.TerminateConnection.self) { [self] message, _ in
            try await terminateConnection(message)
        }
        dispatcher.on(VolumeRPC.AttachVolume.self) { [self] in try await attachVolume($0, context: $1) }
        dispatcher.on(VolumeRPC.DetachVolume.self) { [self] in try await detachVolume($0, context: $1) }
        dispatcher.on(VolumeRPC.AttachmentUpdate.self) { [self] in try await attachmentUpdate($0, context: $1) }
        dispatcher.on(VolumeRPC.AttachmentDelete.self) { [self] in try await attachmentDelete($0, context: $1) }
        dispatcher.on(VolumeRPC.ExtendVolumeCompletion.self) { [self] in
            try await extendVolumeCompletion($0, context: $1)
        }
        dispatcher.on(VolumeRPC.CreateGroup.self) { [self] in try await createGroup($0, context: $1) }
        dispatcher.on(VolumeRPC.DeleteGroup.self) { [self] in try await deleteGroup($0, context: $1) }
        dispatcher.on(VolumeRPC.UpdateGroup.self) { [self] in try await updateGroup($0, context: $1) }
        dispatcher.on(VolumeRPC.CreateGroupSnapshot.self) { [self] in try await createGroupSnapshot($0, context: $1) }
        dispatcher.on(VolumeRPC.DeleteGroupSnapshot.self) { [self] in try await deleteGroupSnapshot($0, context: $1) }
        dispatcher.on(VolumeRPC.CreateGroupFromSrc.self) { [self] in try await createGroupFromSource($0, context: $1) }
        dispatcher.on(VolumeRPC.ManageExisting.self) { [self] in try await manageExisting($0, context: $1) }
        dispatcher.on(VolumeRPC.ManageExistingSnapshot.self) { [self] in
            try await manageExistingSnapshot($0, context: $1)
        }
        dispatcher.on(VolumeRPC.GetManageableVolumes.self) { [self] message, _ in
            try await getManageableVolumes(message)
        }
        dispatcher.on(VolumeRPC.GetManageableSnapshots.self) { [self] message, _ in
            try await getManageableSnapshots(message)
        }
        dispatcher.on(VolumeRPC.AcceptTransfer.self) { [self] in
            try await acceptTransfer($0, context: $1)
            return RPCNoReply()
        }
        dispatcher.on(VolumeRPC.PublishServiceCapabilities.self) { [self] _, _ in
            await reportCapabilities()
            return RPCNoReply()
        }
        dispatcher.on(VolumeRPC.GetCapabilities.self) { [self] _, _ in
            // The report plus the standard properties (`init_capabilities`).
            var result = try await capabilities()
            result["properties"] = .object(Self.standardProperties)
            return .object(result)
        }
        dispatcher.on(VolumeRPC.DoCleanup.self) { [self] message, _ in
            try await doCleanup(message.cleanupRequest)
            return RPCNoReply()
        }
        dispatcher.on(VolumeRPC.FreezeHost.self) { [self] _, _ in try await freezeHost() }
        dispatcher.on(VolumeRPC.ThawHost.self) { [self] _, _ in try await thawHost() }
        dispatcher.on(VolumeRPC.Failover.self) { [self] message, _ in
            try await failover(message)
            return RPCNoReply()
        }
        dispatcher.on(VolumeRPC.SetLogLevels.self) { [logger] message, _ in
            LogLevelHandling.set(message.logRequest, logger: logger)
            return RPCNoReply()
        }
        dispatcher.on(VolumeRPC.GetLogLevels.self) { message, _ in LogLevelHandling.get(message.logRequest) }
        return dispatcher
    }

    // MARK: - Per-volume serialisation

    /// Runs `body` while holding the lock of `id`: one operation per volume at a time.
    func serialized<T: Sendable>(_ id: String, _ body: () async throws -> T) async throws -> T {
        await acquire(id)
        defer { release(id) }
        return try await body()
    }

    private func acquire(_ id: String) async {
        if inFlight.begin(id) { return }
        await withCheckedContinuation { inFlight.wait(for: id, $0) }
    }

    private func release(_ id: String) {
        inFlight.end(id)?.resume()
    }

    // MARK: - Start-up recovery

    /// cinder's `init_host` cleanup: this backend's volumes left `deleting` are deleted now;
    /// those left `creating` are created now; then the targets of attached volumes are
    /// ensured (``ensureExports()``).
    ///
    /// cinder sets volumes left `creating` to `error`: its AMQP casts are acknowledged before
    /// they run, so an interrupted create is lost. Ember's bus redelivers an unacknowledged
    /// cast (and queued casts wait for the restart), so the create is finished instead, with
    /// the same code a cast runs; the cast, when it comes, finds the volume done.
    public func initHost() async {
        let page: Page<Volume>
        do {
            page = try await store.listVolumes(
                ListQuery(scope: .allProjects, filters: [.oneOf("status", ["creating", "deleting"])])
            )
        } catch {
            logger.error("init_host: cannot list volumes", metadata: ["error": "\(error)"])
            return
        }
        for volume in page.items where ownsHost(volume.host) {
            do {
                switch volume.status {
                case .creating:
                    logger.info(
                        "init_host: resuming the create of volume",
                        metadata: ["volume.id": .string(volume.id)]
                    )
                    try await serialized(volume.id) {
                        try await finishCreate(
                            volume.id,
                            requestSpec: nil,
                            context: .service(requestID: Self.requestID())
                        )
                    }
                case .deleting:
                    logger.info(
                        "init_host: finishing the delete of volume",
                        metadata: ["volume.id": .string(volume.id)]
                    )
                    try await serialized(volume.id) {
                        try await finishDelete(volume, cascade: false, context: .service(requestID: Self.requestID()))
                    }
                default:
                    break
                }
            } catch {
                logger.error(
                    "init_host: recovery failed",
                    metadata: ["volume.id": .string(volume.id), "error": "\(error)"]
                )
            }
        }
        await recoverGroups()
        await ensureExports()
    }

    /// Whether a volume's `host` (`HOST@BACKEND#POOL`) is this backend.
    nonisolated func ownsHost(_ volumeHost: String?) -> Bool {
        guard let volumeHost else { return false }
        return volumeHost == host || volumeHost.hasPrefix(host + "#")
    }

    /// Whether a volume belongs to this backend's cluster (`CLUSTER@BACKEND[#POOL]`).
    nonisolated func ownsCluster(_ volumeCluster: String?) -> Bool {
        guard let clusterName, let volumeCluster else { return false }
        return volumeCluster == clusterName || volumeCluster.hasPrefix(clusterName + "#")
    }

    static func requestID() -> String { "req-" + UUID().uuidString.lowercased() }
}

import EmberBus
import EmberCore
import EmberStore
import EmberVolume
import Foundation
import Logging
import ServiceLifecycle

/// The scheduler: cinder's `SchedulerManager` with the filter scheduler, consuming
/// `cinder-scheduler`.
///
/// It keeps the backends' latest capability reports (fanout `update_service_capabilities`)
/// and places each new volume on the best backend that passes the availability-zone,
/// capacity and capabilities filters (capacity weigher: most virtual free space first).
/// Reports older than `service_down_time` + `periodic_interval` are ignored. At start, and
/// every second while it knows no backend, it asks the volume services to report
/// (`publish_service_capabilities`). It also heartbeats its `cinder-scheduler` service row.
public actor SchedulerManager: Service {
    nonisolated let configuration: WorkerConfiguration
    public nonisolated let store: any BlockStorageStore
    public nonisolated let bus: any MessageBus
    nonisolated let logger: Logger
    nonisolated let prepare: @Sendable () async throws -> Void
    nonisolated let messages: UserMessageRecorder
    /// Latest report per `HOST@BACKEND#POOL`.
    private var states: [String: BackendState] = [:]

    public init(
        configuration: WorkerConfiguration,
        store: any BlockStorageStore,
        bus: any MessageBus,
        logger: Logger = Logger(label: "ember.scheduler"),
        prepare: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.configuration = configuration
        self.store = store
        self.bus = bus
        self.logger = logger
        self.prepare = prepare
        self.messages = UserMessageRecorder(store: store, logger: logger)
    }

    /// Runs the scheduler until graceful shutdown.
    public nonisolated func run() async throws {
        try await prepare()
        let heartbeat = ServiceHeartbeat(
            store: store,
            host: configuration.host,
            binary: "cinder-scheduler",
            topic: Topic.scheduler,
            availabilityZone: configuration.storageAvailabilityZone,
            interval: configuration.reportInterval,
            logger: logger
        )
        let serviceID = try await heartbeat.register()
        let consumer = bus.makeConsumer(
            topic: Topic.scheduler,
            supportedVersion: .scheduler,
            handler: dispatcher().handler
        )
        logger.info("Scheduler started")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await consumer.run() }
            group.addTask { await cancelWhenGracefulShutdown { await heartbeat.beat(serviceID: serviceID) } }
            group.addTask { await cancelWhenGracefulShutdown { await self.requestReports() } }
            try await group.waitForAll()
        }
        logger.info("Scheduler stopped")
    }

    /// The methods of `cinder/scheduler/rpcapi.py` this scheduler serves.
    nonisolated func dispatcher() -> RPCDispatcher {
        var dispatcher = RPCDispatcher(topic: Topic.scheduler)
        dispatcher.on("create_volume") { [self] in try await createVolume($0) }
        dispatcher.on("extend_volume") { [self] in try await extendVolume($0) }
        dispatcher.on("create_snapshot") { [self] in try await createSnapshot($0) }
        dispatcher.on("create_backup") { [self] in try await createBackup($0) }
        dispatcher.on("update_service_capabilities") { [self] in
            await updateServiceCapabilities($0)
            return .null
        }
        return dispatcher
    }

    // MARK: - Host state

    /// Records a capability report (`update_service_capabilities`).
    public func updateServiceCapabilities(_ envelope: Envelope) {
        let arguments = envelope.arguments
        guard let backend = arguments["host"]?.stringValue, let capabilities = arguments["capabilities"]?.objectValue
        else { return }
        let timestamp = arguments["timestamp"]?.stringValue.flatMap { try? Date($0, strategy: .iso8601) } ?? Date()
        guard let state = BackendState(backend: backend, capabilities: capabilities, timestamp: timestamp) else {
            logger.warning("Capability report without capacity ignored", metadata: ["backend": .string(backend)])
            return
        }
        states = states.filter { $0.value.backend != backend }
        states[state.hostWithPool] = state
        logger.debug("Received capabilities", metadata: ["backend": .string(state.hostWithPool)])
    }

    /// The backends whose last report is fresh.
    public func backends(now: Date = Date()) -> [BackendState] {
        let window = (configuration.serviceDownTime + configuration.periodicInterval).seconds
        return states.values.filter { now.timeIntervalSince($0.timestamp) <= window }
            .sorted { $0.hostWithPool < $1.hostWithPool }
    }

    /// Asks every volume service to report now; repeats every second while no backend is
    /// known, then every `periodic_interval`.
    func requestReports() async {
        let client = RPCClient(bus: bus, topic: Topic.volume, version: RPCVersion(3, 0))
        while !Task.isCancelled {
            do {
                try await client.fanoutCast(
                    "publish_service_capabilities",
                    context: .service(requestID: "req-" + UUID().uuidString.lowercased())
                )
            } catch {
                logger.warning("Asking for capability reports failed", metadata: ["error": "\(error)"])
            }
            let wait: Duration = backends().isEmpty ? .seconds(1) : configuration.periodicInterval
            do {
                try await Task.sleep(for: wait)
            } catch {
                return
            }
        }
    }

    /// Picks the best backend for `request` and consumes the volume's size from it.
    func place(_ request: PlacementRequest) -> BackendState? {
        guard var best = BackendFilter.rank(backends(), for: request).first else { return nil }
        best.consume(sizeGiB: request.sizeGiB)
        states[best.hostWithPool] = best
        return best
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}

import EmberBus
import EmberCore
import EmberRPC
import EmberStore
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
///
/// It isolates the backend states (the latest report per pool, with the capacity its own
/// placements consumed since) and whether its start-up wait for reports is over.
public actor SchedulerManager: Service {
    nonisolated let configuration: WorkerConfiguration
    public nonisolated let store: any BlockStorageStore
    public nonisolated let bus: any MessageBus
    nonisolated let logger: Logger
    /// Where heartbeats and service ages take the time from.
    nonisolated let clock: any EmberClock
    nonisolated let prepare: @Sendable () async throws -> Void
    nonisolated let messages: UserMessageRecorder
    /// Latest report per `HOST@BACKEND#POOL`.
    private var states: [String: BackendState] = [:]
    /// When this scheduler was made; placement waits for reports until `periodic_interval`
    /// after it (``waitUntilReady()``).
    private let startedAt = ContinuousClock.now
    private var ready = false
    /// This scheduler's row in `services`, once registered.
    private(set) var serviceID: Int?

    func registered(as id: Int) {
        serviceID = id
    }

    public init(
        configuration: WorkerConfiguration,
        store: any BlockStorageStore,
        bus: any MessageBus,
        clock: any EmberClock = .system,
        logger: Logger = Logger(label: "ember.scheduler"),
        prepare: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.configuration = configuration
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
            clock: clock,
            logger: logger
        )
        let serviceID = try await heartbeat.register()
        await registered(as: serviceID)
        let consumer = bus.makeConsumer(
            topic: Topic.scheduler,
            supportedVersion: .scheduler,
            handler: dispatcher().handler
        )
        // The server topic (`cinder-scheduler.HOST`): what is meant for this scheduler alone.
        let serverConsumer = bus.makeConsumer(
            topic: SchedulerRPC.topic(forHost: configuration.host),
            supportedVersion: .scheduler,
            handler: serverDispatcher().handler
        )
        logger.info("Scheduler started")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await consumer.run() }
            group.addTask { try await serverConsumer.run() }
            group.addTask { await cancelWhenGracefulShutdown { await heartbeat.beat(serviceID: serviceID) } }
            group.addTask { await cancelWhenGracefulShutdown { await self.requestReports() } }
            group.addTask { await cancelWhenGracefulShutdown { await self.reapExpiredMessages() } }
            try await group.waitForAll()
        }
        logger.info("Scheduler stopped")
    }

    /// cinder's `_clean_expired_messages` periodic task: at start, then every
    /// `message_reap_interval`, the user messages past their `expires_at` are deleted.
    nonisolated func reapExpiredMessages() async {
        while !Task.isCancelled {
            _ = await cleanExpiredMessages()
            do {
                try await clock.sleep(for: configuration.messageReapInterval)
            } catch {
                return
            }
        }
    }

    /// Deletes the user messages that expired by now; returns how many (nil when the store
    /// failed, which is logged and retried at the next run).
    public nonisolated func cleanExpiredMessages() async -> Int? {
        do {
            let count = try await store.deleteExpiredMessages(now: clock.now)
            logger.info("Deleted expired messages", metadata: ["count": "\(count)"])
            return count
        } catch {
            logger.warning("Failed to delete expired messages", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// The methods of `cinder/scheduler/rpcapi.py` this scheduler serves.
    nonisolated func dispatcher() -> RPCDispatcher {
        var dispatcher = RPCDispatcher(topic: Topic.scheduler)
        dispatcher.on(SchedulerRPC.CreateVolume.self) { [self] in try await createVolume($0, context: $1) }
        dispatcher.on(SchedulerRPC.ExtendVolume.self) { [self] in try await extendVolume($0, context: $1) }
        dispatcher.on(SchedulerRPC.CreateSnapshot.self) { [self] in try await createSnapshot($0, context: $1) }
        dispatcher.on(SchedulerRPC.CreateGroup.self) { [self] in try await createGroup($0, context: $1) }
        dispatcher.on(SchedulerRPC.Retype.self) { [self] in try await retype($0, context: $1) }
        dispatcher.on(SchedulerRPC.MigrateVolume.self) { [self] in try await migrateVolume($0, context: $1) }
        dispatcher.on(SchedulerRPC.ManageExisting.self) { [self] in try await manageExisting($0, context: $1) }
        dispatcher.on(SchedulerRPC.ManageExistingSnapshot.self) { [self] in
            try await manageExistingSnapshot($0, context: $1)
        }
        dispatcher.on(SchedulerRPC.GetPools.self) { [self] message, _ in
            await pools(filters: message.filters.objectValue ?? JSONObject())
        }
        dispatcher.on(SchedulerRPC.CreateBackup.self) { [self] in try await createBackup($0, context: $1) }
        dispatcher.on(SchedulerRPC.UpdateServiceCapabilities.self) { [self] message, _ in
            await updateServiceCapabilities(message)
            return RPCNoReply()
        }
        dispatcher.on(SchedulerRPC.WorkCleanup.self) { [self] message, context in
            try await workCleanup(message.cleanupRequest, context: context)
        }
        dispatcher.on(SchedulerRPC.DoCleanup.self) { [self] message, _ in
            try await doCleanup(message.cleanupRequest)
            return RPCNoReply()
        }
        return dispatcher
    }

    /// The methods sent to this scheduler by name (`_get_cctxt(server=service.host)`).
    nonisolated func serverDispatcher() -> RPCDispatcher {
        var dispatcher = RPCDispatcher(topic: SchedulerRPC.topic(forHost: configuration.host))
        dispatcher.on(SchedulerRPC.SetLogLevels.self) { [logger] message, _ in
            LogLevelHandling.set(message.logRequest, logger: logger)
            return RPCNoReply()
        }
        dispatcher.on(SchedulerRPC.GetLogLevels.self) { message, _ in LogLevelHandling.get(message.logRequest) }
        return dispatcher
    }

    // MARK: - Host state

    /// Records a capability report (`update_service_capabilities`).
    public func updateServiceCapabilities(_ report: SchedulerRPC.UpdateServiceCapabilities) {
        guard let capabilities = report.capabilities.objectValue,
            let state = BackendState(
                backend: report.host,
                capabilities: capabilities,
                timestamp: report.reportedAt ?? Date()
            )
        else {
            logger.warning("Capability report without capacity ignored", metadata: ["backend": .string(report.host)])
            return
        }
        record(state)
    }

    /// Keeps `state` as its backend's latest report.
    func record(_ state: BackendState) {
        states = states.filter { $0.value.backend != state.backend }
        states[state.hostWithPool] = state
        logger.debug("Received capabilities", metadata: ["backend": .string(state.hostWithPool)])
    }

    /// `get_pools`: every fresh pool as `{"name": HOST@BACKEND#POOL, "capabilities": {…}}`
    /// with the capacity the scheduler currently counts; `filters` may name a `name` or a
    /// `volume_backend_name` to match.
    func pools(filters: JSONObject) -> JSONValue {
        let selected = backends().filter { state in
            if let name = filters["name"]?.stringValue, name != state.hostWithPool { return false }
            if let backendName = filters["volume_backend_name"]?.stringValue, backendName != state.volumeBackendName {
                return false
            }
            return true
        }
        return .array(
            selected.map { state in
                var capabilities = state.capabilities
                capabilities["free_capacity_gb"] = .double(state.freeCapacityGiB)
                capabilities["provisioned_capacity_gb"] = .double(state.provisionedCapacityGiB)
                capabilities["allocated_capacity_gb"] = .double(state.provisionedCapacityGiB)
                capabilities["timestamp"] = .string(ISO8601DateFormatter().string(from: state.timestamp))
                return ["name": .string(state.hostWithPool), "capabilities": .object(capabilities)]
            }
        )
    }

    /// The backends whose last report is fresh.
    public func backends(now: Date? = nil) -> [BackendState] {
        let now = now ?? clock.now
        let window = (configuration.serviceDownTime + configuration.periodicInterval).seconds
        return states.values.filter { now.timeIntervalSince($0.timestamp) <= window }
            .sorted { $0.hostWithPool < $1.hostWithPool }
    }

    /// Asks every volume service to report now; repeats every second while no backend is
    /// known, then every `periodic_interval`.
    func requestReports() async {
        let client = RPCClient(bus: bus, topic: Topic.volume, version: VolumeRPC.version)
        while !Task.isCancelled {
            do {
                try await client.fanoutCast(
                    VolumeRPC.PublishServiceCapabilities(),
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

    /// cinder's `_wait_for_scheduler`: the first placement waits until every volume service
    /// that is up (a heartbeat within `service_down_time`) has reported its capabilities, or
    /// until `periodic_interval` after the start. Without it, a restarted scheduler fails the
    /// creates queued while it was down with "No valid backend" before the backends report.
    ///
    /// The missing reports are asked for with `get_capabilities` calls: their replies do not
    /// queue behind the message this handler holds, as fanout reports to this scheduler's
    /// own consumer would.
    func waitUntilReady() async {
        guard !ready else { return }
        let remaining = startedAt + configuration.periodicInterval - ContinuousClock.now
        let hosts = await hostsWithoutReports()
        if remaining > .zero && !hosts.isEmpty {
            // All at once, so a service that died within `service_down_time` (still "up")
            // costs no more than the window, which each call may use to its end: cinder too
            // waits the whole `periodic_interval` for a report that is late (a busy service,
            // a host under load), rather than failing the first creates early.
            let reports = await withTaskGroup(of: BackendState?.self) { group in
                for host in hosts {
                    group.addTask { [bus, logger] in
                        let client = VolumeRPC.client(bus: bus, host: host, timeout: remaining)
                        do {
                            let reply = try await client.call(
                                VolumeRPC.GetCapabilities(),
                                context: .service(requestID: "req-" + UUID().uuidString.lowercased())
                            )
                            guard let capabilities = reply.objectValue else { return nil }
                            return BackendState(backend: host, capabilities: capabilities, timestamp: Date())
                        } catch {
                            logger.warning(
                                "No capabilities from a volume service that is up",
                                metadata: ["backend": .string(host), "error": "\(error)"]
                            )
                            return nil
                        }
                    }
                }
                var states: [BackendState] = []
                for await state in group { if let state { states.append(state) } }
                return states
            }
            for state in reports { record(state) }
        }
        ready = true
    }

    /// The `HOST@BACKEND` of every `cinder-volume` service that is disabled or frozen.
    func unavailableBackends() async -> Set<String> {
        guard
            let services = try? await store.listServices(host: nil, binary: "cinder-volume", topic: nil, disabled: nil)
        else { return [] }
        return Set(services.filter { $0.disabled || $0.frozen }.map(\.host))
    }

    /// The `HOST@BACKEND` of every `cinder-volume` service that is up without a fresh report
    /// (cinder's `has_all_capabilities` is true when there is none).
    func hostsWithoutReports() async -> [String] {
        guard
            let services = try? await store.listServices(
                host: nil,
                binary: "cinder-volume",
                topic: nil,
                disabled: false
            )
        else { return [] }
        let now = clock.now
        let reported = Set(backends(now: now).map(\.backend))
        let downTime = configuration.serviceDownTime.seconds
        return services.filter { service in
            now.timeIntervalSince(service.updatedAt ?? service.createdAt) <= downTime
                && !reported.contains(service.host)
        }.map(\.host)
    }

    /// Picks the best backend for `request` and consumes the volume's size from it.
    /// Backends whose service is disabled or frozen are not candidates (cinder's host manager
    /// reads only enabled, unfrozen services).
    func place(_ request: PlacementRequest) async -> BackendState? {
        let unavailable = await unavailableBackends()
        let candidates = backends().filter { !unavailable.contains($0.backend) }
        guard var best = BackendFilter.rank(candidates, for: request).first else { return nil }
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

import EmberBus
import EmberCore
import EmberRPC

extension BusVolumeWorkCaster {
    private func rpcContext(_ caller: Identity, _ requestID: String) -> RPCContext {
        RPCContext(requestID: requestID, identity: caller)
    }

    public func freezeHost(queue: String, caller: Identity, requestID: String) async throws -> Bool {
        try await VolumeRPC.client(bus: bus, host: queue).call(
            VolumeRPC.FreezeHost(),
            context: rpcContext(caller, requestID)
        )
    }

    public func thawHost(queue: String, caller: Identity, requestID: String) async throws -> Bool {
        try await VolumeRPC.client(bus: bus, host: queue).call(
            VolumeRPC.ThawHost(),
            context: rpcContext(caller, requestID)
        )
    }

    public func failover(
        queue: String,
        secondaryBackendID: String?,
        caller: Identity,
        requestID: String
    ) async throws {
        try await VolumeRPC.client(bus: bus, host: queue).cast(
            VolumeRPC.Failover(secondaryBackendID: secondaryBackendID),
            context: rpcContext(caller, requestID)
        )
    }

    public func workCleanup(_ request: CleanupRequest, caller: Identity, requestID: String) async throws -> CleanupReply
    {
        try await SchedulerRPC.client(bus: bus).call(
            SchedulerRPC.WorkCleanup(cleanupRequest: request),
            context: rpcContext(caller, requestID)
        )
    }

    public func setLogLevels(
        binary: String,
        host: String,
        request: LogLevelRequest,
        caller: Identity,
        requestID: String
    ) async throws {
        let context = rpcContext(caller, requestID)
        switch binary {
        case "cinder-scheduler":
            try await SchedulerRPC.client(bus: bus, host: host).cast(
                SchedulerRPC.SetLogLevels(logRequest: request),
                context: context
            )
        case "cinder-volume":
            try await VolumeRPC.client(bus: bus, host: host).cast(
                VolumeRPC.SetLogLevels(logRequest: request),
                context: context
            )
        case "cinder-backup":
            try await BackupRPC.client(bus: bus, host: host).cast(
                BackupRPC.SetLogLevels(logRequest: request),
                context: context
            )
        default:
            return
        }
    }

    public func getLogLevels(
        binary: String,
        host: String,
        request: LogLevelRequest,
        caller: Identity,
        requestID: String
    ) async throws -> [LogLevelEntry] {
        let context = rpcContext(caller, requestID)
        switch binary {
        case "cinder-scheduler":
            return try await SchedulerRPC.client(bus: bus, host: host).call(
                SchedulerRPC.GetLogLevels(logRequest: request),
                context: context
            )
        case "cinder-volume":
            return try await VolumeRPC.client(bus: bus, host: host).call(
                VolumeRPC.GetLogLevels(logRequest: request),
                context: context
            )
        case "cinder-backup":
            return try await BackupRPC.client(bus: bus, host: host).call(
                BackupRPC.GetLogLevels(logRequest: request),
                context: context
            )
        default:
            return []
        }
    }
}

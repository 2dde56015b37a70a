import EmberCore
import EmberRPC

/// What `os-services` asks running services to do: the freeze, thaw and failover calls of
/// `cinder/volume/rpcapi.py` and the log-level calls of the scheduler, volume and backup
/// RPC APIs, each sent to one service by name.
public protocol ServiceWorkCaster: Sendable {
    /// `volume_rpcapi.freeze_host` (a call) to the volume service of `queue` (`HOST@BACKEND`,
    /// or its cluster's name): the service disables itself with reason `frozen`.
    func freezeHost(queue: String, caller: Identity, requestID: String) async throws -> Bool
    /// `volume_rpcapi.thaw_host` (a call): false when the backend refuses.
    func thawHost(queue: String, caller: Identity, requestID: String) async throws -> Bool
    /// `volume_rpcapi.failover` (a cast).
    func failover(queue: String, secondaryBackendID: String?, caller: Identity, requestID: String) async throws
    /// `set_log_levels` (a cast) to the `binary` service on `host`.
    func setLogLevels(
        binary: String,
        host: String,
        request: LogLevelRequest,
        caller: Identity,
        requestID: String
    ) async throws
    /// `scheduler_rpcapi.work_cleanup` (a call): who was asked to clean, who could not be.
    func workCleanup(_ request: CleanupRequest, caller: Identity, requestID: String) async throws -> CleanupReply
    /// `get_log_levels` (a call) to the `binary` service on `host`.
    func getLogLevels(
        binary: String,
        host: String,
        request: LogLevelRequest,
        caller: Identity,
        requestID: String
    ) async throws -> [LogLevelEntry]
}

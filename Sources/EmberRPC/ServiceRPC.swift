import EmberBus
import EmberCore

/// cinder's `objects.LogLevel` as `set_log_levels` and `get_log_levels` carry it: a logger
/// name prefix and, to set, a level name.
public struct LogLevelRequest: Codable, Sendable, Equatable {
    public var prefix: String?
    public var level: String?

    public init(prefix: String?, level: String? = nil) {
        self.prefix = prefix
        self.level = level
    }
}

/// One entry of `get_log_levels`' reply (cinder's `LogLevelList`): a logger and its level.
public struct LogLevelEntry: Codable, Sendable, Equatable {
    public var prefix: String
    public var level: String

    public init(prefix: String, level: String) {
        self.prefix = prefix
        self.level = level
    }
}

extension VolumeRPC {
    /// `freeze_host(ctxt)` (a call, 3.0): the backend is told its control plane is read-only;
    /// the service is disabled with reason `frozen`. Replies whether it succeeded.
    public struct FreezeHost: RPCMessage, Equatable {
        public typealias Reply = Bool
        public static let method = "freeze_host"
        public static let version = RPCVersion(3, 0)

        public init() {}
    }

    /// `thaw_host(ctxt)` (a call, 3.0): the reverse of ``FreezeHost``; replies false when the
    /// backend refuses (the service then stays frozen).
    public struct ThawHost: RPCMessage, Equatable {
        public typealias Reply = Bool
        public static let method = "thaw_host"
        public static let version = RPCVersion(3, 0)

        public init() {}
    }

    /// `failover(ctxt, secondary_backend_id)` (a cast, 3.8): fail the backend over to its
    /// replication target `secondary_backend_id` (nil: the driver's choice).
    public struct Failover: RPCMessage, Equatable {
        public static let method = "failover"
        public static let version = RPCVersion(3, 8)
        public var secondaryBackendID: String?

        public init(secondaryBackendID: String?) {
            self.secondaryBackendID = secondaryBackendID
        }

        enum CodingKeys: String, CodingKey {
            case secondaryBackendID = "secondary_backend_id"
        }
    }

    /// `set_log_levels(context, log_request)` (a cast, 3.12).
    public struct SetLogLevels: RPCMessage, Equatable {
        public static let method = "set_log_levels"
        public static let version = RPCVersion(3, 12)
        public var logRequest: LogLevelRequest

        public init(logRequest: LogLevelRequest) {
            self.logRequest = logRequest
        }

        enum CodingKeys: String, CodingKey {
            case logRequest = "log_request"
        }
    }

    /// `get_log_levels(context, log_request)` (a call, 3.12).
    public struct GetLogLevels: RPCMessage, Equatable {
        public typealias Reply = [LogLevelEntry]
        public static let method = "get_log_levels"
        public static let version = RPCVersion(3, 12)
        public var logRequest: LogLevelRequest

        public init(logRequest: LogLevelRequest) {
            self.logRequest = logRequest
        }

        enum CodingKeys: String, CodingKey {
            case logRequest = "log_request"
        }
    }
}

extension SchedulerRPC {
    /// The server topic of one scheduler, `cinder-scheduler.HOST` (cinder's
    /// `_get_cctxt(server=service.host)`): what only that scheduler consumes.
    public static func topic(forHost host: String) -> String { Topic.scheduler + "." + host }

    /// A client for the scheduler of `host`.
    public static func client(bus: any MessageBus, host: String, timeout: Duration = .seconds(60)) -> RPCClient {
        RPCClient(bus: bus, topic: topic(forHost: host), version: version, timeout: timeout)
    }

    /// `set_log_levels(context, log_request)` (a cast, 3.7).
    public struct SetLogLevels: RPCMessage, Equatable {
        public static let method = "set_log_levels"
        public static let version = RPCVersion(3, 7)
        public var logRequest: LogLevelRequest

        public init(logRequest: LogLevelRequest) {
            self.logRequest = logRequest
        }

        enum CodingKeys: String, CodingKey {
            case logRequest = "log_request"
        }
    }

    /// `get_log_levels(context, log_request)` (a call, 3.7).
    public struct GetLogLevels: RPCMessage, Equatable {
        public typealias Reply = [LogLevelEntry]
        public static let method = "get_log_levels"
        public static let version = RPCVersion(3, 7)
        public var logRequest: LogLevelRequest

        public init(logRequest: LogLevelRequest) {
            self.logRequest = logRequest
        }

        enum CodingKeys: String, CodingKey {
            case logRequest = "log_request"
        }
    }
}

extension BackupRPC {
    /// `set_log_levels(context, log_request)` (a cast, 2.1).
    public struct SetLogLevels: RPCMessage, Equatable {
        public static let method = "set_log_levels"
        public static let version = RPCVersion(2, 1)
        public var logRequest: LogLevelRequest

        public init(logRequest: LogLevelRequest) {
            self.logRequest = logRequest
        }

        enum CodingKeys: String, CodingKey {
            case logRequest = "log_request"
        }
    }

    /// `get_log_levels(context, log_request)` (a call, 2.1).
    public struct GetLogLevels: RPCMessage, Equatable {
        public typealias Reply = [LogLevelEntry]
        public static let method = "get_log_levels"
        public static let version = RPCVersion(2, 1)
        public var logRequest: LogLevelRequest

        public init(logRequest: LogLevelRequest) {
            self.logRequest = logRequest
        }

        enum CodingKeys: String, CodingKey {
            case logRequest = "log_request"
        }
    }
}

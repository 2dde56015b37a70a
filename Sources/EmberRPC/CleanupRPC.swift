import EmberBus
import EmberCore
import Foundation

extension SchedulerRPC {
    /// `work_cleanup(ctxt, cleanup_request)` (a call, 3.4): the scheduler finds the services
    /// the request names and asks whoever can clean for each.
    public struct WorkCleanup: RPCMessage, Equatable {
        public typealias Reply = CleanupReply
        public static let method = "work_cleanup"
        public static let version = RPCVersion(3, 4)
        public var cleanupRequest: CleanupRequest

        public init(cleanupRequest: CleanupRequest) {
            self.cleanupRequest = cleanupRequest
        }

        enum CodingKeys: String, CodingKey {
            case cleanupRequest = "cleanup_request"
        }
    }

    /// `do_cleanup(ctxt, cleanup_request)` (a cast, 3.4): a scheduler cleans a scheduler
    /// service's unfinished work.
    public struct DoCleanup: RPCMessage, Equatable {
        public static let method = "do_cleanup"
        public static let version = RPCVersion(3, 4)
        public var cleanupRequest: CleanupRequest

        public init(cleanupRequest: CleanupRequest) {
            self.cleanupRequest = cleanupRequest
        }

        enum CodingKeys: String, CodingKey {
            case cleanupRequest = "cleanup_request"
        }
    }
}

extension VolumeRPC {
    /// `do_cleanup(ctxt, cleanup_request)` (a cast, 3.7) to a volume service or its cluster:
    /// clean the unfinished work of the service the request names.
    public struct DoCleanup: RPCMessage, Equatable {
        public static let method = "do_cleanup"
        public static let version = RPCVersion(3, 7)
        public var cleanupRequest: CleanupRequest

        public init(cleanupRequest: CleanupRequest) {
            self.cleanupRequest = cleanupRequest
        }

        enum CodingKeys: String, CodingKey {
            case cleanupRequest = "cleanup_request"
        }
    }
}

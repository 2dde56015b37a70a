import NIOCore
import Synchronization

/// `[DEFAULT] osapi_volume_max_connections`: the connections the API keeps open at once, shared
/// by every connection's ``ConnectionLimitHandler``.
final class ConnectionCount: Sendable {
    let limit: Int
    private let open = Atomic(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a new connection; false when it is one too many (it was not counted).
    func admit() -> Bool {
        let now = open.add(1, ordering: .relaxed).newValue
        guard now > limit else { return true }
        open.subtract(1, ordering: .relaxed)
        return false
    }

    func leave() {
        open.subtract(1, ordering: .relaxed)
    }

    var current: Int { open.load(ordering: .relaxed) }
}

/// Closes a connection accepted beyond the limit at once, before it is read (the client sees
/// the connection closed and can retry, through a balancer on another server); the others are
/// counted until they close. Idle and slow connections are closed by `client_socket_timeout`.
final class ConnectionLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    let count: ConnectionCount
    private var admitted = false

    init(count: ConnectionCount) {
        self.count = count
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if count.admit() {
            admitted = true
        } else {
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if admitted {
            admitted = false
            count.leave()
        }
    }
}

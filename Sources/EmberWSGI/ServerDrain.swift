import Synchronization

/// Whether the API server is draining: between SIGTERM and the moment it stops accepting
/// (`[DEFAULT] graceful_shutdown_drain_time`). While it drains, `/healthcheck` answers 503 so
/// a load balancer takes the process out of rotation, and every answer closes its connection
/// so keep-alive clients reconnect elsewhere; requests are otherwise served as usual.
public final class ServerDrain: Sendable {
    private let draining = Atomic(false)

    public init() {}

    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    public func begin() {
        draining.store(true, ordering: .relaxed)
    }
}

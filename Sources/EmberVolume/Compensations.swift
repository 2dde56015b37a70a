import EmberCore
import EmberStore
import Logging
import ServiceLifecycle

/// What an API call undoes when it fails half-way: a volume left `creating` after its cast
/// failed goes to `error`, a reservation is rolled back, a row made for a create that did not
/// happen is removed (cinder's create flows revert these tasks).
///
/// The failure is often an outage of the database the undo needs too: PostgreSQL stopped
/// under a create fails its cast (the bus is on it) and then the write of `error`, and the
/// volume stayed `creating` for good. ``settle(_:_:)`` tries the undo at once; when the
/// database is unavailable it hands the undo to ``run()``, which tries again, ever less often
/// (`firstDelay` doubling up to `maxDelay`), until it takes or the process stops. The caller
/// is answered at once either way. Each undo is a conditional update or a removal of a row
/// nothing else uses, so running it late changes nothing that moved on meanwhile.
///
/// It is a `Service`: it runs in the API's service group, after the database and the bus
/// start and until the API server has drained. What is still undone at shutdown is logged,
/// each with what it was, for the operator (`cinder reset-state`).
public final class Compensations: Service, Sendable {
    struct Pending: Sendable {
        let what: String
        let undo: @Sendable () async throws -> Void
    }

    private let queue: AsyncStream<Pending>
    private let enqueue: AsyncStream<Pending>.Continuation
    private let logger: Logger
    let firstDelay: Duration
    let maxDelay: Duration

    public init(logger: Logger, firstDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(30)) {
        (queue, enqueue) = AsyncStream.makeStream()
        self.logger = logger
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
    }

    /// Runs `undo` (`what` names it in the log: "volume ID to error"). When it fails because
    /// the database is unavailable it is tried again in the background; another failure is
    /// logged and dropped.
    public func settle(_ what: String, _ undo: @escaping @Sendable () async throws -> Void) async {
        do {
            try await undo()
        } catch  where Self.isTransient(error) {
            logger.warning(
                "Could not undo \(what) now; trying again until the database answers",
                metadata: ["error": "\(error)"]
            )
            enqueue.yield(Pending(what: what, undo: undo))
        } catch {
            logger.error("Could not undo \(what)", metadata: ["error": "\(error)"])
        }
    }

    /// Rolls `reservation` back, through an outage too (see ``settle(_:_:)``).
    public func rollBack(_ reservation: QuotaReservation, in store: any QuotaStore) async {
        await settle("quota reservation \(reservation.uuids.joined(separator: ", "))") {
            try await store.rollback(reservation)
        }
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for await pending in queue.cancelOnGracefulShutdown() {
                group.addTask { await self.retry(pending) }
            }
            group.cancelAll()
        }
    }

    private func retry(_ pending: Pending) async {
        var delay = firstDelay
        var attempts = 1
        while true {
            do {
                try await Task.sleep(for: delay)
            } catch {
                logger.error("Left undone at shutdown after \(attempts) attempts: \(pending.what)")
                return
            }
            attempts += 1
            do {
                try await pending.undo()
                logger.notice("Undone after \(attempts) attempts: \(pending.what)")
                return
            } catch  where Self.isTransient(error) && !Task.isCancelled {
                delay = min(delay * 2, maxDelay)
            } catch {
                logger.error(
                    "Could not undo \(pending.what) after \(attempts) attempts",
                    metadata: ["error": "\(error)"]
                )
                return
            }
        }
    }

    /// An outage, which passes: the store could not reach its database.
    static func isTransient(_ error: any Error) -> Bool {
        if case .databaseUnavailable = error as? StoreError { return true }
        return false
    }
}

import EmberCore
import EmberStore
import EmberTesting
import EmberVolume
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The undoing of a call that failed half-way outlives an outage of the database: it is tried
/// at once, again in the background while the database is unavailable, and what is left at
/// shutdown is logged.
@Suite struct CompensationsTests {
    /// Counts the attempts of an undo that fails `failing` times with `error`, then succeeds.
    final class FlakyUndo: Sendable {
        private let state = Mutex((attempts: 0, done: false))
        let failing: Int
        let error: StoreError

        init(failing: Int, error: StoreError = .databaseUnavailable("PostgreSQL connection refused")) {
            self.failing = failing
            self.error = error
        }

        var attempts: Int { state.withLock { $0.attempts } }
        var done: Bool { state.withLock { $0.done } }

        func callAsFunction() throws {
            try state.withLock { state in
                state.attempts += 1
                guard state.attempts > failing else { throw error }
                state.done = true
            }
        }
    }

    /// What a test's logger logged, a line each: `LEVEL message`.
    final class LogLines: Sendable {
        let lines = Mutex<[String]>([])
    }

    /// Keeps what is logged in `lines`.
    struct RecordingLogHandler: LogHandler {
        let lines: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            lines.lines.withLock { $0.append("\(event.level.rawValue.uppercased()) \(event.message)") }
        }
    }

    /// Runs `body` with a running `Compensations` and a reader of its log lines; returns the
    /// lines logged until the service ended (graceful shutdown after `body`).
    @discardableResult
    func withCompensations(
        _ body: (Compensations, @escaping @Sendable () -> [String]) async throws -> Void
    ) async throws -> [String] {
        let logged = LogLines()
        let logger = Logger(label: "test.compensations") { _ in RecordingLogHandler(lines: logged) }
        let compensations = Compensations(logger: logger, firstDelay: .milliseconds(10), maxDelay: .milliseconds(40))
        let group = ServiceGroup(services: [compensations], logger: Logger(label: "test.compensations.group"))
        let lines: @Sendable () -> [String] = { logged.lines.withLock { $0 } }
        try await whileRunning(group) { try await body(compensations, lines) }
        return lines()
    }

    @Test func anUndoThatMeetsAnOutageIsTriedAgainUntilItTakes() async throws {
        try await withCompensations { compensations, lines in
            let undo = FlakyUndo(failing: 3)
            await compensations.settle("volume v1 to error") { try undo() }
            #expect(undo.attempts == 1, "the first attempt is the caller's, and it does not wait for the others")
            let took = try await poll { undo.done }
            #expect(took, "the undo never took")
            #expect(undo.attempts == 4)
            let log = lines()
            #expect(log.contains { $0.contains("WARNING") && $0.contains("Could not undo volume v1 to error now") })
            #expect(log.contains { $0.contains("Undone after 4 attempts: volume v1 to error") })
        }
    }

    @Test func anUndoThatTakesAtOnceIsNotTriedAgain() async throws {
        try await withCompensations { compensations, lines in
            let undo = FlakyUndo(failing: 0)
            await compensations.settle("volume v1 to error") { try undo() }
            #expect(undo.done && undo.attempts == 1)
            try await Task.sleep(for: .milliseconds(100))
            #expect(undo.attempts == 1)
            #expect(lines().isEmpty)
        }
    }

    @Test func anUndoThatFailsForAnotherReasonIsLoggedAndNotTriedAgain() async throws {
        try await withCompensations { compensations, lines in
            let undo = FlakyUndo(failing: 5, error: .notFound(.snapshot, id: "s1"))
            await compensations.settle("snapshot s1 removed") { try undo() }
            try await Task.sleep(for: .milliseconds(100))
            #expect(undo.attempts == 1)
            #expect(lines().contains { $0.contains("ERROR") && $0.contains("Could not undo snapshot s1 removed") })
        }
    }

    @Test func whatIsStillUndoneAtShutdownIsLoggedAndTheServiceEnds() async throws {
        let log = try await withCompensations { compensations, _ in
            let undo = FlakyUndo(failing: .max)
            await compensations.settle("volume v2 to error") { try undo() }
            let retried = try await poll { undo.attempts >= 3 }
            #expect(retried, "the undo was not retried")
        }
        // The service group ended (graceful shutdown) with the undo still failing.
        #expect(log.contains { $0.contains("ERROR") && $0.contains("volume v2 to error") && $0.contains("attempts") })
    }
}

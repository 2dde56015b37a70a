import EmberBus
import EmberCore
import EmberTesting
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// The transports every behaviour test runs against.
enum TransportKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case inProcess
    case postgresql

    var testDescription: String { rawValue }
}

/// Options a test may change; everything else is the transport's default.
struct BusOptions: Sendable {
    var maxAttempts = 5
    var visibilityTimeout: Duration = .seconds(60)
    /// Unique per test so runs cannot collide on one database.
    var tablePrefix =
        "ember_bus_t" + String(UUID().uuidString.lowercased().prefix(8)).replacingOccurrences(of: "-", with: "")
}

enum BusFixture {
    static let logger: Logger = {
        var logger = Logger(label: "ember.bus.test")
        logger.logLevel = ProcessInfo.processInfo.environment["EMBER_TEST_LOG"] != nil ? .debug : .critical
        return logger
    }()

    /// The PostgreSQL URL of the test database, or nil (with a notice; an issue under CI).
    static func postgresURL() -> PostgresURL? {
        let environment = ProcessInfo.processInfo.environment
        guard let text = environment["EMBER_TEST_POSTGRES_URL"], !text.isEmpty else {
            if environment["CI"] != nil {
                Issue.record("EMBER_TEST_POSTGRES_URL is not set under CI: the PostgreSQL bus tests cannot run")
            } else {
                print("notice: EMBER_TEST_POSTGRES_URL not set; skipping the PostgreSQL half of the bus tests")
            }
            return nil
        }
        switch PostgresURL.parse(text) {
        case .success(let url): return url
        case .failure(let error):
            Issue.record("EMBER_TEST_POSTGRES_URL is not a usable URL: \(error.reason)")
            return nil
        }
    }

    /// A new bus of `kind`, or nil when that transport is not available here.
    static func make(_ kind: TransportKind, _ options: BusOptions = BusOptions()) -> (any MessageBus)? {
        switch kind {
        case .inProcess:
            return InProcessBus(
                configuration: InProcessBus.Configuration(maxAttempts: options.maxAttempts),
                logger: logger
            )
        case .postgresql:
            guard let url = postgresURL() else { return nil }
            return PostgresBus(
                url: url,
                configuration: PostgresBus.Configuration(
                    visibilityTimeout: options.visibilityTimeout,
                    pollInterval: .milliseconds(200),
                    maxAttempts: options.maxAttempts,
                    tablePrefix: options.tablePrefix
                ),
                logger: logger
            )
        }
    }

    /// A unique topic name, so tests sharing a bus or a database never see each other's messages.
    static func topic(_ base: String = Topic.scheduler) -> String {
        base + "-" + UUID().uuidString.lowercased().prefix(8)
    }

    static func envelope(
        _ topic: String,
        _ method: String = "noop",
        version: RPCVersion = RPCVersion(3, 0),
        arguments: JSONValue = [:]
    ) -> Envelope {
        Envelope(
            topic: topic,
            method: method,
            version: version,
            arguments: arguments,
            context: RPCContext(requestID: "req-" + UUID().uuidString.lowercased(), userID: "u", projectID: "p")
        )
    }
}

/// Runs `bus` as a service while `body` runs, then shuts it down gracefully. A PostgreSQL bus
/// holds one of the test server's slots meanwhile (every test of the process starts at once).
func withRunning<T: Sendable>(
    _ bus: any MessageBus,
    _ body: @Sendable () async throws -> T
) async throws -> T {
    guard bus is PostgresBus else { return try await runWithoutSlot(bus, body) }
    return try await PostgresTestSlots.withSlot(holder: Test.current?.name ?? "?") {
        try await runWithoutSlot(bus, body)
    }
}

private func runWithoutSlot<T: Sendable>(
    _ bus: any MessageBus,
    _ body: @Sendable () async throws -> T
) async throws -> T {
    try await whileRunning(ServiceGroup(services: [bus], logger: BusFixture.logger), body)
}

/// Runs each consumer in its own service group while `body` runs, then shuts them down
/// gracefully (in-hand messages finish).
func withConsumers<T: Sendable>(
    _ consumers: [any MessageConsumer],
    _ body: @Sendable () async throws -> T
) async throws -> T {
    let groups = consumers.map { ServiceGroup(services: [$0], logger: BusFixture.logger) }
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        for group in groups {
            tasks.addTask { try await group.run() }
        }
        do {
            let result = try await body()
            for group in groups {
                await group.triggerGracefulShutdown()
            }
            try await tasks.waitForAll()
            return result
        } catch {
            tasks.cancelAll()
            throw error
        }
    }
}

/// Waits until `condition` holds, polling; fails the test after `timeout`.
func waitUntil(
    _ what: String,
    timeout: Duration = TestPatience.eventually,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: @Sendable () async throws -> Bool
) async throws {
    if try await poll(every: .milliseconds(20), for: timeout, until: condition) { return }
    Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    throw CancellationError()
}

/// Suspends until the task is cancelled, then throws `CancellationError`: a handler that never
/// finishes by itself. No timer (an hour-long sleep armed on Linux held back other tasks'
/// short sleeps for that hour).
func suspendUntilCancelled() async throws {
    let (cancelled, finish) = AsyncStream<Never>.makeStream()
    await withTaskCancellationHandler {
        for await _ in cancelled {}
    } onCancel: {
        finish.finish()
    }
    throw CancellationError()
}

import EmberCore
import Logging
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `cinder.service.Launcher` rebuilt on structured concurrency: `serve(...)` collects the
/// services (the WSGI server, the database, workers…) and `wait()` runs them together in one
/// `ServiceGroup` (a task group) until they stop.
///
/// Signals, as oslo.service handles them:
/// - SIGTERM or SIGINT: graceful shutdown. Services stop in reverse order of `serve`; the
///   WSGI server stops accepting and lets in-flight requests finish. After
///   `graceful_shutdown_timeout` seconds the rest is cancelled.
/// - a second SIGTERM or SIGINT during shutdown: exit at once (status 1).
/// - SIGHUP: re-read the configuration files and apply what can change while running (the
///   log level, the policy overrides, the TLS certificate); connections are not touched.
///
/// It isolates the service table (`services`), the running group and whether a shutdown has
/// begun, which the signal handlers and `wait()` read and change from different tasks.
public actor Launcher {
    public typealias Reloader = @Sendable () async throws -> Void
    public typealias ForcedExit = @Sendable () -> Void

    private var services: [any Service] = []
    private var group: ServiceGroup?
    private var shuttingDown = false
    private let logger: Logger
    private let gracefulShutdownTimeout: Duration
    private let reload: Reloader?
    private let trapSignals: Bool
    private let forcedExit: ForcedExit

    /// - Parameters:
    ///   - gracefulShutdownTimeout: `[DEFAULT] graceful_shutdown_timeout`; zero waits forever.
    ///   - trapSignals: false in tests that drive ``receive(_:)`` themselves.
    ///   - reload: what SIGHUP does.
    ///   - forcedExit: what a second SIGTERM/SIGINT does; ends the process by default.
    public init(
        logger: Logger,
        gracefulShutdownTimeout: Duration = .seconds(60),
        trapSignals: Bool = true,
        reload: Reloader? = nil,
        forcedExit: @escaping ForcedExit = { exit(1) }
    ) {
        self.logger = logger
        self.gracefulShutdownTimeout = gracefulShutdownTimeout
        self.trapSignals = trapSignals
        self.reload = reload
        self.forcedExit = forcedExit
    }

    /// `launcher.launch_server(server)`: adds services to run; call before ``wait()``.
    public func serve(_ services: any Service...) {
        self.services += services
    }

    public func serve(contentsOf services: [any Service]) {
        self.services += services
    }

    /// Runs every service until all have stopped (after a signal or ``shutdown()``).
    public func wait() async throws {
        var all = services
        if trapSignals {
            all.insert(SignalService(launcher: self), at: 0)
        }
        let timeout = gracefulShutdownTimeout == .zero ? nil : gracefulShutdownTimeout
        var configuration = ServiceGroupConfiguration(services: all, logger: logger)
        configuration.maximumGracefulShutdownDuration = timeout
        configuration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: configuration)
        self.group = group
        try await group.run()
        logger.info("All services stopped")
    }

    /// Starts a graceful shutdown, as SIGTERM does (a caller other than a signal: a test, the
    /// embedded runner).
    public func shutdown() async {
        guard !shuttingDown else { return }
        logger.info("Caught shutdown request, stopping services gracefully")
        await beginShutdown()
    }

    /// Stops the services gracefully, once; the caller has logged why.
    private func beginShutdown() async {
        guard !shuttingDown else { return }
        shuttingDown = true
        await group?.triggerGracefulShutdown()
    }

    /// What the launcher does for a signal; the signal service calls this.
    public func receive(_ signal: UnixSignal) async {
        switch signal {
        case .sighup:
            logger.info("Caught SIGHUP, reloading configuration")
            do {
                try await reload?()
            } catch {
                logger.error(
                    "Configuration reload failed; keeping the running configuration",
                    metadata: ["error": "\(error)"]
                )
            }
        case .sigterm, .sigint:
            if shuttingDown {
                logger.warning("Caught \(signal) during shutdown, exiting immediately")
                forcedExit()
                return
            }
            logger.info("Caught \(signal), stopping services gracefully")
            await beginShutdown()
        default:
            break
        }
    }
}

/// Listens for SIGTERM, SIGINT and SIGHUP and hands them to the launcher. It is the first
/// service of the group, so it stops last and still sees a second signal while the others
/// drain.
struct SignalService: Service {
    let launcher: Launcher

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup)
        for await signal in signals.cancelOnGracefulShutdown() {
            await launcher.receive(signal)
        }
    }
}

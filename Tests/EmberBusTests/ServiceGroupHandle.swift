import EmberBus
import ServiceLifecycle

/// One service in its own group, so a test can shut it down gracefully on its own.
struct ServiceGroupHandle: Sendable {
    let group: ServiceGroup

    init(_ service: any Service) {
        group = ServiceGroup(services: [service], logger: BusFixture.logger)
    }

    func run() async throws { try await group.run() }

    func shutDown() async { await group.triggerGracefulShutdown() }
}

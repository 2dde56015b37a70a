import ServiceLifecycle

/// Runs `group` while `body` runs, then shuts it down gracefully and waits for it to end; when
/// `body` throws, the group is shut down and cancelled and the error rethrown.
public func whileRunning<T: Sendable>(
    _ group: ServiceGroup,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let result = try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            tasks.cancelAll()
            throw error
        }
    }
}

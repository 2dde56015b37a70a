/// Whether this process has created the bus tables; creation runs once per bus instance
/// (concurrent first calls may both run it: the statements are idempotent and serialised by
/// an advisory lock).
actor SchemaState {
    private var ready = false

    func ensure(_ create: @Sendable () async throws -> Void) async throws {
        guard !ready else { return }
        try await create()
        ready = true
    }
}

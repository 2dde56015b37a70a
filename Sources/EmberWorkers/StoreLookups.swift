import EmberCore
import EmberStore

extension VolumeStore {
    /// The live volume, or nil when it does not exist (deleted meanwhile): workers treat a
    /// vanished volume as work that no longer needs doing.
    func liveVolume(id: String) async throws(StoreError) -> Volume? {
        do {
            return try await volume(id: id, scope: .allProjects)
        } catch {
            if case .notFound = error { return nil }
            throw error
        }
    }
}

extension SnapshotStore {
    /// The live snapshot, or nil when it does not exist.
    func liveSnapshot(id: String) async throws(StoreError) -> Snapshot? {
        do {
            return try await snapshot(id: id, scope: .allProjects)
        } catch {
            if case .notFound = error { return nil }
            throw error
        }
    }
}

extension ServiceStore {
    /// The service row of `host` and `binary`, or nil.
    func existingService(host: String, binary: String) async throws(StoreError) -> ServiceRecord? {
        do {
            return try await service(host: host, binary: binary)
        } catch {
            if case .notFound = error { return nil }
            throw error
        }
    }
}

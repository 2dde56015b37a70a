import EmberCore
import EmberRPC
import EmberStore

extension VolumeManager {
    /// cinder's `set_workers`: while `body` works on the volume, its `workers` row names this
    /// service with the status the work began in; the row goes when the work ends. A service
    /// that dies mid-work leaves the row for `POST /workers/cleanup`.
    func tracked(_ volumeID: String, status: String, _ body: () async throws -> Void) async throws {
        try await store.setWorker(resourceType: "Volume", resourceID: volumeID, status: status, serviceID: serviceID)
        do {
            try await body()
        } catch {
            try? await store.removeWorker(resourceType: "Volume", resourceID: volumeID)
            throw error
        }
        try await store.removeWorker(resourceType: "Volume", resourceID: volumeID)
    }

    /// cinder's `do_cleanup` with the volume manager's `_do_cleanup`: a volume left
    /// `creating` (or `downloading`) by a dead service goes to `error`; one left `deleting` is
    /// deleted now.
    func doCleanup(_ request: CleanupRequest) async throws {
        guard let claimer = serviceID else { return }
        try await WorkerCleanup(store: store, logger: logger).run(request, claimerID: claimer) { volume, _ in
            try await serialized(volume.id) {
                switch volume.status {
                case .deleting:
                    try await finishDelete(volume, cascade: true, context: .service(requestID: Self.requestID()))
                    return false
                default:
                    try await store.apply(VolumeTransitions.cleanedUp, toVolume: volume.id)
                    return false
                }
            }
        }
    }
}

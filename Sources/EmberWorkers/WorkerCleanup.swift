import EmberCore
import EmberRPC
import EmberStore
import Foundation
import Logging

/// cinder's `Manager.do_cleanup` (`cinder/manager.py`): the `workers` rows a cleanup request
/// names (a dead service's unfinished work, changed no later than `until`) are claimed one at
/// a time, so two services never clean the same resource; a claimed resource still in the
/// status its work began in is cleaned by `clean`, then its row is removed.
struct WorkerCleanup {
    let store: any BlockStorageStore & ServiceStore
    let logger: Logger

    /// Runs the request for the service `claimerID`; `clean` returns true when it removes the
    /// row itself (a delete it finishes). Returns the ids of the resources cleaned.
    @discardableResult
    func run(
        _ request: CleanupRequest,
        claimerID: Int,
        isolation: isolated (any Actor)? = #isolation,
        clean: (Volume, WorkerRecord) async throws -> Bool
    ) async throws -> [String] {
        logger.info(
            "Initiating service cleanup",
            metadata: ["service.id": "\(request.serviceID.map(String.init) ?? "all")"]
        )
        let workers = try await store.listWorkers(
            resourceType: request.resourceType,
            resourceID: request.resourceID,
            serviceID: request.serviceID,
            until: request.untilDate
        )
        var cleaned: [String] = []
        for worker in workers {
            // Another service is cleaning it, finished it, or new work began on it.
            guard try await store.claimWorker(worker, claimerID: claimerID) else { continue }
            var keepEntry = false
            if worker.resourceType == "Volume", let volume = try await store.liveVolume(id: worker.resourceID) {
                if volume.status.rawValue != worker.status {
                    logger.debug(
                        "Skipping cleanup for mismatching work",
                        metadata: ["volume.id": .string(volume.id), "status": .string(volume.status.rawValue)]
                    )
                } else {
                    logger.info(
                        "Cleaning volume",
                        metadata: ["volume.id": .string(volume.id), "status": .string(worker.status)]
                    )
                    do {
                        keepEntry = try await clean(volume, worker)
                        cleaned.append(volume.id)
                    } catch {
                        logger.error(
                            "Could not perform cleanup",
                            metadata: ["volume.id": .string(volume.id), "error": "\(error)"]
                        )
                        // Back to the service it had, for a later cleanup.
                        try await store.setWorker(
                            resourceType: worker.resourceType,
                            resourceID: worker.resourceID,
                            status: worker.status,
                            serviceID: worker.serviceID
                        )
                        continue
                    }
                }
            }
            if !keepEntry {
                try await store.removeWorker(resourceType: worker.resourceType, resourceID: worker.resourceID)
            }
        }
        logger.info("Service cleanup completed", metadata: ["cleaned": "\(cleaned.count)"])
        return cleaned
    }
}

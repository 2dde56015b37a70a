import EmberCore
import EmberRPC
import EmberStore
import Foundation

extension ServiceAPI {
    /// cinder's cleanable resource types (`CinderCleanableObject.cleanable_resource_types`).
    public static let cleanableTypes = ["Volume", "Snapshot"]

    /// `POST /workers/cleanup` (`api/v3/workers.py`): a resource named without where it is
    /// gets its `workers` row's service (one row, or cinder's 400); the scheduler is then
    /// called to send the cleanups (`work_cleanup`).
    public func workCleanup(_ request: CleanupRequest, caller: Identity, requestID: String) async throws -> CleanupReply
    {
        var request = request
        if let resourceID = request.resourceID, !resourceID.isEmpty,
            request.serviceID == nil, request.clusterName == nil, request.host == nil
        {
            var workers = try await store.listWorkers(
                resourceType: request.resourceType,
                resourceID: resourceID,
                serviceID: nil,
                until: nil
            )
            if let binary = request.binary {
                let services = try await store.listServices(host: nil, binary: binary, topic: nil, disabled: nil)
                let ids = Set(services.map(\.id))
                workers = workers.filter { $0.serviceID.map(ids.contains) ?? false }
            }
            // cinder builds these messages as tuples, which its InvalidInput shows as such.
            guard workers.count == 1, let worker = workers.first else {
                let text =
                    workers.isEmpty
                    ? "('There is no resource with UUID %s pending cleanup.', '\(resourceID)')"
                    : "('There are multiple resources with UUID %s pending cleanup.  Please be more specific.', '\(resourceID)')"
                throw EmberError.badRequest("Invalid input received: \(text)")
            }
            request.serviceID = worker.serviceID
            request.resourceType = worker.resourceType
        }
        return try await caster.workCleanup(request, caller: caller, requestID: requestID)
    }
}

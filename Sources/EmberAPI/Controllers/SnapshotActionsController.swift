import EmberCore
import EmberVolume
import EmberWSGI

/// `os-snapshot-actions` (`cinder/api/contrib/snapshot_actions.py`): `os-update_snapshot_status`,
/// how a compute service reports the progress of a snapshot it takes itself (assisted
/// snapshots): `creating` may become `creating`, `available` or `error`; `deleting` may become
/// `deleting` or `error_deleting`.
struct SnapshotActionsController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "snapshots")
        controller.action("os-update_snapshot_status") { request in
            let body = try request.validatedBody(Self.schema)["os-update_snapshot_status"] ?? .null
            let status = body["status"]?.stringValue ?? ""
            let progress = body["progress"]?.stringValue
            if let progress, !progress.isEmpty { try Self.checkProgress(progress) }
            let snapshot = try await api.snapshots.get(id: try request.id(), caller: request.identity)
            try request.authorize(
                .snapshotExtensionSnapshotActionsUpdateSnapshotStatus,
                target: snapshot.policyTarget
            )
            guard SnapshotTransitions.statusUpdates[snapshot.status] != nil else {
                throw EmberError.badRequest(
                    "Snapshot status \(snapshot.status.rawValue) not allowed for update_snapshot_status"
                )
            }
            let refused = EmberError.badRequest(
                "Provided snapshot status \(status) not allowed for snapshot with status \(snapshot.status.rawValue)."
            )
            guard let next = SnapshotStatus(rawValue: status),
                let transition = SnapshotTransitions.updateStatus(from: snapshot.status, to: next)
            else { throw refused }
            let updated = try await api.snapshots.updateStatus(
                snapshot.id,
                transition,
                progress: progress.flatMap { $0.isEmpty ? nil : $0 }
            )
            guard updated else { throw refused }
            return APIResponse(status: .accepted)
        }
        return controller
    }

    /// The `progress` format checker: an integer percentage from 0 to 100, `"50%"`.
    static func checkProgress(_ progress: String) throws {
        guard let number = Int(progress.dropLast()) else {
            throw EmberError.badRequest("Invalid input received: progress must be an integer percentage")
        }
        if number < 0 || number > 100 || progress.last != "%" {
            throw EmberError.badRequest(
                "Invalid input received: progress must be an integer percentage between 0 and 100"
            )
        }
    }

    static let schema = Schema.object(
        properties: [
            (
                "os-update_snapshot_status",
                .object(
                    properties: [("status", .value(types: [.string])), ("progress", .value(types: []))],
                    required: ["status"],
                    additionalProperties: false
                )
            )
        ],
        required: ["os-update_snapshot_status"],
        additionalProperties: false
    )
}

import EmberCore
import EmberVolume
import EmberWSGI

/// `cinder/api/v3/snapshot_metadata.py`: `/snapshots/{snapshot_id}/metadata[/{key}]`. Unlike
/// volume metadata there is no ETag support.
struct SnapshotMetadataController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "snapshot_metadata")
        controller.method("index") { request in
            _ = try await request.authorizedSnapshot(
                try request.snapshotID(),
                api: api,
                action: .volumeGetSnapshotMetadata
            )
            let metadata = try await api.snapshots.metadata(
                snapshotID: try request.snapshotID(),
                caller: request.identity
            )
            return APIResponse(body: ["metadata": VolumeMetadataController.json(metadata)])
        }
        controller.method("create") { request in
            _ = try await request.authorizedSnapshot(
                try request.snapshotID(),
                api: api,
                action: .volumeUpdateSnapshotMetadata
            )
            let metadata = try VolumeMetadataController.parse(
                request.body,
                schema: SnapshotSchemas.metadata,
                key: "metadata"
            )
            let merged = try await api.snapshots.setMetadata(
                snapshotID: try request.snapshotID(),
                metadata,
                replace: false,
                caller: request.identity
            )
            return APIResponse(body: ["metadata": VolumeMetadataController.json(merged)])
        }
        controller.method("update_all") { request in
            _ = try await request.authorizedSnapshot(
                try request.snapshotID(),
                api: api,
                action: .volumeUpdateSnapshotMetadata
            )
            let metadata = try VolumeMetadataController.parse(
                request.body,
                schema: SnapshotSchemas.metadata,
                key: "metadata"
            )
            let replaced = try await api.snapshots.setMetadata(
                snapshotID: try request.snapshotID(),
                metadata,
                replace: true,
                caller: request.identity
            )
            return APIResponse(body: ["metadata": VolumeMetadataController.json(replaced)])
        }
        controller.method("show") { request in
            _ = try await request.authorizedSnapshot(
                try request.snapshotID(),
                api: api,
                action: .volumeGetSnapshotMetadata
            )
            let key = try request.id()
            let snapshotID = try request.snapshotID()
            let metadata = try await api.snapshots.metadata(snapshotID: snapshotID, caller: request.identity)
            guard let value = metadata[key] else {
                throw EmberError.notFound("Snapshot \(snapshotID) has no metadata with key \(key).")
            }
            return APIResponse(body: ["meta": [key: .string(value)]])
        }
        controller.method("update") { request in
            _ = try await request.authorizedSnapshot(
                try request.snapshotID(),
                api: api,
                action: .volumeUpdateSnapshotMetadata
            )
            let key = try request.id()
            let meta = try VolumeMetadataController.parse(
                request.body,
                schema: SnapshotSchemas.metadataItem,
                key: "meta"
            )
            guard meta[key] != nil else { throw EmberError.badRequest("Request body and URI mismatch") }
            guard meta.count == 1 else { throw EmberError.badRequest("Request body contains too many items") }
            _ = try await api.snapshots.setMetadata(
                snapshotID: try request.snapshotID(),
                meta,
                replace: false,
                caller: request.identity
            )
            return APIResponse(body: ["meta": VolumeMetadataController.json(meta)])
        }
        controller.method("delete") { request in
            _ = try await request.authorizedSnapshot(
                try request.snapshotID(),
                api: api,
                action: .volumeDeleteSnapshotMetadata
            )
            try await api.snapshots.deleteMetadata(
                snapshotID: try request.snapshotID(),
                key: try request.id(),
                caller: request.identity
            )
            return APIResponse(status: .ok)
        }
        return controller
    }
}

extension APIRequest {
    /// The parent `{snapshot_id}` path parameter.
    func snapshotID() throws -> String {
        try parameter("snapshot_id")
    }
}

import EmberCore
import EmberWSGI

/// `cinder/api/views/transfers.py`: the JSON a transfer is shown as. Every link names the
/// legacy `os-volume-transfer` collection, on the v3 `volume-transfers` routes too, as
/// cinder's one view builder does.
///
/// The summary (index, accept) has `id`, `volume_id`, `name` and `links`; the detail view
/// (show, detail) adds `created_at`, `no_snapshots` from 3.55 and the history fields
/// (`destination_project_id`, `source_project_id`, `accepted`) from 3.57; the create view
/// is the detail view with the `auth_key`, shown this once.
enum TransferViewBuilder {
    static let collection = "os-volume-transfer"

    static func summary(_ transfer: VolumeTransfer, request: APIRequest) -> JSONObject {
        [
            "id": .string(transfer.id),
            "volume_id": .string(transfer.volumeID),
            "name": .optional(transfer.displayName),
            "links": Links.make(request: request, collection: collection, id: transfer.id),
        ]
    }

    static func detail(_ transfer: VolumeTransfer, request: APIRequest, authKey: String? = nil) -> JSONObject {
        var view: JSONObject = [
            "id": .string(transfer.id),
            "created_at": .optional(APITime.format(transfer.createdAt)),
            "name": .optional(transfer.displayName),
            "volume_id": .string(transfer.volumeID),
        ]
        if let authKey { view["auth_key"] = .string(authKey) }
        view["links"] = Links.make(request: request, collection: collection, id: transfer.id)
        if request.supports("3.55") { view["no_snapshots"] = .bool(transfer.noSnapshots) }
        if request.supports("3.57") {
            view["destination_project_id"] = .optional(transfer.destinationProjectID)
            view["source_project_id"] = .optional(transfer.sourceProjectID)
            view["accepted"] = .bool(transfer.accepted)
        }
        return view
    }
}

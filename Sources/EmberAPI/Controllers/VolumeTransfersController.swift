import EmberCore
import EmberVolume
import EmberWSGI

/// `cinder/api/contrib/volume_transfer.py` (the `os-volume-transfer` extension) and
/// `cinder/api/v3/volume_transfer.py` (`/volume-transfers`, core in the v3 router): index,
/// detail, show, create (202, with the auth key), accept (202) and delete (202).
///
/// The v3 controller differs from the legacy one in two places: create takes `no_snapshots`
/// from 3.55 (and encrypted volumes from 3.70), and the lists page and sort from 3.59. On the
/// legacy routes, and on v3 before 3.59, the lists are in `created_at, id` order and every
/// query parameter but `all_tenants` is a filter on the transfers' columns: one that names no
/// column (`limit` among them) makes the list empty, as cinder's `is_valid_model_filters`
/// does. Both then cut the page with `common.limited` (`offset` and `limit` once more).
struct VolumeTransfersController {
    let api: VolumeAPI
    /// The `os-volume-transfer` extension's controller rather than the v3 one.
    var legacy = false

    /// The columns of cinder's `Transfer` model: the names a list filter may use.
    static let columns: Set<String> = [
        "id", "volume_id", "display_name", "salt", "crypt_hash", "expires_at", "no_snapshots",
        "source_project_id", "destination_project_id", "accepted", "created_at", "updated_at", "deleted_at",
        "deleted",
    ]

    func controller() -> APIController {
        var controller = APIController(name: legacy ? "os-volume-transfer" : "volume_transfers")
        controller.method("index") { request in try await list(request, detailed: false) }
        controller.method("detail") { request in try await list(request, detailed: true) }
        controller.method("show") { request in try await show(request) }
        controller.method("create") { request in try await create(request) }
        controller.method("accept") { request in try await accept(request) }
        controller.method("delete") { request in try await delete(request) }
        return controller
    }

    // MARK: - Reads

    func show(_ request: APIRequest) async throws -> APIResponse {
        try request.authorize(.volumeGetTransfer)
        let transfer = try await api.transfers.get(id: try request.id(), caller: request.identity)
        return APIResponse(body: ["transfer": .object(TransferViewBuilder.detail(transfer, request: request))])
    }

    func list(_ request: APIRequest, detailed: Bool) async throws -> APIResponse {
        let maxLimit = api.configuration.maxLimit
        let paged = !legacy && request.supports("3.59")
        let isAdmin = request.identity.isAdmin
        let allTenants = request.queryValue("all_tenants").map(Self.pythonBool) ?? false
        var query = ListQuery(
            scope: isAdmin && allTenants ? .allProjects : .project(request.identity.projectID ?? "")
        )
        var parameters: Set<String> = ["all_tenants"]
        if paged {
            // `get_pagination_params` and `get_sort_params` take these out of the filters.
            _ = try Self.limited(request, maxLimit: maxLimit)
            try ListParameters.readPaging(request, into: &query, maxLimit: maxLimit)
            // cinder sorts transfers by their own column names: `name` is no sort key here.
            let requested =
                request.queryValues("sort").flatMap { $0.split(separator: ",") }
                .map { $0.split(separator: ":", maxSplits: 1).first.map { $0.trimmingWhitespace() } ?? "" }
                + request.queryValues("sort_key")
            if requested.contains(where: { ListParameters.columnNames[$0] != nil }) {
                throw EmberError.badRequest("Invalid input received: Invalid sort key")
            }
            parameters.formUnion(["limit", "offset", "marker", "sort", "sort_key", "sort_dir"])
        } else {
            query.sort = [SortKey("created_at", .asc), SortKey("id", .asc)]
        }
        try request.authorize(.volumeGetAllTransfers)
        var matchesNothing = false
        for (name, value) in request.query where !parameters.contains(name) {
            let column = name == "name" ? "display_name" : name
            if column == "project_id" {
                // The volume's project; a caller's own project wins unless an admin lists all.
                if case .allProjects = query.scope { query.filters.append(.equals("project_id", value)) }
                continue
            }
            guard Self.columns.contains(column) else {
                matchesNothing = true
                break
            }
            query.filters.append(.equals(column, value))
        }
        let transfers = matchesNothing ? [] : try await api.transfers.list(query).items
        let (offset, limit) = try Self.limited(request, maxLimit: maxLimit)
        let page = Array(transfers.dropFirst(offset).prefix(limit == 0 ? maxLimit : limit))
        let items: [JSONValue] = page.map {
            .object(
                detailed
                    ? TransferViewBuilder.detail($0, request: request)
                    : TransferViewBuilder.summary($0, request: request)
            )
        }
        var body: JSONObject = ["transfers": .array(items)]
        // `_get_collection_links`: a next link when the page is as long as the limit allows
        // and the list before `limited` was at least that long.
        if let last = page.last, limit <= max(transfers.count, page.count) {
            body["transfers_links"] = Links.next(
                request: request,
                path: TransferViewBuilder.collection,
                marker: last.id
            )
        }
        return APIResponse(body: .object(body))
    }

    /// `common.limited`'s `offset` and `limit` (capped at `osapi_max_limit`), with cinder's
    /// 400s for values that are not integers or are negative.
    static func limited(_ request: APIRequest, maxLimit: Int) throws -> (offset: Int, limit: Int) {
        var limit = maxLimit
        if let text = request.queryValue("limit") {
            guard let value = Int(text) else { throw EmberError.badRequest("limit param must be an integer") }
            guard value >= 0 else { throw EmberError.badRequest("limit param must be positive") }
            limit = min(value, maxLimit)
        }
        var offset = 0
        if let text = request.queryValue("offset") {
            guard let value = Int(text.trimmingWhitespace()) else {
                throw EmberError.badRequest("offset must be an integer")
            }
            guard value >= 0 else { throw EmberError.badRequest("offset must be >= 0") }
            guard value <= 2_147_483_647 else { throw EmberError.badRequest("offset must be <= 2147483647") }
            offset = value
        }
        return (offset, limit)
    }

    /// oslo's `bool_from_string` (not strict): anything but a true spelling is false.
    static func pythonBool(_ text: String) -> Bool {
        ["1", "t", "true", "on", "y", "yes"].contains(text.trimmingWhitespace().lowercased())
    }

    // MARK: - Changes

    func create(_ request: APIRequest) async throws -> APIResponse {
        let body = request.body ?? .null
        let withSnapshotsFlag = !legacy && request.supports("3.55")
        let schema = legacy ? TransferSchemas.create : TransferSchemas.create(version: request.version)
        if let error = schema.validate(body) { throw EmberError.badRequest(error) }
        let fields = body["transfer"]?.objectValue ?? JSONObject()
        let volumeID = fields["volume_id"]?.stringValue ?? ""
        let volume = try await api.volume(id: volumeID, caller: request.identity)
        try request.authorize(.volumeCreateTransfer, target: volume.policyTarget)
        let created = try await api.transfers.create(
            TransferCreateRequest(
                name: fields["name"]?.stringValue?.trimmingWhitespace(),
                noSnapshots: withSnapshotsFlag ? ParameterTypes.bool(fields["no_snapshots"]) ?? false : false,
                allowEncrypted: !legacy && request.supports("3.70")
            ),
            volume: volume,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return APIResponse(
            status: .accepted,
            body: [
                "transfer": .object(
                    TransferViewBuilder.detail(created.transfer, request: request, authKey: created.authKey)
                )
            ]
        )
    }

    func accept(_ request: APIRequest) async throws -> APIResponse {
        let body = request.body ?? .null
        if let error = TransferSchemas.accept.validate(body) { throw EmberError.badRequest(error) }
        let authKey: String
        switch body["accept"]?["auth_key"] {
        case .int(let number)?: authKey = String(number)
        case .string(let text)?: authKey = text
        default: authKey = ""
        }
        try request.authorize(.volumeAcceptTransfer)
        let accepted = try await api.transfers.accept(
            id: try request.id(),
            authKey: authKey,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return APIResponse(
            status: .accepted,
            body: ["transfer": .object(TransferViewBuilder.summary(accepted, request: request))]
        )
    }

    func delete(_ request: APIRequest) async throws -> APIResponse {
        let transfer = try await api.transfers.get(id: try request.id(), caller: request.identity)
        let volume = try await api.transfers.volume(of: transfer)
        try request.authorize(.volumeDeleteTransfer, target: volume.policyTarget)
        try await api.transfers.delete(transfer, caller: request.identity, requestID: request.context.requestID)
        return .accepted
    }
}

import EmberCore
import EmberVolume
import EmberWSGI

/// Manage existing: `cinder/api/v3/volume_manage.py` and `snapshot_manage.py` (the v3
/// `/manageable_volumes` and `/manageable_snapshots`, 3.8), the legacy `os-volume-manage`
/// and `os-snapshot-manage` extensions they build on (`cinder/api/contrib/…`, any
/// microversion), and the `os-unmanage` actions of `volume_unmanage.py` and
/// `snapshot_unmanage.py`. Every call is admin-only by cinder's default policies.
struct ManageableController {
    enum Resource {
        case volumes
        case snapshots
    }

    let api: VolumeAPI
    let resource: Resource
    /// The contrib extension (`/os-volume-manage`): no 3.8 minimum, and the sort keys
    /// reported in the order given.
    let legacy: Bool

    func controller() -> APIController {
        let minimum = legacy ? "3.0" : "3.8"
        var controller = APIController(
            name: resource == .volumes
                ? (legacy ? "os-volume-manage" : "manageable_volumes")
                : (legacy ? "os-snapshot-manage" : "manageable_snapshots")
        )
        controller.method("index", minimum: minimum) { request in try await list(request, detailed: false) }
        controller.method("detail", minimum: minimum) { request in try await list(request, detailed: true) }
        controller.method("create", minimum: minimum) { request in
            switch resource {
            case .volumes: try await manageVolume(request)
            case .snapshots: try await manageSnapshot(request)
            }
        }
        return controller
    }

    // MARK: - Lists

    /// `get_manageable_resources`: `host` (or, from 3.17, `cluster`), cinder's paging, and
    /// sort keys `reference` and `size` (default `reference` descending), asked of the
    /// service's backend.
    func list(_ request: APIRequest, detailed: Bool) async throws -> APIResponse {
        try request.authorize(
            resource == .volumes ? .volumeExtensionListManageable : .snapshotExtensionListManageable
        )
        let (host, cluster) = try Self.clusterHost(
            host: request.queryValue("host"),
            cluster: request.queryValue("cluster"),
            clusterAllowed: request.supports("3.17")
        )
        let paging = try Self.paging(request, maxLimit: api.configuration.maxLimit, legacy: legacy)
        let entries =
            switch resource {
            case .volumes:
                try await api.manageableVolumes(
                    host: host,
                    cluster: cluster,
                    paging: paging,
                    caller: request.identity,
                    requestID: request.context.requestID
                )
            case .snapshots:
                try await api.manageableSnapshots(
                    host: host,
                    cluster: cluster,
                    paging: paging,
                    caller: request.identity,
                    requestID: request.context.requestID
                )
            }
        let key = resource == .volumes ? "manageable-volumes" : "manageable-snapshots"
        return APIResponse(
            body: [key: .array(entries.map { ManageableViewBuilder.entry($0, detailed: detailed, resource: resource) })]
        )
    }

    /// `common.get_cluster_host`: exactly one of `cluster` (when allowed) and `host`.
    static func clusterHost(
        host: String?,
        cluster: String?,
        clusterAllowed: Bool
    ) throws -> (host: String?, cluster: String?) {
        let cluster = clusterAllowed ? cluster : nil
        let host = host
        let hasCluster = !(cluster ?? "").isEmpty
        let hasHost = !(host ?? "").isEmpty
        if hasCluster == hasHost {
            throw EmberError.badRequest(
                "Invalid input received: "
                    + (clusterAllowed ? "One and only one of cluster and host must be set." : "Host field is missing.")
            )
        }
        return (hasHost ? host : nil, hasCluster ? cluster : nil)
    }

    /// `get_pagination_params` and `get_sort_params(default_key='reference')`, then the
    /// manageable lists' own check of the keys and directions.
    static func paging(_ request: APIRequest, maxLimit: Int, legacy: Bool) throws -> ManageablePaging {
        var limit = maxLimit
        if let text = request.queryValue("limit") {
            guard let value = Int(text) else { throw EmberError.badRequest("limit param must be an integer") }
            guard value >= 0 else { throw EmberError.badRequest("limit param must be positive") }
            limit = min(value, maxLimit)
        }
        var offset = 0
        if let text = request.queryValue("offset") {
            guard let value = Int(text) else { throw EmberError.badRequest("offset must be an integer") }
            // oslo's `validate_integer(offset, 'offset', 0, DB_MAX_INT)`.
            guard value >= 0 else { throw EmberError.badRequest("offset must be >= 0") }
            guard value <= 2_147_483_647 else { throw EmberError.badRequest("offset must be <= 2147483647") }
            offset = value
        }
        let sort = request.queryValue("sort")
        let sortKey = request.queryValue("sort_key")
        let sortDir = request.queryValue("sort_dir")
        if sort != nil && (sortKey != nil || sortDir != nil) {
            throw EmberError.badRequest(
                "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter."
            )
        }
        var keys: [String] = []
        var dirs: [String] = []
        if let sort {
            for item in sort.trimmingWhitespace().split(separator: ",", omittingEmptySubsequences: false) {
                let parts = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(parts[0]).trimmingWhitespace()
                let dir = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]).trimmingWhitespace() : "desc"
                keys.append(key)
                dirs.append(dir)
            }
        } else {
            keys = [(sortKey ?? "reference").trimmingWhitespace()]
            dirs = [(sortDir ?? "desc").trimmingWhitespace()]
        }
        var invalidKeys = keys.filter { !ManageablePaging.validSortKeys.contains($0) }
        var invalidDirs = dirs.filter { !["asc", "desc"].contains($0) }
        if !legacy {
            // The v3 controller reports them as a set.
            invalidKeys = Array(Set(invalidKeys)).sorted()
            invalidDirs = Array(Set(invalidDirs)).sorted()
        }
        if !invalidKeys.isEmpty {
            throw EmberError.badRequest("Invalid sort keys passed: " + invalidKeys.joined(separator: ", "))
        }
        if !invalidDirs.isEmpty {
            throw EmberError.badRequest("Invalid sort dirs passed: " + invalidDirs.joined(separator: ", "))
        }
        return ManageablePaging(
            marker: request.queryValue("marker").map(JSONValue.string),
            limit: limit,
            offset: offset,
            sortKeys: keys,
            sortDirs: dirs
        )
    }

    // MARK: - Manage

    /// `VolumeManageController.create`: 202 with the volume's legacy detail view (status
    /// `creating` while it is `managing`).
    func manageVolume(_ request: APIRequest) async throws -> APIResponse {
        let clusterAllowed = request.supports("3.16")
        let body = try request.validatedBody(ManageSchemas.volumeManage(version: request.version))
        try request.authorize(.volumeExtensionVolumeManage)
        let volume = body["volume"] ?? .null
        let (host, cluster) = try Self.clusterHost(
            host: volume["host"]?.stringValue,
            cluster: volume["cluster"]?.stringValue,
            clusterAllowed: clusterAllowed
        )
        var metadata: [String: String] = [:]
        for entry in volume["metadata"]?.objectValue?.entries ?? [] {
            metadata[entry.key] = entry.value.stringValue
        }
        let volumeType = volume["volume_type"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let name = volume["name"]?.stringValue.flatMap { $0.isEmpty ? nil : $0.trimmingWhitespace() }
        let description = volume["description"]?.stringValue.flatMap { $0.isEmpty ? nil : $0.trimmingWhitespace() }
        let managed = try await api.manageExisting(
            ManageVolumeRequest(
                host: host,
                cluster: cluster,
                ref: volume["ref"] ?? .null,
                name: name,
                description: description,
                volumeType: volumeType,
                metadata: metadata,
                availabilityZone: volume["availability_zone"]?.stringValue,
                bootable: ParameterTypes.bool(volume["bootable"]) ?? false
            ),
            caller: request.identity,
            requestID: request.context.requestID
        )
        let typeName = await api.types.name(id: managed.volumeTypeID)
        return APIResponse(
            status: .accepted,
            body: ManageableViewBuilder.legacyDetail(managed, typeName: typeName, request: request)
        )
    }

    /// `SnapshotManageController.create`: the volume must be the caller's to see; 202 with
    /// the snapshot's detail view.
    func manageSnapshot(_ request: APIRequest) async throws -> APIResponse {
        let body = try request.validatedBody(ManageSchemas.snapshotManage)
        let snapshot = body["snapshot"] ?? .null
        let volume = try await api.volume(id: snapshot["volume_id"]?.stringValue ?? "", caller: request.identity)
        try request.authorize(.snapshotExtensionSnapshotManage, target: volume.policyTarget)
        var metadata: [String: String] = [:]
        for entry in snapshot["metadata"]?.objectValue?.entries ?? [] {
            metadata[entry.key] = entry.value.stringValue
        }
        let managed = try await api.snapshots.manageExisting(
            ref: snapshot["ref"] ?? .null,
            volume: volume,
            name: snapshot["name"]?.stringValue,
            description: snapshot["description"]?.stringValue,
            metadata: metadata,
            caller: request.identity,
            requestID: request.context.requestID
        )
        // cinder answers with `cinder/api/views/snapshots.py` `detail`, the base fields only
        // (no `group_snapshot_id`, `user_id` or `consumes_quota`, whatever the microversion).
        return APIResponse(status: .accepted, body: ["snapshot": .object(SnapshotViewBuilder.summary(managed))])
    }

    // MARK: - Unmanage

    /// `os-volume-unmanage`: the `os-unmanage` action of volumes (202; the volume leaves
    /// management, its data stays on the backend).
    static func volumeUnmanage(api: VolumeAPI) -> APIController {
        var controller = APIController(name: "volumes")
        controller.action("os-unmanage") { request in
            _ = try request.validatedBody(ManageSchemas.unmanage)
            let volume = try await api.volume(id: try request.id(), caller: request.identity)
            try request.authorize(.volumeExtensionVolumeUnmanage, target: volume.policyTarget)
            try request.authorize(.volumeDelete, target: volume.policyTarget)
            try await api.unmanageVolume(id: volume.id, caller: request.identity, requestID: request.context.requestID)
            return APIResponse(status: .accepted)
        }
        return controller
    }

    /// `os-snapshot-unmanage`: the `os-unmanage` action of snapshots.
    static func snapshotUnmanage(api: VolumeAPI) -> APIController {
        var controller = APIController(name: "snapshots")
        controller.action("os-unmanage") { request in
            _ = try request.validatedBody(ManageSchemas.unmanage)
            let snapshot = try await api.snapshots.get(id: try request.id(), caller: request.identity)
            try request.authorize(.snapshotExtensionSnapshotUnmanage, target: snapshot.policyTarget)
            try request.authorize(.volumeDeleteSnapshot, target: snapshot.policyTarget)
            try await api.snapshots.unmanage(
                id: snapshot.id,
                caller: request.identity,
                requestID: request.context.requestID
            )
            return APIResponse(status: .accepted)
        }
        return controller
    }
}

/// `cinder/api/views/manageable_volumes.py` and `manageable_snapshots.py`, and the legacy
/// volume view a manage answers with (`views/volumes.py:legacy_detail`).
enum ManageableViewBuilder {
    static func entry(
        _ entry: ManageableResource,
        detailed: Bool,
        resource: ManageableController.Resource
    ) -> JSONValue {
        var view: JSONObject = [
            "reference": entry.reference,
            "size": .int(entry.size),
            "safe_to_manage": .bool(entry.safeToManage),
        ]
        if detailed {
            view.appendNew("reason_not_safe", .optional(entry.reasonNotSafe))
            if resource == .volumes {
                view.appendNew("cinder_id", .optional(entry.cinderID))
                view.appendNew("extra_info", entry.extraInfo ?? .null)
            } else {
                view.appendNew("extra_info", entry.extraInfo ?? .null)
                view.appendNew("cinder_id", .optional(entry.cinderID))
            }
        }
        if resource == .snapshots { view.appendNew("source_reference", entry.sourceReference ?? .null) }
        return .object(view)
    }

    /// The fields of `legacy_detail`: the 3.0 detail view (admins also see
    /// `migration_status`), whatever the microversion.
    static let legacyFields: Set<String> = [
        "id", "status", "size", "availability_zone", "created_at", "updated_at", "name", "description",
        "volume_type", "snapshot_id", "source_volid", "metadata", "links", "user_id", "bootable", "encrypted",
        "replication_status", "consistencygroup_id", "multiattach", "attachments", "migration_status",
    ]

    static func legacyDetail(_ volume: Volume, typeName: String?, request: APIRequest) -> JSONValue {
        let detail = VolumeViewBuilder(request: request).detail(volume, typeName: typeName, extended: false)
        let entries = detail.objectValue?.entries.filter { legacyFields.contains($0.key) } ?? []
        return ["volume": .object(JSONObject(uniqueEntries: entries.map { ($0.key, $0.value) }))]
    }
}

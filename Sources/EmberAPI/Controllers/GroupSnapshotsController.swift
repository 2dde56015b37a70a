import EmberCore
import EmberVolume
import EmberWSGI

/// `cinder/api/schemas/group_snapshots.py`.
enum GroupSnapshotSchemas {
    static let create = Schema.object(
        properties: [
            (
                "group_snapshot",
                .object(
                    properties: [
                        ("group_id", .value(types: [.string], format: "uuid")),
                        ("name", GroupTypeSchemas.updateName), ("description", ParameterTypes.description),
                    ],
                    required: ["group_id"],
                    additionalProperties: false
                )
            )
        ],
        required: ["group_snapshot"],
        additionalProperties: false
    )

    static let resetStatus = GroupSchemas.resetStatus

    /// The `group_snapshot_status` format (`_validate_status`).
    static func status(_ text: String) throws -> GroupSnapshotStatus {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw EmberError.badRequest("Invalid GroupSnapshot Status: The 'status' can not be empty.")
        }
        guard let status = GroupSnapshotStatus(rawValue: text.lowercased()) else {
            let all = "(" + GroupSnapshotStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
            throw EmberError.badRequest(
                "Invalid GroupSnapshot Status: Group snapshot status: \(text) is invalid, valid statuses are: \(all)."
            )
        }
        return status
    }
}

/// `cinder/api/v3/group_snapshots.py` (3.14): create, index/detail (filters, sort and
/// pagination from 3.29), show, delete, `reset_status` (3.19). Group snapshots of the type
/// kept for the consistency-group API are not served here.
struct GroupSnapshotsController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "group_snapshots")
        controller.method("index", minimum: "3.14") { request in try await list(request, detailed: false) }
        controller.method("detail", minimum: "3.14") { request in try await list(request, detailed: true) }
        controller.method("show", minimum: "3.14") { request in
            let groupSnapshot = try await authorized(request)
            try await checkNotCG(groupSnapshot)
            return APIResponse(body: ["group_snapshot": Self.detail(groupSnapshot, request: request)])
        }
        controller.method("create", minimum: "3.14") { request in
            let body = try request.validatedBody(GroupSnapshotSchemas.create)
            let fields = body["group_snapshot"]?.objectValue ?? JSONObject()
            let group = try await api.groups.get(id: fields["group_id"]?.stringValue ?? "", caller: request.identity)
            try request.authorize(.groupGet, target: group.policyTarget)
            try await checkNotCG(group.groupTypeID)
            try request.authorize(.groupCreateGroupSnapshot, target: group.policyTarget)
            let created = try await api.groupSnapshots.create(
                group: group,
                name: fields["name"]?.stringValue,
                description: fields["description"]?.stringValue,
                caller: request.identity,
                requestID: request.context.requestID
            )
            return APIResponse(status: .accepted, body: ["group_snapshot": Self.summary(created)])
        }
        controller.method("delete", minimum: "3.14") { request in
            let groupSnapshot = try await authorized(request)
            try await checkNotCG(groupSnapshot)
            try request.authorize(.groupDeleteGroupSnapshot, target: groupSnapshot.policyTarget)
            try await api.groupSnapshots.delete(
                groupSnapshot,
                caller: request.identity,
                requestID: request.context.requestID
            )
            return APIResponse(status: .accepted)
        }
        controller.action("reset_status", minimum: "3.19") { request in
            let body = try request.validatedBody(GroupSnapshotSchemas.resetStatus)
            let status = try GroupSnapshotSchemas.status(body["reset_status"]?["status"]?.stringValue ?? "")
            let groupSnapshot = try await authorized(request)
            try request.authorize(.groupResetGroupSnapshotStatus, target: groupSnapshot.policyTarget)
            try await api.groupSnapshots.resetStatus(groupSnapshot, to: status)
            return APIResponse(status: .accepted)
        }
        return controller
    }

    func authorized(_ request: APIRequest) async throws -> GroupSnapshot {
        let groupSnapshot = try await api.groupSnapshots.get(id: try request.id(), caller: request.identity)
        try request.authorize(.groupGetGroupSnapshot, target: groupSnapshot.policyTarget)
        return groupSnapshot
    }

    func checkNotCG(_ groupSnapshot: GroupSnapshot) async throws {
        guard let typeID = groupSnapshot.groupTypeID, await api.groups.isDefaultCGSnapshotType(typeID) else { return }
        throw EmberError.badRequest(
            "Group_type \(typeID) is reserved for migrating CGs to groups. Migrated group snapshots can only be operated by CG snapshot APIs."
        )
    }

    func checkNotCG(_ groupTypeID: String) async throws {
        try await api.groups.checkNotDefaultCGSnapshotType(groupTypeID)
    }

    static func summary(_ groupSnapshot: GroupSnapshot) -> JSONValue {
        [
            "id": .string(groupSnapshot.id), "name": .optional(groupSnapshot.name),
            "group_type_id": .optional(groupSnapshot.groupTypeID),
        ]
    }

    static func detail(_ groupSnapshot: GroupSnapshot, request: APIRequest) -> JSONValue {
        var view: JSONObject = [
            "id": .string(groupSnapshot.id),
            "group_id": .string(groupSnapshot.groupID),
            "group_type_id": .optional(groupSnapshot.groupTypeID),
            "status": .string(groupSnapshot.status.rawValue),
            "created_at": .optional(APITime.format(groupSnapshot.createdAt)),
            "name": .optional(groupSnapshot.name),
            "description": .optional(groupSnapshot.description),
        ]
        if request.supports("3.58"), request.allows(.groupGroupSnapshotProjectAttribute) {
            view["project_id"] = .optional(groupSnapshot.projectID)
        }
        return .object(view)
    }

    /// `_get_group_snapshots`: before 3.29 no paging, sort or filters; from 3.31 a
    /// non-admin's filters must be the configured `group_snapshot` ones; `all_tenants` for
    /// admins. The index view leaves `group_type_id` out.
    func list(_ request: APIRequest, detailed: Bool) async throws -> APIResponse {
        try request.authorize(.groupGetAllGroupSnapshots)
        let isAdmin = request.identity.isAdmin
        let maxLimit = api.configuration.maxLimit
        let allTenants = isAdmin && request.queryValue("all_tenants") != nil
        var query = ListQuery(scope: allTenants ? .allProjects : .project(request.identity.projectID ?? ""))
        let paged = request.supports("3.29")
        if paged {
            try ListParameters.readPaging(request, into: &query, maxLimit: maxLimit)
            query.sort = query.sort.map { key in
                SortKey(ListParameters.columnNames.first { $0.value == key.column }?.key ?? key.column, key.direction)
            }
            let reserved: Set<String> = ["limit", "offset", "marker", "sort", "sort_key", "sort_dir"]
            var names = request.query.map(\.name).filter { !reserved.contains($0) }
            if request.supports("3.31") {
                try ListParameters.checkASCII(names, request: request)
                if !isAdmin {
                    var invalid: [String] = []
                    for name in names where name != "all_tenants" {
                        _ = ListParameters.admits(
                            name,
                            request: request,
                            resource: "group_snapshot",
                            filters: api.configuration.resourceFilters,
                            invalid: &invalid
                        )
                    }
                    try ListParameters.rejectInvalid(invalid)
                }
            }
            names = names.filter { $0 != "all_tenants" }
            for name in names {
                let value = request.queryValue(name) ?? ""
                let inexact = name.hasSuffix("~") && request.supports("3.34")
                let base = inexact ? String(name.dropLast()) : name
                guard Self.columns.contains(base) else {
                    query.filters.append(.equals("id", ""))
                    continue
                }
                query.filters.append(inexact ? .contains(base, value) : .equals(base, value))
            }
        }
        let page = try await api.groupSnapshots.list(query)
        var items: [JSONValue] = []
        for groupSnapshot in page.items {
            if let typeID = groupSnapshot.groupTypeID, await api.groups.isDefaultCGSnapshotType(typeID) { continue }
            if detailed {
                items.append(Self.detail(groupSnapshot, request: request))
            } else {
                items.append(["id": .string(groupSnapshot.id), "name": .optional(groupSnapshot.name)])
            }
        }
        var body: JSONObject = ["group_snapshots": .array(items)]
        if paged, let last = page.items.last, page.items.count >= (query.limit ?? maxLimit) {
            body["group_snapshot_links"] = Links.next(
                request: request,
                path: detailed ? "group_snapshots/detail" : "group_snapshots",
                marker: last.id
            )
        }
        return APIResponse(body: .object(body))
    }

    static let columns: Set<String> = [
        "id", "group_id", "user_id", "project_id", "name", "description", "status", "group_type_id", "created_at",
        "updated_at",
    ]
}

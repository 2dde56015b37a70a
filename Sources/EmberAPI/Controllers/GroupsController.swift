import EmberCore
import EmberVolume
import EmberWSGI

/// `cinder/api/v3/groups.py` (3.13): generic volume groups. Groups of the type cinder keeps
/// for the consistency-group API are not served here (cinder's 400, and left out of lists).
struct GroupsController {
    let api: VolumeAPI

    static let minimum = "3.13"

    func controller() -> APIController {
        var controller = APIController(name: "groups")
        controller.method("index", minimum: Self.minimum) { request in try await list(request, detailed: false) }
        controller.method("detail", minimum: Self.minimum) { request in try await list(request, detailed: true) }
        controller.method("show", minimum: Self.minimum) { request in
            let group = try await authorizedGroup(request, action: .groupGet)
            try await api.groups.checkNotDefaultCGSnapshotType(group.groupTypeID)
            return APIResponse(body: ["group": try await detail(group, request: request)])
        }
        controller.method("create", minimum: Self.minimum) { request in try await create(request) }
        controller.method("update", minimum: Self.minimum) { request in try await update(request) }
        controller.action("delete", minimum: Self.minimum) { request in
            let body = try request.validatedBody(GroupSchemas.delete)
            let deleteVolumes = ParameterTypes.bool(body["delete"]?["delete-volumes"]) ?? false
            let group = try await authorizedGroup(request, action: .groupGet)
            try await api.groups.checkNotDefaultCGSnapshotType(group.groupTypeID)
            try request.authorize(.groupDelete, target: group.policyTarget)
            try await api.groups.delete(
                group,
                deleteVolumes: deleteVolumes,
                caller: request.identity,
                requestID: request.context.requestID
            )
            return APIResponse(status: .accepted)
        }
        controller.action("create-from-src", minimum: "3.14") { request in try await createFromSource(request) }
        controller.action("reset_status", minimum: "3.20") { request in
            let body = try request.validatedBody(GroupSchemas.resetStatus)
            let status = try GroupSchemas.status(body["reset_status"]?["status"]?.stringValue ?? "")
            let group = try await authorizedGroup(request, action: .groupGet)
            try request.authorize(.groupResetStatus, target: group.policyTarget)
            try await api.groups.resetStatus(group, to: status)
            return APIResponse(status: .accepted)
        }
        for (action, policy) in [
            ("enable_replication", PolicyAction.groupEnableReplication),
            ("disable_replication", .groupDisableReplication),
            ("list_replication_targets", .groupListReplicationTargets),
        ] {
            controller.action(action, minimum: "3.38") { request in
                _ = try request.validatedBody(GroupSchemas.replication(action))
                let group = try await authorizedGroup(request, action: .groupGet)
                try request.authorize(policy, target: group.policyTarget)
                try await api.groups.checkReplication(group, action: action)
                return APIResponse(status: .accepted)
            }
        }
        controller.action("failover_replication", minimum: "3.38") { request in
            _ = try request.validatedBody(GroupSchemas.failoverReplication)
            let group = try await authorizedGroup(request, action: .groupGet)
            try request.authorize(.groupFailoverReplication, target: group.policyTarget)
            try await api.groups.checkReplication(group, action: "failover_replication")
            return APIResponse(status: .accepted)
        }
        return controller
    }

    /// `group_api.get`: the group (404 when the caller may not see it), then `group:get`.
    func authorizedGroup(_ request: APIRequest, action: PolicyAction) async throws -> VolumeGroup {
        let group = try await api.groups.get(id: try request.id(), caller: request.identity)
        try request.authorize(action, target: group.policyTarget)
        return group
    }

    /// The detail view, with the member volumes when 3.25 and `list_volume` ask for them.
    func detail(_ group: VolumeGroup, request: APIRequest) async throws -> JSONValue {
        var volumeIDs: [String]?
        if request.supports("3.25"),
            try QoSSpecsController.strictBool("list_volume", request.queryValue("list_volume"))
        {
            volumeIDs = try await api.groups.volumes(of: group).map(\.id)
        }
        return GroupViewBuilder.detail(group, volumeIDs: volumeIDs, request: request)
    }

    /// The columns of `groups` an admin may filter on (others match nothing, as cinder's
    /// `is_valid_model_filters`).
    static let columns: Set<String> = [
        "id", "user_id", "project_id", "cluster_name", "host", "availability_zone", "name", "description", "status",
        "group_type_id", "group_snapshot_id", "source_group_id", "replication_status", "created_at", "updated_at",
    ]

    /// `_get_groups`: paging and sort as every list; `all_tenants` for admins; from 3.31 a
    /// non-admin's filters must be the configured `group` ones (else 400); any other key that
    /// names no column of `groups` matches nothing.
    func list(_ request: APIRequest, detailed: Bool) async throws -> APIResponse {
        try request.authorize(.groupGetAll)
        let maxLimit = api.configuration.maxLimit
        let isAdmin = request.identity.isAdmin
        let allTenants = isAdmin && request.queryValue("all_tenants") != nil
        var query = ListQuery(scope: allTenants ? .allProjects : .project(request.identity.projectID ?? ""))
        try ListParameters.readPaging(request, into: &query, maxLimit: maxLimit)
        query.sort = query.sort.map { key in
            SortKey(ListParameters.columnNames.first { $0.value == key.column }?.key ?? key.column, key.direction)
        }
        let reserved: Set<String> = ["limit", "offset", "marker", "sort", "sort_key", "sort_dir", "list_volume"]
        let keys = request.query.map(\.name).filter { !reserved.contains($0) }
        var names = keys
        if request.supports("3.31") {
            try ListParameters.checkASCII(keys, request: request)
            if !isAdmin {
                var invalid: [String] = []
                for name in keys where name != "all_tenants" {
                    _ = ListParameters.admits(
                        name,
                        request: request,
                        resource: "group",
                        filters: api.configuration.resourceFilters,
                        invalid: &invalid
                    )
                }
                try ListParameters.rejectInvalid(invalid)
                names = keys.filter { $0 != "all_tenants" }
            }
        }
        if isAdmin { names = names.filter { $0 != "all_tenants" } }
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
        let page = try await api.groups.list(query)
        var groups: [VolumeGroup] = []
        for group in page.items where !(await api.groups.isDefaultCGSnapshotType(group.groupTypeID)) {
            groups.append(group)
        }
        var items: [JSONValue] = []
        for group in groups {
            items.append(detailed ? try await detail(group, request: request) : GroupViewBuilder.summary(group))
        }
        var body: JSONObject = ["groups": .array(items)]
        if let last = page.items.last, page.items.count >= (query.limit ?? maxLimit) {
            body["group_links"] = Links.next(
                request: request,
                path: detailed ? "groups/detail" : "groups",
                marker: last.id
            )
        }
        return APIResponse(body: .object(body))
    }

    func create(_ request: APIRequest) async throws -> APIResponse {
        let body = try request.validatedBody(GroupSchemas.create)
        let fields = body["group"]?.objectValue ?? JSONObject()
        let groupType = try GroupSchemas.groupType(fields["group_type"]?.stringValue ?? "")
        let volumeTypes = try GroupSchemas.volumeTypes(fields["volume_types"])
        let zone = try GroupSchemas.availabilityZone(fields["availability_zone"]?.stringValue)
        // The controller looks a group type name up and refuses the CG type before the
        // API checks `group:create`.
        var groupTypeID = groupType
        if !GroupTypeAPI.isUUIDLike(groupType) {
            groupTypeID = try await api.groupTypes.resolve(groupType, identity: request.identity).id
        }
        try await api.groups.checkNotDefaultCGSnapshotType(groupTypeID)
        try request.authorize(.groupCreate)
        let name = fields["name"]?.stringValue.map { $0.trimmingWhitespace() }
        let description = fields["description"]?.stringValue.map { $0.trimmingWhitespace() }
        let created = try await api.groups.create(
            GroupCreateRequest(
                name: name,
                description: description,
                groupType: groupTypeID,
                volumeTypes: volumeTypes,
                availabilityZone: zone
            ),
            caller: request.identity,
            requestID: request.context.requestID
        )
        return APIResponse(status: .accepted, body: ["group": GroupViewBuilder.summary(created)])
    }

    /// `create_from_src` (`POST /groups/action`): a group from a group snapshot or a
    /// source group, exactly one of them.
    func createFromSource(_ request: APIRequest) async throws -> APIResponse {
        let body = try request.validatedBody(GroupSchemas.createFromSource)
        let fields = body["create-from-src"]?.objectValue ?? JSONObject()
        let snapshotID = fields["group_snapshot_id"]?.stringValue
        let sourceID = fields["source_group_id"]?.stringValue
        if (snapshotID == nil) == (sourceID == nil) {
            throw EmberError.badRequest(
                "Invalid input for field/attribute create-from-src. Value: \(JSONValue.object(fields).pythonStr). \(JSONValue.object(fields).pythonRepr) is not valid under any of the given schemas"
            )
        }
        let groupTypeID: String
        if let snapshotID {
            groupTypeID =
                try await api.groupSnapshots.get(id: snapshotID, caller: request.identity).groupTypeID ?? ""
        } else {
            groupTypeID = try await api.groups.get(id: sourceID ?? "", caller: request.identity).groupTypeID
        }
        try await api.groups.checkNotDefaultCGSnapshotType(groupTypeID)
        try request.authorize(.groupCreate)
        let created = try await api.groups.createFromSource(
            name: fields["name"]?.stringValue.map { $0.trimmingWhitespace() },
            description: fields["description"]?.stringValue.map { $0.trimmingWhitespace() },
            groupSnapshotID: snapshotID,
            sourceGroupID: sourceID,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return APIResponse(status: .accepted, body: ["group": GroupViewBuilder.summary(created)])
    }

    func update(_ request: APIRequest) async throws -> APIResponse {
        let body = try request.validatedBody(GroupSchemas.update)
        let fields = body["group"]?.objectValue ?? JSONObject()
        let group = try await authorizedGroup(request, action: .groupGet)
        try await api.groups.checkNotDefaultCGSnapshotType(group.groupTypeID)
        try request.authorize(.groupUpdate, target: group.policyTarget)
        try await api.groups.update(
            group,
            name: fields["name"]?.stringValue.map { $0.trimmingWhitespace() },
            description: fields["description"]?.stringValue.map { $0.trimmingWhitespace() },
            addVolumes: fields["add_volumes"]?.stringValue,
            removeVolumes: fields["remove_volumes"]?.stringValue,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return APIResponse(status: .accepted)
    }
}

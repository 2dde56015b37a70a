import EmberCore
import EmberVolume
import EmberWSGI

/// `cinder/api/v3/consistencygroups.py` over `cinder/api/contrib/consistencygroups.py`: the
/// legacy consistency groups, served by the group machinery under the group policies. A
/// consistency group is created as a group of `default_cgsnapshot_type`; the other calls take
/// any group, as cinder's do. The core v3 routes (index, detail, show, create, `PUT`,
/// `DELETE`) and the extension's (`detail`, `create_from_src`, `POST …/delete`,
/// `PUT …/update`) reach the same methods; only update differs: the v3 controller allows
/// blank properties from 3.6 (`legacy` false), the contrib one never.
struct ConsistencyGroupsController {
    let api: VolumeAPI
    /// The contrib controller (the extension's routes): update without the 3.6 rule.
    var legacy = false

    func controller() -> APIController {
        var controller = APIController(name: "consistencygroups")
        controller.method("index") { request in try await list(request, detailed: false) }
        controller.method("detail") { request in try await list(request, detailed: true) }
        controller.method("show") { request in
            let group = try await authorizedGroup(request, id: try request.id())
            return APIResponse(body: ["consistencygroup": ConsistencyGroupViewBuilder.detail(group)])
        }
        controller.method("create") { request in try await create(request) }
        controller.method("create_from_src") { request in try await createFromSource(request) }
        controller.method("update") { request in try await update(request) }
        controller.method("delete") { request in try await delete(request) }
        // cinder's v3 router gives the resource a member `action` route, but the controller
        // has no action methods, so `Resource` answers webob's 404 whatever the body.
        controller.method("action") { _ in throw EmberError.notFound("The resource could not be found.") }
        return controller
    }

    /// `group_api.get`: the group (404 when the caller may not see it), then `group:get`.
    func authorizedGroup(_ request: APIRequest, id: String) async throws -> VolumeGroup {
        let group = try await api.groups.get(id: id, caller: request.identity)
        try request.authorize(.groupGet, target: group.policyTarget)
        return group
    }

    /// `_get_consistencygroups`: every group of the project (of every project for an admin
    /// with `all_tenants`), whatever its type; paging and sort as every list; any other
    /// parameter filters on the column it names (`name~` inexactly), and one that names no
    /// column of `groups` matches nothing.
    func list(_ request: APIRequest, detailed: Bool) async throws -> APIResponse {
        try request.authorize(.groupGetAll)
        let maxLimit = api.configuration.maxLimit
        let allTenants = request.identity.isAdmin && request.queryValue("all_tenants") != nil
        var query = ListQuery(scope: api.scope(for: request.identity, allTenants: allTenants))
        try ListParameters.readPaging(request, into: &query, maxLimit: maxLimit)
        query.sort = query.sort.map { key in
            SortKey(ListParameters.columnNames.first { $0.value == key.column }?.key ?? key.column, key.direction)
        }
        let reserved: Set<String> = ["limit", "offset", "marker", "sort", "sort_key", "sort_dir"]
        for name in request.query.map(\.name) where !reserved.contains(name) {
            if allTenants && name == "all_tenants" { continue }
            let value = request.queryValue(name) ?? ""
            let inexact = name.hasSuffix("~")
            let base = inexact ? String(name.dropLast()) : name
            guard GroupsController.columns.contains(base) else {
                query.filters.append(.equals("id", ""))
                continue
            }
            query.filters.append(inexact ? .contains(base, value) : .equals(base, value))
        }
        let page = try await api.groups.list(query)
        let items = page.items.map {
            detailed ? ConsistencyGroupViewBuilder.detail($0) : ConsistencyGroupViewBuilder.summary($0)
        }
        var body: JSONObject = ["consistencygroups": .array(items)]
        if let last = page.items.last, page.items.count >= (query.limit ?? maxLimit) {
            // cinder's view builder links both lists to the collection itself.
            body["consistencygroup_links"] = Links.next(
                request: request,
                path: ConsistencyGroupViewBuilder.collection,
                marker: last.id
            )
        }
        return APIResponse(body: .object(body))
    }

    /// `create`: `group:create`, then the volume types (a comma-separated text, required),
    /// then the default cgsnapshot type (cinder's 400 when it is gone), then the group.
    func create(_ request: APIRequest) async throws -> APIResponse {
        let body = try request.validatedBody(ConsistencyGroupSchemas.create)
        try request.authorize(.groupCreate)
        let fields = body["consistencygroup"]?.objectValue ?? JSONObject()
        let name = Self.cleaned(fields["name"])
        let volumeTypes = try ConsistencyGroupSchemas.volumeTypes(fields["volume_types"], name: name)
        let created = try await api.groups.createConsistencyGroup(
            name: name,
            description: Self.cleaned(fields["description"]),
            volumeTypes: volumeTypes,
            availabilityZone: ConsistencyGroupSchemas.availabilityZone(fields["availability_zone"]),
            caller: request.identity,
            requestID: request.context.requestID
        )
        return APIResponse(status: .accepted, body: ["consistencygroup": ConsistencyGroupViewBuilder.summary(created)])
    }

    /// `create_from_src`: `group:create`, exactly one of `cgsnapshot_id` and `source_cgid`,
    /// the source looked up as the caller sees it, then the group machinery's create from
    /// source (its 400s as cinder's `CinderException`s).
    func createFromSource(_ request: APIRequest) async throws -> APIResponse {
        let body = try request.validatedBody(ConsistencyGroupSchemas.createFromSource)
        try request.authorize(.groupCreate)
        let fields = body["consistencygroup-from-src"]?.objectValue ?? JSONObject()
        let name = Self.cleaned(fields["name"])
        // Python's truth: an empty id is no id.
        let snapshotID = fields["cgsnapshot_id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let sourceID = fields["source_cgid"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let shownName = name ?? "None"
        if snapshotID == nil && sourceID == nil {
            throw EmberError.badRequest(
                "Either 'cgsnapshot_id' or 'source_cgid' must be provided to create consistency group \(shownName) from source."
            )
        }
        if snapshotID != nil && sourceID != nil {
            throw EmberError.badRequest(
                "Cannot provide both 'cgsnapshot_id' and 'source_cgid' to create consistency group \(shownName) from source."
            )
        }
        if let sourceID {
            _ = try await authorizedGroup(request, id: sourceID)
        }
        if let snapshotID {
            let groupSnapshot = try await api.groupSnapshots.get(id: snapshotID, caller: request.identity)
            try request.authorize(.groupGetGroupSnapshot, target: groupSnapshot.policyTarget)
        }
        let created = try await api.groups.createFromSource(
            name: name,
            description: Self.cleaned(fields["description"]),
            groupSnapshotID: snapshotID,
            sourceGroupID: sourceID,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return APIResponse(status: .accepted, body: ["consistencygroup": ConsistencyGroupViewBuilder.summary(created)])
    }

    /// `update`: `group:get` and `group:update`, then at least one of the four properties
    /// (from 3.6 on the v3 routes a blank name or description counts), then the group
    /// machinery's update with cinder's rules on which volumes may join and leave.
    func update(_ request: APIRequest) async throws -> APIResponse {
        let body = try request.validatedBody(ConsistencyGroupSchemas.update)
        let group = try await authorizedGroup(request, id: try request.id())
        try request.authorize(.groupUpdate, target: group.policyTarget)
        let fields = body["consistencygroup"]?.objectValue ?? JSONObject()
        let name = Self.cleaned(fields["name"])
        let description = Self.cleaned(fields["description"])
        let addVolumes = fields["add_volumes"]?.stringValue
        let removeVolumes = fields["remove_volumes"]?.stringValue
        let adds = !(addVolumes ?? "").isEmpty || !(removeVolumes ?? "").isEmpty
        if !legacy && request.supports("3.6") {
            if name == nil && description == nil && !adds {
                throw EmberError.badRequest(
                    "Must specify one or more of the following keys to update: name, description, add_volumes, remove_volumes."
                )
            }
        } else if (name ?? "").isEmpty && (description ?? "").isEmpty && !adds {
            throw EmberError.badRequest(
                "Name, description, add_volumes, and remove_volumes can not be all empty in the request body."
            )
        }
        try await api.groups.update(
            group,
            name: name,
            description: description,
            addVolumes: addVolumes,
            removeVolumes: removeVolumes,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return APIResponse(status: .accepted)
    }

    /// `delete` (`POST …/delete` with `{"consistencygroup": {"force": …}}`): `group:get` and
    /// `group:delete`, then the group machinery's delete, `force` deleting the volumes too.
    /// cinder's core `DELETE /consistencygroups/{id}` reaches the same method without a body
    /// and fails with a 500 (its schema decorator finds no `body` argument); Ember deletes
    /// as with an empty body.
    func delete(_ request: APIRequest) async throws -> APIResponse {
        let body = try request.validatedBody(ConsistencyGroupSchemas.delete)
        let force = ConsistencyGroupSchemas.force(body)
        let group = try await authorizedGroup(request, id: try request.id())
        try request.authorize(.groupDelete, target: group.policyTarget)
        try await api.groups.delete(
            group,
            deleteVolumes: force,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return APIResponse(status: .accepted)
    }

    /// `clean_name_and_description`: text stripped; anything else as given (the schemas
    /// admit text or null only).
    static func cleaned(_ value: JSONValue?) -> String? {
        value?.stringValue.map { $0.trimmingWhitespace() }
    }
}

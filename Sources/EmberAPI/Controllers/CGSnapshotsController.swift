import EmberCore
import EmberVolume
import EmberWSGI

/// `cinder/api/contrib/cgsnapshots.py`: the legacy cgsnapshots, served as group snapshots
/// under the group snapshot policies (which cinder's group API checks). Lists take only
/// `offset` and `limit` (`common.limited`) and show the caller's project, admins included.
struct CGSnapshotsController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "cgsnapshots")
        controller.method("index") { request in try await list(request, detailed: false) }
        controller.method("detail") { request in try await list(request, detailed: true) }
        controller.method("show") { request in
            let groupSnapshot = try await authorized(request)
            return APIResponse(body: ["cgsnapshot": CGSnapshotViewBuilder.detail(groupSnapshot)])
        }
        controller.method("create") { request in try await create(request) }
        controller.method("delete") { request in try await delete(request) }
        return controller
    }

    /// `get_group_snapshot`: 404 when the caller may not see it, then `group:get_group_snapshot`.
    func authorized(_ request: APIRequest) async throws -> GroupSnapshot {
        let groupSnapshot = try await api.groupSnapshots.get(id: try request.id(), caller: request.identity)
        try request.authorize(.groupGetGroupSnapshot, target: groupSnapshot.policyTarget)
        return groupSnapshot
    }

    /// `_get_cgsnapshots`: `group:get_all_group_snapshots`, the group snapshots of the
    /// caller's project (cinder passes no filters, so not even an admin's `all_tenants`
    /// widens it; an admin without a project, noauth's, sees every project, as everywhere in
    /// Ember), newest first, cut by `offset` and `limit`.
    func list(_ request: APIRequest, detailed: Bool) async throws -> APIResponse {
        try request.authorize(.groupGetAllGroupSnapshots)
        let (offset, limit) = try VolumeTransfersController.limited(request, maxLimit: api.configuration.maxLimit)
        let query = ListQuery(
            scope: api.scope(for: request.identity),
            limit: limit == 0 ? api.configuration.maxLimit : limit,
            offset: offset
        )
        let page = try await api.groupSnapshots.list(query)
        let items = page.items.map {
            detailed ? CGSnapshotViewBuilder.detail($0) : CGSnapshotViewBuilder.summary($0)
        }
        return APIResponse(body: ["cgsnapshots": .array(items)])
    }

    /// `create`: the consistency group as the caller sees it (`group:get`), then
    /// `group:create_group_snapshot` on it and the group machinery's group snapshot.
    func create(_ request: APIRequest) async throws -> APIResponse {
        let body = try request.validatedBody(ConsistencyGroupSchemas.createSnapshot)
        let fields = body["cgsnapshot"]?.objectValue ?? JSONObject()
        let groupID = fields["consistencygroup_id"]?.stringValue ?? ""
        let group = try await api.groups.get(id: groupID, caller: request.identity)
        try request.authorize(.groupGet, target: group.policyTarget)
        try request.authorize(.groupCreateGroupSnapshot, target: group.policyTarget)
        let created = try await api.groupSnapshots.create(
            group: group,
            name: ConsistencyGroupsController.cleaned(fields["name"]),
            description: ConsistencyGroupsController.cleaned(fields["description"]),
            caller: request.identity,
            requestID: request.context.requestID
        )
        return APIResponse(status: .accepted, body: ["cgsnapshot": CGSnapshotViewBuilder.summary(created)])
    }

    /// `delete`: `group:get_group_snapshot` and `group:delete_group_snapshot`, then the
    /// group machinery's delete. cinder answers its own refusal with its text and any other
    /// failure with "Failed to delete the cgsnapshot" (400).
    func delete(_ request: APIRequest) async throws -> APIResponse {
        let groupSnapshot = try await authorized(request)
        try request.authorize(.groupDeleteGroupSnapshot, target: groupSnapshot.policyTarget)
        do {
            try await api.groupSnapshots.delete(
                groupSnapshot,
                caller: request.identity,
                requestID: request.context.requestID
            )
        } catch let error as EmberError where error.status == 400 || error.status == 403 || error.status == 404 {
            throw error
        } catch {
            throw EmberError.badRequest("Failed to delete the cgsnapshot")
        }
        return APIResponse(status: .accepted)
    }
}

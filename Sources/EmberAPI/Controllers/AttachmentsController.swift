import EmberCore
import EmberStore
import EmberVolume
import EmberWSGI

/// `cinder/api/v3/attachments.py`: the `/attachments` resource (3.27), Nova's way to attach
/// a volume since Queens. `index`, `detail`, `show`, `create` (200), `update` (200), `delete`
/// (200, the attachments left) and the `os-complete` action (3.44, 204). The list, show and
/// complete reads need no policy of their own (cinder scopes them by the volume's
/// project); create, update, delete and complete check `volume:attachment_*`.
struct AttachmentsController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "attachments")
        controller.method("index", minimum: "3.27") { request in try await list(request, detailed: false) }
        controller.method("detail", minimum: "3.27") { request in try await list(request, detailed: true) }
        controller.method("show", minimum: "3.27") { request in try await show(request) }
        controller.method("create", minimum: "3.27") { request in try await create(request) }
        controller.method("update", minimum: "3.27") { request in try await update(request) }
        controller.method("delete", minimum: "3.27") { request in try await delete(request) }
        controller.action("os-complete", minimum: "3.44") { request in try await complete(request) }
        return controller
    }

    // MARK: - Reads

    /// `show`: the detail view; the volume's `format` admin metadata joins the connection info.
    func show(_ request: APIRequest) async throws -> APIResponse {
        let attachment = try await api.attachment(id: try request.id(), caller: request.identity)
        let format = await api.attachmentVolumeFormat(attachment)
        return APIResponse(body: ["attachment": .object(AttachmentViewBuilder.detail(attachment, format: format))])
    }

    /// `index`/`detail` (`_items`): pagination and sort as every list; the filters of
    /// `resource_query_filters_file` for `attachment` (from 3.31 anything else is a 400 for
    /// non-admins, before it is dropped; admins may name any
    /// column, and a key that is not a column, `status` among them, matches nothing);
    /// `instance_id` is the `instance_uuid` column; admins see every project with
    /// `all_tenants` present (whatever its value), else their own.
    func list(_ request: APIRequest, detailed: Bool) async throws -> APIResponse {
        let isAdmin = request.identity.isAdmin
        let allTenants = isAdmin && request.queryValue("all_tenants") != nil
        var query = ListQuery(scope: allTenants ? .allProjects : .project(request.identity.projectID ?? ""))
        try ListParameters.readPaging(request, into: &query, maxLimit: api.configuration.maxLimit)
        let paging: Set<String> = ["limit", "offset", "marker", "sort", "sort_key", "sort_dir"]
        try ListParameters.checkASCII(request.query.map(\.name).filter { !paging.contains($0) }, request: request)
        var invalid: [String] = []
        for (name, value) in request.query where !paging.contains(name) {
            // cinder never takes `all_tenants` as a filter; for non-admins it changes nothing.
            if name == "all_tenants" { continue }
            let inexact = name.hasSuffix("~") && request.supports("3.34")
            let base = inexact ? String(name.dropLast()) : name
            if !isAdmin,
                !ListParameters.admits(
                    name,
                    request: request,
                    resource: "attachment",
                    filters: api.configuration.resourceFilters,
                    invalid: &invalid
                )
            {
                continue
            }
            let column = base == "instance_id" ? "instance_uuid" : base
            query.filters.append(inexact ? .contains(column, value) : .equals(column, value))
        }
        try ListParameters.rejectInvalid(invalid)
        let page = try await api.listAttachments(query)
        let items: [JSONValue] = page.items.map {
            .object(detailed ? AttachmentViewBuilder.detail($0) : AttachmentViewBuilder.summary($0))
        }
        return APIResponse(body: ["attachments": .array(items)])
    }

    // MARK: - Changes

    /// `create`: the body as `schemas/attachments.py` (`mode` from 3.54), the volume (404),
    /// `volume:attachment_create` on it, then ``VolumeAPI/createAttachment(_:caller:requestID:authorizeMultiattachBootable:)``.
    func create(_ request: APIRequest) async throws -> APIResponse {
        let body = request.body ?? .null
        let schema = AttachmentSchemas.create(version: request.version)
        if let error = schema.validate(body) { throw EmberError.badRequest(error) }
        let fields = body["attachment"]?.objectValue ?? JSONObject()
        let volumeID = fields["volume_uuid"]?.stringValue ?? ""
        let volume = try await api.volume(id: volumeID, caller: request.identity)
        try request.authorize(.volumeAttachmentCreate, target: volume.policyTarget)
        let attachment = try await api.createAttachment(
            AttachmentCreateRequest(
                volumeID: volumeID,
                instanceUUID: fields["instance_uuid"]?.stringValue,
                connector: fields["connector"],
                mode: request.supports("3.54") ? fields["mode"]?.stringValue ?? "null" : "null"
            ),
            caller: request.identity,
            requestID: request.context.requestID,
            authorizeMultiattachBootable: { volume in
                try request.authorize(.volumeMultiattachBootableVolume, target: volume.policyTarget)
            }
        )
        return APIResponse(body: ["attachment": .object(AttachmentViewBuilder.detail(attachment))])
    }

    /// `update`: the body (a connector with at least one key), the attachment (404),
    /// `volume:attachment_update` on it, then the backend connects it.
    func update(_ request: APIRequest) async throws -> APIResponse {
        let body = request.body ?? .null
        if let error = AttachmentSchemas.update.validate(body) { throw EmberError.badRequest(error) }
        let attachment = try await authorizedAttachment(request, action: .volumeAttachmentUpdate)
        let updated = try await api.updateAttachment(
            attachment,
            connector: body["attachment"]?["connector"] ?? .null,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return APIResponse(body: ["attachment": .object(AttachmentViewBuilder.detail(updated))])
    }

    /// `delete`: the attachment (404), `volume:attachment_delete` on it, then the
    /// attachments left on its volume, as summaries.
    func delete(_ request: APIRequest) async throws -> APIResponse {
        let attachment = try await authorizedAttachment(request, action: .volumeAttachmentDelete)
        let remaining = try await api.deleteAttachment(
            attachment,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return APIResponse(body: ["attachments": .array(remaining.map { .object(AttachmentViewBuilder.summary($0)) })])
    }

    /// `os-complete` (3.44): the body, the attachment and its volume (404s),
    /// `volume:attachment_complete`, then both are marked attached; 204.
    func complete(_ request: APIRequest) async throws -> APIResponse {
        let body = request.body ?? .null
        if let error = AttachmentSchemas.complete.validate(body) { throw EmberError.badRequest(error) }
        let attachment = try await api.attachment(id: try request.id(), caller: request.identity)
        _ = try await api.volume(id: attachment.volumeID, caller: request.identity)
        try request.authorize(.volumeAttachmentComplete, target: await policyTarget(attachment))
        try await api.completeAttachment(attachment, caller: request.identity)
        return .empty(.noContent)
    }

    /// The attachment the caller can see, with `action` checked on it.
    func authorizedAttachment(_ request: APIRequest, action: PolicyAction) async throws -> VolumeAttachment {
        let attachment = try await api.attachment(id: try request.id(), caller: request.identity)
        try request.authorize(action, target: await policyTarget(attachment))
        return attachment
    }

    /// cinder's `target_obj=attachment`: its id and its volume's project.
    func policyTarget(_ attachment: VolumeAttachment) async -> PolicyTarget {
        ["id": .string(attachment.id), "project_id": PolicyValue(await api.attachmentProject(attachment))]
    }
}

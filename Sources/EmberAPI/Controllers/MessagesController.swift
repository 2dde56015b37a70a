import EmberCore
import EmberVolume
import EmberWSGI

extension UserMessage {
    /// The fields a message adds to a policy target (`target_obj=message`).
    var policyTarget: PolicyTarget {
        ["id": .string(id), "project_id": .string(projectID)]
    }
}

/// `cinder/api/v3/messages.py`: the `/messages` resource (3.3): index, show and delete (204).
/// From 3.5 the list pages, sorts and filters on the message columns; from 3.31 a non-admin's
/// filters must be the `message` ones of `resource_query_filters_file` (400 otherwise).
struct MessagesController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "messages")
        controller.method("index", minimum: "3.3") { request in try await list(request) }
        controller.method("show", minimum: "3.3") { request in
            let message = try await api.messages.get(id: try request.id(), caller: request.identity)
            try request.authorize(.messageGet, target: message.policyTarget)
            return APIResponse(body: ["message": .object(Self.view(message, request: request))])
        }
        controller.method("delete", minimum: "3.3") { request in
            let message = try await api.messages.get(id: try request.id(), caller: request.identity)
            try request.authorize(.messageDelete, target: message.policyTarget)
            try await api.messages.delete(id: message.id)
            // cinder answers with a bare webob.Response(status_int=204): text/html, no
            // x-compute-request-id.
            return APIResponse(status: .noContent)
        }
        return controller
    }

    /// `index`: before 3.5 every message the caller sees (the query is ignored); from 3.5
    /// `limit`, `offset`, `marker`, `sort` and the other keys as filters on message columns
    /// (a key naming no column matches nothing, as cinder's `is_valid_model_filters`).
    func list(_ request: APIRequest) async throws -> APIResponse {
        try request.authorize(.messageGetAll)
        var query = ListQuery(scope: .allProjects, sort: [SortKey("created_at", .desc)])
        var effectiveLimit = api.configuration.maxLimit
        if request.supports("3.5") {
            try ListParameters.readPaging(request, into: &query, maxLimit: api.configuration.maxLimit)
            effectiveLimit = query.limit ?? effectiveLimit
            let paging: Set<String> = ["limit", "offset", "marker", "sort", "sort_key", "sort_dir"]
            let keys = request.query.map(\.name).filter { !paging.contains($0) }
            try ListParameters.checkASCII(keys, request: request)
            var invalid: [String] = []
            for (name, value) in request.query where !paging.contains(name) {
                if !request.identity.isAdmin && request.supports("3.31") {
                    // `all_tenants` (which cinderclient always sends) is dropped, not refused.
                    if name == "all_tenants" { continue }
                    let admitted = ListParameters.admits(
                        name,
                        request: request,
                        resource: "message",
                        filters: api.configuration.resourceFilters,
                        invalid: &invalid
                    )
                    if !admitted { continue }
                }
                if name.hasSuffix("~") {
                    query.filters.append(.contains(String(name.dropLast()), value))
                } else {
                    query.filters.append(.equals(name, value))
                }
            }
            try ListParameters.rejectInvalid(invalid)
        }
        let page = try await api.messages.list(query, caller: request.identity)
        var body: JSONObject = [
            "messages": .array(page.items.map { .object(Self.view($0, request: request)) })
        ]
        if let last = page.items.last, page.items.count >= effectiveLimit {
            body["messages_links"] = Links.next(request: request, path: "messages", marker: last.id)
        }
        return APIResponse(body: .object(body))
    }

    /// `cinder/api/v3/views/messages.py` `detail`, with the `user_message` the controller
    /// builds from the action and detail ids.
    static func view(_ message: UserMessage, request: APIRequest) -> JSONObject {
        var view: JSONObject = [
            "id": .string(message.id),
            "event_id": .string(message.eventID),
            "user_message": .optional(message.userMessage),
            "message_level": .string(message.messageLevel),
            "created_at": .optional(APITime.format(message.createdAt)),
            "guaranteed_until": .optional(APITime.format(message.expiresAt)),
            "request_id": .optional(message.requestID),
            "links": Links.make(request: request, collection: "messages", id: message.id),
        ]
        if let type = message.resourceType, !type.isEmpty { view["resource_type"] = .string(type) }
        if let uuid = message.resourceUUID, !uuid.isEmpty { view["resource_uuid"] = .string(uuid) }
        return view
    }
}

import EmberCore
import EmberVolume
import EmberWSGI
import Foundation

/// `/clusters` (3.7, `cinder/api/v3/clusters.py`): clusters of services with what their
/// services say (hosts, down hosts, last heartbeat), listed with filters, shown by name and
/// enabled or disabled. The replication fields (`replication_status`, `frozen`,
/// `active_backend_id`) show and filter from 3.26.
struct ClustersController {
    let api: VolumeAPI

    static let volumeBinary = "cinder-volume"
    static let allowedFilters: Set<String> = [
        "name", "binary", "is_up", "disabled", "num_hosts", "num_down_hosts", "replication_status", "frozen",
        "active_backend_id",
    ]
    static let replicationFilters: Set<String> = ["replication_status", "frozen", "active_backend_id"]

    func controller() -> APIController {
        var controller = APIController(name: "clusters")
        controller.method("index", minimum: "3.7") { request in try await list(request, detail: false) }
        controller.method("detail", minimum: "3.7") { request in try await list(request, detail: true) }
        controller.method("show", minimum: "3.7") { request in
            try request.authorize(.clustersGet)
            // cinder's `show(req, id, binary='cinder-volume')` takes no binary from the query.
            let cluster = try await api.services.cluster(name: try request.id(), binary: Self.volumeBinary)
            return APIResponse(body: ["cluster": detail(cluster, replication: request.supports("3.26"))])
        }
        controller.method("enable", minimum: "3.7") { request in
            let body = try request.validatedBody(ClusterSchemas.enable)
            try request.authorize(.clustersUpdate)
            return try await update(request, body, disabled: false, reason: nil)
        }
        controller.method("disable", minimum: "3.7") { request in
            let body = try request.validatedBody(ClusterSchemas.disable)
            if let reason = body["disabled_reason"]?.stringValue {
                let length = reason.trimmingCharacters(in: .whitespaces).count
                if length < 1 || length > 255 {
                    throw EmberError.badRequest(
                        "Invalid input for field/attribute disabled_reason. Value: \(reason). '\(reason)' is not a 'disabled_reason'"
                    )
                }
            }
            try request.authorize(.clustersUpdate)
            let reason = body["disabled_reason"]?.stringValue?.trimmingCharacters(in: .whitespaces)
            return try await update(request, body, disabled: true, reason: reason.flatMap { $0.isEmpty ? nil : $0 })
        }
        return controller
    }

    func list(_ request: APIRequest, detail showDetail: Bool) async throws -> APIResponse {
        try request.authorize(.clustersGetAll)
        let replication = request.supports("3.26")
        let allowed = replication ? Self.allowedFilters : Self.allowedFilters.subtracting(Self.replicationFilters)
        let invalid = Set(request.query.map(\.name)).subtracting(allowed)
        if !invalid.isEmpty {
            throw EmberError.badRequest(
                "Invalid input received: Invalid filter keys: \(invalid.sorted().joined(separator: ", "))"
            )
        }
        var filters = ClusterFilters()
        filters.name = request.queryValue("name")
        filters.binary = request.queryValue("binary")
        filters.isUp = try Self.boolParameter("is_up", request)
        filters.disabled = try Self.boolParameter("disabled", request)
        filters.numHosts = request.queryValue("num_hosts")
        filters.numDownHosts = request.queryValue("num_down_hosts")
        filters.replicationStatus = request.queryValue("replication_status")
        filters.frozen = request.queryValue("frozen")
        filters.activeBackendID = request.queryValue("active_backend_id")
        let clusters = try await api.services.clusters(filters)
        let entries = clusters.map {
            showDetail ? detail($0, replication: replication) : summary($0, replication: replication)
        }
        return APIResponse(body: ["clusters": .array(entries)])
    }

    /// cinder's `utils.get_bool_param`: an oslo boolean string, or its 400.
    static func boolParameter(_ name: String, _ request: APIRequest) throws -> Bool? {
        guard let value = request.queryValue(name) else { return nil }
        switch value.lowercased() {
        case "1", "t", "true", "on", "y", "yes": return true
        case "0", "f", "false", "off", "n", "no": return false
        default: throw EmberError.badRequest("Value '\(value)' for '\(name)' is not a boolean.")
        }
    }

    func update(_ request: APIRequest, _ body: JSONValue, disabled: Bool, reason: String?) async throws -> APIResponse {
        let name = body["name"]?.stringValue ?? ""
        let binary: String? =
            body["binary"].map { $0 == .null ? nil : $0.stringValue } ?? Self.volumeBinary
        let cluster = try await api.services.setClusterDisabled(
            name: name,
            binary: binary,
            disabled: disabled,
            reason: reason
        )
        guard case .object(var fields) = summary(cluster, replication: request.supports("3.26")) else {
            throw EmberError.internalError
        }
        fields.appendNew("disabled_reason", .optional(reason))
        return APIResponse(body: ["cluster": .object(fields)])
    }

    /// cinder's `ViewBuilder.summary`.
    func summary(_ summary: ClusterSummary, replication: Bool) -> JSONValue {
        let cluster = summary.cluster
        var fields: JSONObject = [
            "name": .string(cluster.name), "binary": .string(cluster.binary),
            "state": .string(summary.isUp ? "up" : "down"),
            "status": .string(cluster.disabled ? "disabled" : "enabled"),
        ]
        if replication { fields.appendNew("replication_status", .optional(cluster.replicationStatus)) }
        return .object(fields)
    }

    /// cinder's `ViewBuilder.detail`: dates normalised, an absent one as `""`.
    func detail(_ summary: ClusterSummary, replication: Bool) -> JSONValue {
        let cluster = summary.cluster
        var fields: JSONObject = [
            "name": .string(cluster.name), "binary": .string(cluster.binary),
            "state": .string(summary.isUp ? "up" : "down"),
            "status": .string(cluster.disabled ? "disabled" : "enabled"),
            "num_hosts": .int(summary.numHosts), "num_down_hosts": .int(summary.numDownHosts),
            "last_heartbeat": .string(APITime.format(summary.lastHeartbeat) ?? ""),
            "created_at": .string(APITime.format(cluster.createdAt) ?? ""),
            "updated_at": .string(APITime.format(cluster.updatedAt) ?? ""),
            "disabled_reason": .optional(cluster.disabledReason),
        ]
        if replication {
            fields.appendNew("replication_status", .optional(cluster.replicationStatus))
            fields.appendNew("frozen", .bool(cluster.frozen))
            fields.appendNew("active_backend_id", .optional(cluster.activeBackendID))
        }
        return .object(fields)
    }
}

/// `cinder/api/schemas/clusters.py`.
enum ClusterSchemas {
    static let name = Schema.value(types: [.string], minLength: 1, maxLength: 255, format: "name")
    static let enable = Schema.object(
        properties: [("name", name), ("binary", .value(types: [.string, .null], minLength: 0, maxLength: 255))],
        required: ["name"],
        additionalProperties: false
    )
    static let disable = Schema.object(
        properties: [
            ("name", name), ("binary", .value(types: [.string, .null], minLength: 0, maxLength: 255)),
            ("disabled_reason", .value(types: [.string, .null])),
        ],
        required: ["name"],
        additionalProperties: false
    )
}

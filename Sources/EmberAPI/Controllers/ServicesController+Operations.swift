import EmberCore
import EmberVolume
import EmberWSGI

/// `os-services` freeze, thaw, failover_host (cluster ≥ 3.26) and the log levels (3.32),
/// as `cinder/api/v3/services.py` serves them.
extension ServicesController {
    func addOperations(to controller: inout APIController) {
        controller.method("freeze") { request in
            let body = try request.validatedBody(ServiceSchemas.freezeAndThaw)
            try request.authorize(.volumeExtensionServicesUpdate)
            let (cluster, host) = try Self.clusterAndHost(request, body)
            try request.authorize(.volumeFreezeHost)
            try await api.services.freeze(
                host: host,
                cluster: cluster,
                caller: request.identity,
                requestID: request.context.requestID
            )
            return .empty(.ok)
        }
        controller.method("thaw") { request in
            let body = try request.validatedBody(ServiceSchemas.freezeAndThaw)
            try request.authorize(.volumeExtensionServicesUpdate)
            let (cluster, host) = try Self.clusterAndHost(request, body)
            try request.authorize(.volumeThawHost)
            let refusal = try await api.services.thaw(
                host: host,
                cluster: cluster,
                caller: request.identity,
                requestID: request.context.requestID
            )
            // cinder hands the backend's refusal back as the whole response body.
            if let refusal { return APIResponse(body: .string(refusal)) }
            return .empty(.ok)
        }
        controller.method("failover_host") { request in
            let body = try request.validatedBody(ServiceSchemas.failoverHost)
            try request.authorize(.volumeExtensionServicesUpdate)
            let (cluster, host) = try Self.clusterAndHost(request, body)
            try request.authorize(.volumeFailoverHost)
            try await api.services.failover(
                host: host,
                cluster: cluster,
                backendID: body["backend_id"]?.stringValue,
                caller: request.identity,
                requestID: request.context.requestID
            )
            return .accepted
        }
        controller.method("set-log", minimum: "3.32") { request in
            let body = try request.validatedBody(ServiceSchemas.setLog)
            // cinder's `level` format checker: any level given must be one it knows.
            if let level = body["level"] { _ = try LogLevels.parse(level.stringValue) }
            try request.authorize(.volumeExtensionServicesUpdate)
            try await api.services.setLogLevels(
                binary: body["binary"]?.stringValue,
                server: body["server"]?.stringValue,
                prefix: body["prefix"]?.stringValue,
                level: body["level"]?.stringValue,
                caller: request.identity,
                requestID: request.context.requestID
            )
            return .accepted
        }
        controller.method("get-log", minimum: "3.32") { request in
            let body = try request.validatedBody(ServiceSchemas.getLog)
            try request.authorize(.volumeExtensionServicesUpdate)
            let results = try await api.services.logLevels(
                binary: body["binary"]?.stringValue,
                server: body["server"]?.stringValue,
                prefix: body["prefix"]?.stringValue,
                caller: request.identity,
                requestID: request.context.requestID
            )
            let entries: [JSONValue] = results.map { result in
                var levels = JSONObject()
                for entry in result.levels { levels.appendNew(entry.name, .string(entry.level)) }
                return [
                    "host": .string(result.host), "binary": .string(result.binary), "levels": .object(levels),
                ]
            }
            return APIResponse(body: ["log_levels": .array(entries)])
        }
    }

    /// cinder's `common.get_cluster_host` with `REPLICATION_CLUSTER` (3.26): from 3.26 one and
    /// only one of `cluster` and `host`; before, `host` alone.
    static func clusterAndHost(_ request: APIRequest, _ body: JSONValue) throws -> (cluster: String?, host: String?) {
        let clustered = request.supports("3.26")
        let cluster = clustered ? body["cluster"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } : nil
        let host = body["host"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        if (cluster != nil) == (host != nil) {
            throw EmberError.badRequest(
                "Invalid input received: "
                    + (clustered ? "One and only one of cluster and host must be set." : "Host field is missing.")
            )
        }
        return (cluster, host)
    }
}

extension ServiceSchemas {
    /// `parameter_types.cinder_host`.
    static let cinderHost = Schema.value(
        types: [.string, .null],
        minLength: 1,
        maxLength: 255,
        pattern: #"^[a-zA-Z0-9-._#@:/+\[\]]*$"#
    )
    /// `parameter_types.nullable_string`.
    static let nullableString = Schema.value(types: [.string, .null], minLength: 0, maxLength: 255)
    /// `parameter_types.binary`: a log binary, empty or `*`.
    static let logBinary = Schema.value(
        types: [.string],
        choices: (ServiceAPI.logBinaries + ["", "*"]).map { .string($0) }
    )
    static let freezeAndThaw = Schema.object(
        properties: [("cluster", nullableString), ("host", cinderHost)],
        additionalProperties: false
    )
    static let failoverHost = Schema.object(
        properties: [("host", cinderHost), ("backend_id", nullableString), ("cluster", nullableString)],
        additionalProperties: false
    )
    static let setLog = Schema.object(
        properties: [
            ("binary", logBinary), ("server", nullableString), ("prefix", nullableString),
            ("level", .value(types: [.string, .null])),
        ],
        additionalProperties: false
    )
    static let getLog = Schema.object(
        properties: [("binary", logBinary), ("server", nullableString), ("prefix", nullableString)],
        additionalProperties: false
    )
}

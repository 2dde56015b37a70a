import EmberCore
import EmberVolume
import EmberWSGI

/// `scheduler-stats` (`cinder/api/contrib/scheduler_stats.py`): `GET
/// /scheduler-stats/get_pools`, the pools the scheduler knows, asked by an RPC call; names
/// only unless `detail=true`. Filters from 3.28 (`volume_type` from 3.35); from 3.31 only the
/// `pool` filters of `resource_query_filters_file`, for admins too.
struct SchedulerStatsController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "scheduler_stats")
        controller.method("get_pools") { request in
            try request.authorize(.schedulerExtensionSchedulerStatsGetPools)
            let detail = ParameterTypes.bool(request.queryValue("detail").map(JSONValue.string)) ?? false
            var filters = JSONObject()
            var keys = request.query.map(\.name).filter { $0 != "detail" }
            if request.supports("3.31") {
                // `reject_invalid_filters` for `pool` holds admins to the file too; a refused
                // `all_tenants` (which cinderclient sends) is dropped instead.
                try ListParameters.checkASCII(keys, request: request)
                let configured = api.configuration.resourceFilters
                let invalid = keys.filter {
                    !configured.allows($0, resource: "pool", inexact: request.supports("3.34"))
                }
                keys.removeAll { $0 == "all_tenants" && invalid.contains("all_tenants") }
                try ListParameters.rejectInvalid(invalid.filter { $0 != "all_tenants" })
            }
            if request.supports("3.28") {
                for (name, value) in request.query where keys.contains(name) { filters[name] = .string(value) }
            }
            // `volume_type` filters from 3.35.
            if !request.supports("3.35") { filters["volume_type"] = nil }
            let pools = try await api.caster.getPools(
                filters: filters,
                caller: request.identity,
                requestID: request.context.requestID
            )
            let entries: [JSONValue] = pools.elements.map { pool in
                detail
                    ? ["name": pool["name"] ?? .null, "capabilities": Self.capabilities(pool["capabilities"])]
                    : ["name": pool["name"] ?? .null]
            }
            return APIResponse(body: ["pools": .array(entries)])
        }
        return controller
    }

    /// The view's capabilities: null when the pool has none, and `storage_protocol` the first
    /// (preferred) of its variants when the backend lists several (`["FC", "fibre_channel"]`).
    static func capabilities(_ value: JSONValue?) -> JSONValue {
        guard case .object(var capabilities)? = value else { return value ?? .null }
        if case .array(let variants)? = capabilities["storage_protocol"] {
            capabilities["storage_protocol"] = variants.first ?? .null
        }
        return .object(capabilities)
    }
}

extension JSONValue {
    /// The elements of an array; empty for anything else.
    var elements: [JSONValue] {
        if case .array(let values) = self { return values }
        return []
    }
}

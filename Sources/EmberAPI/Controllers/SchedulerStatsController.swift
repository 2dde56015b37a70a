import EmberCore
import EmberVolume
import EmberWSGI

/// `scheduler-stats` (`cinder/api/contrib/scheduler_stats.py`): `GET
/// /scheduler-stats/get_pools`, the pools the scheduler knows, asked by an RPC call; names
/// only unless `detail=true`. Filters from 3.28.
struct SchedulerStatsController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "scheduler_stats")
        controller.method("get_pools") { request in
            try request.authorize(.schedulerExtensionSchedulerStatsGetPools)
            let detail = ParameterTypes.bool(request.queryValue("detail").map(JSONValue.string)) ?? false
            var filters = JSONObject()
            if request.supports("3.28") {
                for (name, value) in request.query where name != "detail" { filters[name] = .string(value) }
            }
            let pools = try await api.caster.getPools(
                filters: filters,
                caller: request.identity,
                requestID: request.context.requestID
            )
            let entries: [JSONValue] = pools.elements.map { pool in
                detail
                    ? ["name": pool["name"] ?? .null, "capabilities": pool["capabilities"] ?? [:]]
                    : ["name": pool["name"] ?? .null]
            }
            return APIResponse(body: ["pools": .array(entries)])
        }
        return controller
    }
}

extension JSONValue {
    /// The elements of an array; empty for anything else.
    var elements: [JSONValue] {
        if case .array(let values) = self { return values }
        return []
    }
}

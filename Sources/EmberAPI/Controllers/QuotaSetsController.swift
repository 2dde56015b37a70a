import EmberCore
import EmberStore
import EmberVolume
import EmberWSGI

/// The read side of `os-quota-sets` (`cinder/api/contrib/quotas.py`) and `GET /limits`
/// (`cinder/api/v3/limits.py` with the `used_limits` extension): what clients call at start.
struct QuotaSetsController {
    let api: VolumeAPI

    /// The fixed resources, in the order cinder's views list them.
    static let fixedResources = [
        "volumes", "per_volume_gigabytes", "snapshots", "gigabytes", "backups", "backup_gigabytes",
    ]

    func controller() -> APIController {
        var controller = APIController(name: "quota_sets")
        controller.method("show") { request in
            let projectID = try request.id()
            try Self.authorize(request, projectID: projectID)
            let usage = ParameterTypes.bool(request.queryValue("usage").map(JSONValue.string)) ?? false
            return APIResponse(body: [
                "quota_set": try await quotaSet(projectID: projectID, usage: usage, defaults: false)
            ])
        }
        controller.method("defaults") { request in
            let projectID = try request.id()
            try Self.authorize(request, projectID: projectID)
            return APIResponse(body: [
                "quota_set": try await quotaSet(projectID: projectID, usage: false, defaults: true)
            ])
        }
        return controller
    }

    /// `volume_extension:quotas:show` on the URL's project (a reader of that project, or an admin).
    static func authorize(_ request: APIRequest, projectID: String) throws {
        try request.authorize(.volumeExtensionQuotasShow, target: ["project_id": .string(projectID)])
    }

    /// The type names, newest first, as cinder's per-type resources come out.
    func typeNames() async throws -> [String] {
        let page = try await api.store.listVolumeTypes(
            ListQuery(scope: .allProjects, sort: [SortKey("created_at", .desc)])
        )
        return page.items.map(\.name)
    }

    func quotaSet(projectID: String, usage: Bool, defaults: Bool) async throws -> JSONValue {
        let names = try await typeNames()
        var limits: [String: Int]
        if defaults {
            limits = try await QuotaEngine(store: api.store, configuration: api.configuration)
                .limits(projectID: "", typeNames: names)
        } else {
            limits = try await api.quotas.limits(projectID: projectID, typeNames: names)
        }
        let usages = usage ? try await api.store.quotaUsages(projectID: projectID) : [:]
        var order = Self.fixedResources
        for name in names { order += ["volumes_\(name)", "gigabytes_\(name)", "snapshots_\(name)"] }
        order.append("groups")
        var body = JSONObject()
        for resource in order {
            let limit = limits[resource] ?? -1
            if usage {
                let used = usages[resource]
                body[resource] = [
                    "limit": .int(limit), "in_use": .int(used?.inUse ?? 0), "reserved": .int(used?.reserved ?? 0),
                ]
            } else {
                body[resource] = .int(limit)
            }
        }
        body["id"] = .string(projectID)
        return .object(body)
    }
}

/// `GET /limits` (`cinder/api/v3/limits.py`): the absolute limits; `rate` is always empty in
/// cinder 29.0.0. The `total*Used` keys come from the `os-used-limits` extension.
struct LimitsController {
    let api: VolumeAPI

    /// The project whose limits are shown: the caller's, or from 3.39 an admin's
    /// `project_id` (or `tenant_id`) query parameter.
    static func projectID(_ request: APIRequest) -> String {
        if request.supports("3.39"), request.identity.isAdmin,
            let asked = request.queryValue("project_id") ?? request.queryValue("tenant_id")
        {
            return asked
        }
        return request.identity.projectID ?? ""
    }

    func controller() -> APIController {
        var controller = APIController(name: "limits")
        controller.method("index") { request in
            let limits = try await api.quotas.limits(projectID: Self.projectID(request), typeNames: [])
            let absolute: JSONObject = [
                "maxTotalVolumes": .int(limits["volumes"] ?? -1),
                "maxTotalSnapshots": .int(limits["snapshots"] ?? -1),
                "maxTotalVolumeGigabytes": .int(limits["gigabytes"] ?? -1),
                "maxTotalBackups": .int(limits["backups"] ?? -1),
                "maxTotalBackupGigabytes": .int(limits["backup_gigabytes"] ?? -1),
            ]
            return APIResponse(body: ["limits": ["rate": [], "absolute": .object(absolute)]])
        }
        return controller
    }

    /// `os-used-limits` (`cinder/api/contrib/used_limits.py`): adds the usage to `absolute`.
    func usedLimitsExtension() -> APIController {
        var controller = APIController(name: "limits")
        controller.extend("index") { request, response in
            // The totals appear only when `limits_extension:used_limits` allows.
            guard request.allows(.limitsExtensionUsedLimits) else { return }
            let usages = try await api.store.quotaUsages(projectID: Self.projectID(request))
            guard var body = response.body?.objectValue, var limits = body["limits"]?.objectValue,
                var absolute = limits["absolute"]?.objectValue
            else { return }
            let used: [(String, String)] = [
                ("totalVolumesUsed", "volumes"), ("totalGigabytesUsed", "gigabytes"),
                ("totalSnapshotsUsed", "snapshots"), ("totalBackupsUsed", "backups"),
                ("totalBackupGigabytesUsed", "backup_gigabytes"),
            ]
            for (key, resource) in used { absolute[key] = .int(usages[resource]?.inUse ?? 0) }
            limits["absolute"] = .object(absolute)
            body["limits"] = .object(limits)
            response.body = .object(body)
        }
        return controller
    }
}

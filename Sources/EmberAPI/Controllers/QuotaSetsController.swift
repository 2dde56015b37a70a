import EmberCore
import EmberVolume
import EmberWSGI
import Foundation

/// The read side of `os-quota-sets` (`cinder/api/contrib/quotas.py`) and `GET /limits`
/// (`cinder/api/v3/limits.py` with the `used_limits` extension): what clients call at start.
struct QuotaSetsController {
    let api: VolumeAPI

    /// The fixed resources, in the order cinder's views list them.
    static let fixedResources = [
        "volumes", "per_volume_gigabytes", "snapshots", "gigabytes", "backups", "backup_gigabytes",
    ]

    /// Every resource in the order cinder's views list them: the fixed ones, the per-type
    /// ones for each type name, then `groups`.
    static func resourceOrder(typeNames: [String]) -> [String] {
        var order = fixedResources
        for name in typeNames { order += ["volumes_\(name)", "gigabytes_\(name)", "snapshots_\(name)"] }
        order.append("groups")
        return order
    }

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
        controller.method("update") { request in
            let projectID = try request.id()
            try request.authorize(.volumeExtensionQuotasUpdate, target: ["project_id": .string(projectID)])
            if projectID.count > 255 {
                throw EmberError.badRequest("quota_set_name has a maximum length of 255 characters.")
            }
            let names = try await api.quotaSets.typeNames()
            let values = try Self.validQuotaSet(request.body, typeNames: names, keyword: "quota set")
            try await api.quotaSets.update(projectID: projectID, limits: values)
            var body = try await quotaSet(projectID: projectID, usage: false, defaults: false).objectValue ?? [:]
            // cinder's update answer has no `id`.
            body = JSONObject(uniqueEntries: body.entries.filter { $0.key != "id" }.map { ($0.key, $0.value) })
            return APIResponse(body: ["quota_set": .object(body)])
        }
        controller.method("delete") { request in
            let projectID = try request.id()
            try request.authorize(.volumeExtensionQuotasDelete, target: ["project_id": .string(projectID)])
            try await api.quotaSets.delete(projectID: projectID)
            return .empty(.ok)
        }
        return controller
    }

    /// `{"quota_set": {resource: limit, …}}` checked as cinder's `quota_set` format checker
    /// does: known resources only (`id`/`tenant_id` ignored), integers from -1 up.
    static func validQuotaSet(
        _ body: JSONValue?,
        typeNames: [String],
        keyword: String
    ) throws -> [(resource: String, limit: Int)] {
        let key = keyword == "quota set" ? "quota_set" : "quota_class_set"
        guard case .object(let outer)? = body, outer.count == 1, case .object(let set)? = outer[key] else {
            if case .object(let outer)? = body, outer[key] == nil {
                throw EmberError.badRequest("'\(key)' is a required property")
            }
            throw EmberError.badRequest(
                "Invalid input for field/attribute \(key). Value: \(body?.pythonRepr ?? "None")."
            )
        }
        guard set.count >= 1 else {
            throw EmberError.badRequest("Invalid input for field/attribute \(key). Value: {}. {} should be non-empty")
        }
        var known = Set(fixedResources + ["groups"])
        for name in typeNames { known.formUnion(["volumes_\(name)", "gigabytes_\(name)", "snapshots_\(name)"]) }
        let ignored: Set<String> = keyword == "quota set" ? ["id", "tenant_id"] : []
        let bad = set.keys.filter { !known.contains($0) && !ignored.contains($0) }
        if !bad.isEmpty {
            throw EmberError.badRequest(
                "Invalid input received: Bad key(s) in \(keyword): \(bad.joined(separator: ", "))"
            )
        }
        var values: [(resource: String, limit: Int)] = []
        for (resource, value) in set.entries where !ignored.contains(resource) {
            let number: Int?
            switch value {
            case .int(let int): number = int
            case .string(let text):
                // The quota class schema's `pattern: ^[0-9]*$` on string values.
                if keyword != "quota set", !text.allSatisfy({ ("0"..."9").contains($0) }) {
                    throw EmberError.badRequest(
                        "Invalid input for field/attribute \(resource). Value: \(text). \(value.pythonRepr) does not match '^[0-9]*$'"
                    )
                }
                number = Int(text.trimmingCharacters(in: .whitespaces))
            default: number = nil
            }
            // oslo's validate_integer, as cinder 29.0.0 words it (no full stop).
            guard let number else { throw EmberError.badRequest("\(resource) must be an integer") }
            if number < -1 { throw EmberError.badRequest("\(resource) must be >= -1") }
            if number > 2_147_483_647 { throw EmberError.badRequest("\(resource) must be <= 2147483647") }
            values.append((resource, number))
        }
        return values
    }

    /// `volume_extension:quotas:show` on the URL's project (a reader of that project, or an admin).
    static func authorize(_ request: APIRequest, projectID: String) throws {
        try request.authorize(.volumeExtensionQuotasShow, target: ["project_id": .string(projectID)])
    }

    func quotaSet(projectID: String, usage: Bool, defaults: Bool) async throws -> JSONValue {
        let names = try await api.quotaSets.typeNames()
        let limits = try await api.quotaSets.limits(projectID: projectID, typeNames: names, defaults: defaults)
        let usages = usage ? try await api.quotaSets.usages(projectID: projectID) : [:]
        let order = Self.resourceOrder(typeNames: names)
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
            let limits = try await api.quotaSets.limits(projectID: Self.projectID(request), typeNames: [])
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
            let usages = try await api.quotaSets.usages(projectID: Self.projectID(request))
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

/// `os-quota-class-sets` (`cinder/api/contrib/quota_classes.py`): a quota class's limits (the
/// defaults where the class sets none) and setting them; the `default` class overrides the
/// configured defaults while `use_default_quota_class` is on.
struct QuotaClassSetsController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "quota_class_sets")
        controller.method("show") { request in
            try request.authorize(.volumeExtensionQuotaClassesGet)
            let name = try request.id()
            var body = try await classSet(name)
            body.appendNew("id", .string(name))
            return APIResponse(body: ["quota_class_set": .object(body)])
        }
        controller.method("update") { request in
            try request.authorize(.volumeExtensionQuotaClassesUpdate)
            let name = try request.id()
            if name.count > 255 {
                throw EmberError.badRequest("quota_class_name has a maximum length of 255 characters.")
            }
            let names = try await api.quotaSets.typeNames()
            let values = try QuotaSetsController.validQuotaSet(
                request.body,
                typeNames: names,
                keyword: "quota class set"
            )
            try await api.quotaSets.updateClass(name: name, limits: values)
            return APIResponse(body: ["quota_class_set": .object(try await classSet(name))])
        }
        return controller
    }

    /// `QUOTAS.get_class_quotas`: every resource, the class's limit or the default.
    func classSet(_ name: String) async throws -> JSONObject {
        let names = try await api.quotaSets.typeNames()
        let limits = try await api.quotaSets.classLimits(name: name)
        let order = QuotaSetsController.resourceOrder(typeNames: names)
        return JSONObject(uniqueEntries: order.map { ($0, .int(limits[$0] ?? -1)) })
    }
}

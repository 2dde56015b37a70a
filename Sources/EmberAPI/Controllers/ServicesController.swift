import EmberCore
import EmberVolume
import EmberWSGI
import Foundation

/// `os-services` (`cinder/api/v3/services.py`): the services and their state from heartbeats,
/// and enabling or disabling one. With `os-extended-services` loaded the list carries the
/// detailed fields and `disable-log-reason` works.
struct ServicesController {
    let api: VolumeAPI
    let extended: Bool

    static let volumeBinary = "cinder-volume"

    func controller() -> APIController {
        var controller = APIController(name: "services")
        controller.method("index") { request in
            try request.authorize(.volumeExtensionServicesIndex)
            let host = request.queryValue("host")
            let services = try await api.services.list(host: host, binary: request.queryValue("binary"))
            let now = api.services.now
            let entries = services.map { view($0, request: request, now: now) }
            return APIResponse(body: ["services": .array(entries)])
        }
        controller.method("enable") { request in
            try await setDisabled(request, disabled: false, rule: "enable")
        }
        controller.method("disable") { request in
            try await setDisabled(request, disabled: true, rule: "disable")
        }
        controller.method("disable-log-reason") { request in
            guard extended else { throw EmberError.badRequest("Invalid input received: Unknown action") }
            return try await setDisabled(request, disabled: true, rule: "disable-log-reason")
        }
        addOperations(to: &controller)
        return controller
    }

    func view(_ service: ServiceRecord, request: APIRequest, now: Date) -> JSONValue {
        let alive = api.services.isUp(service, now: now)
        var updatedAt = service.updatedAt
        if let modified = service.modifiedAt {
            // cinder shows the admin change when it is more recent than the heartbeat.
            let sinceHeartbeat = abs(now.timeIntervalSince(service.updatedAt ?? service.createdAt))
            if sinceHeartbeat >= abs(now.timeIntervalSince(modified)) { updatedAt = modified }
        }
        var fields: JSONObject = [
            "binary": .string(service.binary), "host": .string(service.host),
            "zone": .string(service.availabilityZone), "status": .string(service.disabled ? "disabled" : "enabled"),
            "state": .string(alive ? "up" : "down"), "updated_at": .optional(APITime.format(updatedAt)),
        ]
        if request.supports("3.49"), service.binary == Self.volumeBinary {
            // The scheduler's pools report `backend_state` up unless a driver says otherwise;
            // Ember's drivers do not, so a live volume service's backend is up.
            fields.appendNew("backend_state", alive ? "up" : .null)
        }
        if request.supports("3.7") { fields.appendNew("cluster", .optional(service.clusterName)) }
        if extended {
            fields.appendNew("disabled_reason", .optional(service.disabledReason))
            if service.binary == Self.volumeBinary {
                fields.appendNew("replication_status", .optional(service.replicationStatus))
                fields.appendNew("active_backend_id", .optional(service.activeBackendID))
                fields.appendNew("frozen", .bool(service.frozen))
            }
        }
        return .object(fields)
    }

    /// `enable`, `disable` and `disable-log-reason`: `{"host", "binary"}` (or the deprecated
    /// `service`), plus `disabled_reason`. cinder 29.0.0 forgets to change the flag on
    /// enable/disable; Ember changes it, which is what the call is for.
    func setDisabled(_ request: APIRequest, disabled: Bool, rule: String) async throws -> APIResponse {
        try request.authorize(.volumeExtensionServicesUpdate)
        let schema = rule == "disable-log-reason" ? ServiceSchemas.disableLogReason : ServiceSchemas.enableAndDisable
        let body = try request.validatedBody(schema)
        guard let host = body["host"]?.stringValue, !host.isEmpty else {
            throw EmberError.badRequest("Invalid input received: Host field is missing.")
        }
        let serviceKey = body["service"]?.stringValue ?? ""
        let binary = body["binary"]?.stringValue ?? ""
        let reason = body["disabled_reason"]?.stringValue
        _ = try await api.services.setDisabled(
            host: host,
            binary: binary.isEmpty ? serviceKey : binary,
            disabled: disabled,
            reason: reason
        )
        var result: JSONObject = [
            "host": .string(host), "service": .string(serviceKey), "binary": .string(binary),
            "status": .string(disabled ? "disabled" : "enabled"), "disabled": .bool(disabled),
        ]
        if rule == "disable-log-reason" { result.appendNew("disabled_reason", .optional(reason)) }
        return APIResponse(body: .object(result))
    }
}

/// `cinder/api/schemas/services.py`.
enum ServiceSchemas {
    static let common: [(String, Schema)] = [
        ("binary", .value(types: [.string], minLength: 1, maxLength: 255)),
        ("host", .value(types: [.string, .null], minLength: 1, maxLength: 255)),
        ("cluster", .value(types: [.string, .null])),
        ("service", .value(types: [.string], minLength: 1, maxLength: 255)),
    ]
    static let enableAndDisable = Schema.object(
        properties: common,
        additionalProperties: false,
        anyOfRequired: ["binary", "service"]
    )
    static let disableLogReason = Schema.object(
        properties: common + [("disabled_reason", .value(types: [.string], minLength: 1, maxLength: 255))],
        additionalProperties: false,
        anyOfRequired: ["binary", "service"]
    )
}

/// `os-hosts` (`cinder/api/contrib/hosts.py`): the enabled services by host, and one host's
/// per-project volume usage.
struct HostsController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "hosts")
        controller.method("index") { request in
            try request.authorize(.volumeExtensionHosts)
            var services = try await api.services.list(disabled: false)
            if let zone = request.queryValue("zone"), !zone.isEmpty {
                services = services.filter { $0.availabilityZone == zone }
            }
            let now = api.services.now
            let hosts: [JSONValue] = services.map { service in
                let alive = api.services.isUp(service, now: now)
                return [
                    "service-status": .string(alive ? "available" : "unavailable"),
                    "service": .string(service.binary), "zone": .string(service.availabilityZone),
                    "service-state": .string(service.disabled ? "disabled" : "enabled"),
                    "host_name": .string(service.host), "last-update": .optional(APITime.format(service.updatedAt)),
                ]
            }
            return APIResponse(body: ["hosts": .array(hosts)])
        }
        controller.method("show") { request in
            try request.authorize(.volumeExtensionHosts)
            let host = try request.id()
            // `Service.get_by_host_and_topic`: the host filter at the level the id implies (a
            // bare host finds its backends), topic cinder-volume; then `volume_get_all_by_host`:
            // the volumes on that service's host or one of its pools, and their snapshots.
            let (_, volumes, snapshots) = try await api.services.resources(onHost: host)
            typealias Usage = (volumes: Int, volumeGB: Int, snapshots: Int, snapshotGB: Int)
            var perProject: [String: Usage] = [:]
            for volume in volumes {
                perProject[volume.projectID ?? "", default: (0, 0, 0, 0)].volumes += 1
                perProject[volume.projectID ?? "", default: (0, 0, 0, 0)].volumeGB += volume.size
            }
            for snapshot in snapshots {
                perProject[snapshot.projectID ?? "", default: (0, 0, 0, 0)].snapshots += 1
                perProject[snapshot.projectID ?? "", default: (0, 0, 0, 0)].snapshotGB += snapshot.volumeSize ?? 0
            }
            func resource(_ project: String, _ usage: Usage) -> JSONValue {
                [
                    "resource": [
                        "host": .string(host), "project": .string(project),
                        "volume_count": .string(String(usage.volumes)),
                        "total_volume_gb": .string(String(usage.volumeGB)),
                        "snapshot_count": .string(String(usage.snapshots)),
                        "total_snapshot_gb": .string(String(usage.snapshotGB)),
                    ]
                ]
            }
            let total = perProject.values.reduce((0, 0, 0, 0)) {
                ($0.0 + $1.volumes, $0.1 + $1.volumeGB, $0.2 + $1.snapshots, $0.3 + $1.snapshotGB)
            }
            var resources = [resource("(total)", total)]
            for (project, usage) in perProject.sorted(by: { $0.key < $1.key }) {
                resources.append(resource(project, usage))
            }
            return APIResponse(body: ["host": .array(resources)])
        }
        controller.method("update") { request in try await update(request) }
        return controller
    }
}

extension HostsController {
    /// `PUT /os-hosts/{host}` with `{"status": "enable"|"disable"}`: the body checked as
    /// cinder's `HostController.update` checks it (400 "Invalid status: …", "Invalid update
    /// setting: …"), then every volume service of the host enabled or disabled, answered
    /// `{"host", "status"}` as cinder's `_set_enabled_status`. cinder 29.0.0's volume API
    /// raises NotImplementedError there (a 500); Ember does what the call asks.
    func update(_ request: APIRequest) async throws -> APIResponse {
        try request.authorize(.volumeExtensionHosts)
        let host = try request.id()
        guard case .object(let body)? = request.body else {
            throw EmberError.badRequest("Malformed request body")
        }
        var enable: Bool?
        for entry in body.entries {
            let key = entry.key.lowercased().trimmingWhitespace()
            guard key == "status" else {
                throw EmberError.badRequest("Invalid update setting: '\(entry.key)'")
            }
            let value = entry.value.stringValue?.lowercased().trimmingWhitespace() ?? ""
            guard value == "enable" || value == "disable" else {
                throw EmberError.badRequest("Invalid status: '\(entry.value.stringValue ?? entry.value.serialized())'")
            }
            enable = value == "enable"
        }
        guard let enable else { return APIResponse(body: [:]) }
        let services = try await api.services.list(host: host, binary: ServicesController.volumeBinary)
        guard !services.isEmpty else { throw EmberError.notFound("Host \(host) could not be found.") }
        for service in services {
            _ = try await api.services.setDisabled(
                host: service.host,
                binary: service.binary,
                disabled: !enable,
                reason: nil
            )
        }
        return APIResponse(body: ["host": .string(host), "status": .string(enable ? "enabled" : "disabled")])
    }
}

/// `os-availability-zone` (`cinder/api/contrib/availability_zones.py`): the zones of the
/// volume services; a zone is available while any of its services is enabled.
struct AvailabilityZonesController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "availability_zones")
        controller.method("index") { _ in
            let services = try await api.services.list(topic: "cinder-volume")
            var zones: [(name: String, disabled: Bool)] = []
            for service in services {
                if let index = zones.firstIndex(where: { $0.name == service.availabilityZone }) {
                    zones[index].disabled = zones[index].disabled && service.disabled
                } else {
                    zones.append((service.availabilityZone, service.disabled))
                }
            }
            let info: [JSONValue] = zones.map {
                ["zoneName": .string($0.name), "zoneState": ["available": .bool(!$0.disabled)]]
            }
            return APIResponse(body: ["availabilityZoneInfo": .array(info)])
        }
        return controller
    }
}

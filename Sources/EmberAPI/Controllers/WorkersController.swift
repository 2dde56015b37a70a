import EmberCore
import EmberVolume
import EmberWSGI
import Foundation

/// `POST /workers/cleanup` (3.24, `cinder/api/v3/workers.py`): ask live services to clean up
/// what dead ones left in transitional states; the answer lists the services asked
/// (`cleaning`) and those nobody could clean for (`unavailable`).
struct WorkersController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "workers")
        controller.method("cleanup", minimum: "3.24") { request in
            let body = try request.validatedBody(WorkerSchemas.cleanup)
            try request.authorize(.workersCleanup)
            var cleanup = CleanupRequest(
                clusterName: body["cluster_name"]?.stringValue,
                host: body["host"]?.stringValue,
                binary: body["binary"]?.stringValue,
                isUp: Self.bool(body["is_up"]) ?? false,
                disabled: Self.bool(body["disabled"]),
                resourceID: body["resource_id"]?.stringValue,
                until: api.services.now
            )
            if let id = body["service_id"] {
                switch id {
                case .int(let value): cleanup.serviceID = value
                case .string(let text) where !text.isEmpty: cleanup.serviceID = Int(text)
                default: break
                }
            }
            if let type = body["resource_type"]?.stringValue, !type.isEmpty {
                // Python's `str.title()`: `volume` and `VOLUME` name `Volume`.
                let titled = type.prefix(1).uppercased() + type.dropFirst().lowercased()
                guard ServiceAPI.cleanableTypes.contains(titled) else {
                    throw EmberError.badRequest(
                        "Invalid input received: Resource type \(titled) not valid, must be \(ServiceAPI.cleanableTypes.joined(separator: " or "))"
                    )
                }
                cleanup.resourceType = titled
            }
            let reply = try await api.services.workCleanup(
                cleanup,
                caller: request.identity,
                requestID: request.context.requestID
            )
            func view(_ services: [CleanupService]) -> JSONValue {
                .array(
                    services.map { service in
                        [
                            "id": .int(service.id), "host": .string(service.host), "binary": .string(service.binary),
                            "cluster_name": .optional(service.clusterName),
                        ]
                    }
                )
            }
            return APIResponse(
                status: .accepted,
                body: ["cleaning": view(reply.cleaning), "unavailable": view(reply.unavailable)]
            )
        }
        return controller
    }

    /// oslo's `bool_from_string` on what the schema let through (`parameter_types.boolean`).
    static func bool(_ value: JSONValue?) -> Bool? {
        switch value {
        case .bool(let flag)?: flag
        case .string(let text)?: ["true", "1", "on", "yes", "y", "t"].contains(text.lowercased())
        default: nil
        }
    }
}

/// `cinder/api/schemas/workers.py`.
enum WorkerSchemas {
    static let hostname = Schema.value(
        types: [.string, .null],
        minLength: 1,
        maxLength: 255,
        pattern: "^[a-zA-Z0-9-._#@:/+]*$"
    )
    static let boolean = Schema.value(
        types: [.boolean, .string],
        choices: [
            true, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes", "y", "t", false, "False", "FALSE",
            "false", "0", "OFF", "Off", "off", "NO", "No", "no", "n", "f",
        ]
    )
    static let cleanup = Schema.object(
        properties: [
            ("cluster_name", hostname), ("disabled", boolean), ("host", hostname), ("is_up", boolean),
            ("binary", .value(types: [], choices: ["cinder-volume", "cinder-scheduler"])),
            ("resource_id", .oneOf([.value(types: [.null]), .value(types: [.string], format: "uuid")])),
            ("resource_type", .value(types: [.string, .null], minLength: 0, maxLength: 40)),
            ("service_id", .value(types: [.integer, .string, .null], maxLength: 11, pattern: "^[0-9]*$")),
        ],
        additionalProperties: false
    )
}

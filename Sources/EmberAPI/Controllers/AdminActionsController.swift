import EmberBus
import EmberCore
import EmberVolume
import EmberWSGI

/// `os-admin-actions` (`cinder/api/contrib/admin_actions.py`): the admin's escape hatches on
/// volumes (`os-reset_status`, `os-force_delete`, `os-force_detach`) and snapshots
/// (`os-reset_status`, `os-force_delete`), each under its own admin-only policy.
struct AdminActionsController {
    let api: VolumeAPI

    /// `c_fields.VolumeStatus.ALL`, in cinder's order (its error message lists them so).
    static let volumeStatuses = [
        "creating", "available", "deleting", "error", "error_deleting", "error_managing", "managing", "attaching",
        "in-use", "detaching", "maintenance", "restoring-backup", "error_restoring", "reserved", "awaiting-transfer",
        "backing-up", "error_backing-up", "error_extending", "downloading", "uploading", "retyping", "extending",
    ]
    static let attachStatuses = ["attached", "detached"]
    static let migrationStatuses = ["migrating", "error", "success", "completing", "none", "starting"]
    static let snapshotStatuses = [
        "error", "available", "creating", "deleting", "deleted", "updating", "error_deleting", "unmanaging",
        "backing-up", "restoring",
    ]

    /// Python's repr of a tuple of strings, as cinder's messages print `ALL`.
    static func tuple(_ values: [String]) -> String {
        "(" + values.map { "'\($0)'" }.joined(separator: ", ") + ")"
    }

    func volumeActions() -> APIController {
        var controller = APIController(name: "volumes")
        controller.action("os-reset_status") { request in
            let body = try request.validatedBody(AdminActionSchemas.resetVolume)["os-reset_status"] ?? .null
            let status = body["status"]?.stringValue?.lowercased()
            let attach = body["attach_status"]?.stringValue?.lowercased()
            let migration = body["migration_status"]?.stringValue?.lowercased()
            try Self.check(status, in: Self.volumeStatuses, what: "Volume status")
            try Self.check(attach, in: Self.attachStatuses, what: "Volume attach status")
            try Self.check(migration, in: Self.migrationStatuses, what: "Volume migration status")
            if (status ?? "").isEmpty && (attach ?? "").isEmpty && (migration ?? "").isEmpty {
                throw EmberError.badRequest("Must specify 'status', 'attach_status' or 'migration_status' for update.")
            }
            let volume = try await adminVolume(request, rule: .volumeExtensionVolumeAdminActionsResetStatus)
            try await api.resetVolumeStatus(
                volume,
                status: status.flatMap { $0.isEmpty ? nil : VolumeStatus(rawValue: $0) },
                attachStatus: attach.flatMap { $0.isEmpty ? nil : VolumeAttachStatus(rawValue: $0) },
                migrationStatus: migration.flatMap { $0.isEmpty ? nil : $0 }
            )
            return .empty(.accepted)
        }
        controller.action("os-force_delete") { request in
            _ = try request.validatedBody(AdminActionSchemas.forceDelete)
            let volume = try await adminVolume(request, rule: .volumeExtensionVolumeAdminActionsForceDelete)
            try await api.deleteVolume(
                id: volume.id,
                cascade: false,
                force: true,
                caller: request.identity,
                requestID: request.context.requestID
            )
            return .empty(.accepted)
        }
        controller.action("os-force_detach") { request in
            let body = try request.validatedBody(AdminActionSchemas.forceDetach)["os-force_detach"] ?? .null
            let volume = try await adminVolume(request, rule: .volumeExtensionVolumeAdminActionsForceDetach)
            do {
                try await api.terminateConnection(
                    id: volume.id,
                    connector: body["connector"] ?? .null,
                    caller: request.identity,
                    requestID: request.context.requestID
                )
            } catch let error as BusError {
                if case .remote = error {
                    throw EmberError(status: 500, message: "Unable to terminate volume connection from backend.")
                }
                throw error
            }
            try await api.detach(
                id: volume.id,
                attachmentID: body["attachment_id"]?.stringValue,
                caller: request.identity,
                requestID: request.context.requestID,
                errorPrefix: "Error force detaching volume"
            )
            return .empty(.accepted)
        }
        controller.action("os-migrate_volume") { request in
            let cluster = request.supports("3.16")
            let body =
                try request.validatedBody(
                    cluster ? AdminActionSchemas.migrateVolumeV316 : AdminActionSchemas.migrateVolume
                )[
                    "os-migrate_volume"
                ] ?? .null
            let volume = try await adminVolume(request, rule: .volumeExtensionVolumeAdminActionsMigrateVolume)
            // `common.get_cluster_host`: one and only one of host and cluster (from 3.16).
            let host = body["host"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            let clusterName = cluster ? body["cluster"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } : nil
            if (host == nil) == (clusterName == nil) {
                throw EmberError.badRequest(
                    "Invalid input received: "
                        + (cluster ? "One and only one of cluster and host must be set." : "Host field is missing.")
                )
            }
            try await api.migrateVolume(
                id: volume.id,
                host: host,
                cluster: clusterName,
                forceHostCopy: ParameterTypes.bool(body["force_host_copy"]) ?? false,
                lockVolume: ParameterTypes.bool(body["lock_volume"]) ?? false,
                caller: request.identity,
                requestID: request.context.requestID
            )
            return .empty(.accepted)
        }
        controller.action("os-migrate_volume_completion") { request in
            let body =
                try request.validatedBody(AdminActionSchemas.migrateVolumeCompletion)["os-migrate_volume_completion"]
                ?? .null
            let volume = try await adminVolume(
                request,
                rule: .volumeExtensionVolumeAdminActionsMigrateVolumeCompletion
            )
            let saved = try await api.migrateVolumeCompletion(
                id: volume.id,
                newVolumeID: body["new_volume"]?.stringValue ?? "",
                error: Self.truthy(body["error"]),
                caller: request.identity,
                requestID: request.context.requestID
            )
            return APIResponse(status: .ok, body: ["save_volume_id": .string(saved)])
        }
        addExtendVolumeCompletion(to: &controller)
        return controller
    }

    /// Python truthiness of `params.get('error', False)`: a non-empty string or `true`.
    static func truthy(_ value: JSONValue?) -> Bool {
        switch value {
        case .bool(let flag)?: flag
        case .string(let text)?: !text.isEmpty
        default: false
        }
    }

    func snapshotActions() -> APIController {
        var controller = APIController(name: "snapshots")
        controller.action("os-reset_status") { request in
            let body = try request.validatedBody(AdminActionSchemas.resetSnapshot)["os-reset_status"] ?? .null
            let status = body["status"]?.stringValue?.lowercased() ?? ""
            guard let value = SnapshotStatus(rawValue: status), Self.snapshotStatuses.contains(status) else {
                throw EmberError.badRequest(
                    "Snapshot status: \(body["status"]?.stringValue ?? "None") is invalid, valid statuses are: "
                        + "\(Self.tuple(Self.snapshotStatuses))."
                )
            }
            let snapshot = try await api.snapshots.get(id: try request.id(), caller: request.identity)
            try request.authorize(.volumeExtensionSnapshotAdminActionsResetStatus, target: snapshot.policyTarget)
            try await api.snapshots.resetStatus(snapshot, to: value)
            return .empty(.accepted)
        }
        controller.action("os-force_delete") { request in
            _ = try request.validatedBody(AdminActionSchemas.forceDelete)
            let snapshot = try await api.snapshots.get(id: try request.id(), caller: request.identity)
            try request.authorize(.volumeExtensionSnapshotAdminActionsForceDelete, target: snapshot.policyTarget)
            try await api.snapshots.delete(
                id: snapshot.id,
                force: true,
                caller: request.identity,
                requestID: request.context.requestID
            )
            return .empty(.accepted)
        }
        return controller
    }

    /// The volume (404 when missing) and the admin rule on it (403).
    func adminVolume(_ request: APIRequest, rule: PolicyAction) async throws -> Volume {
        let volume = try await api.volume(id: try request.id(), caller: request.identity)
        try request.authorize(rule, target: volume.policyTarget)
        return volume
    }

    /// cinder's status format checkers: a value outside the list is a 400 naming them all.
    static func check(_ value: String?, in allowed: [String], what: String) throws {
        guard let value, !value.isEmpty, !allowed.contains(value) else { return }
        throw EmberError.badRequest("\(what): \(value) is invalid, valid statuses are: \(tuple(allowed)).")
    }
}

/// `cinder/api/schemas/admin_actions.py`.
enum AdminActionSchemas {
    static let nullableString = Schema.value(types: [.string, .null])
    static let resetVolume = Schema.object(
        properties: [
            (
                "os-reset_status",
                .object(
                    properties: [
                        ("status", nullableString), ("attach_status", nullableString),
                        ("migration_status", nullableString),
                    ],
                    additionalProperties: false
                )
            )
        ],
        required: ["os-reset_status"],
        additionalProperties: false
    )
    static let resetSnapshot = Schema.object(
        properties: [
            (
                "os-reset_status",
                .object(
                    properties: [("status", .value(types: [.string]))],
                    required: ["status"],
                    additionalProperties: false
                )
            )
        ],
        required: ["os-reset_status"],
        additionalProperties: false
    )
    static func migrate(_ properties: [(String, Schema)], required: [String]) -> Schema {
        .object(
            properties: [
                ("os-migrate_volume", .object(properties: properties, required: required, additionalProperties: false))
            ],
            required: ["os-migrate_volume"],
            additionalProperties: false
        )
    }
    static let migrateVolume = migrate(
        [
            ("host", .value(types: [.string], maxLength: 255)), ("force_host_copy", ParameterTypes.boolean),
            ("lock_volume", ParameterTypes.boolean),
        ],
        required: ["host"]
    )
    static let migrateVolumeV316 = migrate(
        [
            ("host", .value(types: [.string, .null], maxLength: 255)), ("force_host_copy", ParameterTypes.boolean),
            ("lock_volume", ParameterTypes.boolean),
            ("cluster", .value(types: [.string, .null], minLength: 0, maxLength: 255)),
        ],
        required: []
    )
    static let migrateVolumeCompletion = Schema.object(
        properties: [
            (
                "os-migrate_volume_completion",
                .object(
                    properties: [
                        ("new_volume", .value(types: [.string], format: "uuid")),
                        ("error", .value(types: [.string, .null, .boolean])),
                    ],
                    required: ["new_volume"],
                    additionalProperties: false
                )
            )
        ],
        required: ["os-migrate_volume_completion"],
        additionalProperties: false
    )
    static let forceDelete = Schema.object(
        properties: [("os-force_delete", .value(types: []))],
        required: ["os-force_delete"],
        additionalProperties: false
    )
    static let forceDetach = Schema.object(
        properties: [
            (
                "os-force_detach",
                .object(
                    properties: [
                        ("connector", .value(types: [.string, .object, .null])), ("attachment_id", nullableString),
                    ],
                    additionalProperties: false
                )
            )
        ],
        required: ["os-force_detach"],
        additionalProperties: false
    )
}

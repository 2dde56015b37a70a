import EmberCore
import EmberVolume
import EmberWSGI

extension Backup {
    /// The fields a backup adds to a policy target.
    var policyTarget: PolicyTarget {
        ["id": .string(id), "project_id": PolicyValue(projectID), "user_id": PolicyValue(userID)]
    }
}

/// `cinder/api/v3/backups.py` over `cinder/api/contrib/backups.py`: the `/backups` resource
/// (index, detail, show, create, update 3.9, delete), the `backups` extension's restore,
/// export_record and import_record, and the admin actions `os-reset_status` and
/// `os-force_delete` (`BackupAdminController`).
struct BackupsController {
    let api: VolumeAPI

    /// Every filter an admin may use (the resource's columns and filters). Non-admins may use
    /// what `resource_query_filters_file` configures for `backup`.
    static let adminFilters: Set<String> = [
        "name", "status", "volume_id",
        "id", "description", "project_id", "user_id", "host", "availability_zone", "container", "parent_id",
        "size", "object_count", "snapshot_id", "restore_volume_id", "encryption_key_id", "created_at",
        "updated_at", "data_timestamp", "metadata",
    ]

    func controller() -> APIController {
        var controller = APIController(name: "backups")
        controller.method("index") { request in try await list(request, detailed: false) }
        controller.method("detail") { request in try await list(request, detailed: true) }
        controller.method("show") { request in
            let backup = try await authorizedBackup(request, action: .backupGet)
            return APIResponse(body: ["backup": .object(detail(backup, request))])
        }
        controller.method("create") { request in try await create(request) }
        controller.method("update", minimum: "3.9") { request in try await update(request) }
        controller.method("delete") { request in
            let backup = try await authorizedBackup(request, action: .backupDelete)
            try await api.backups.delete(
                backup,
                force: false,
                caller: request.identity,
                requestID: request.context.requestID
            )
            return .accepted
        }
        controller.method("restore") { request in try await restore(request) }
        controller.method("export_record") { request in
            let backup = try await authorizedBackup(request, action: "backup:export-import")
            let record = try await api.backups.exportRecord(
                backup,
                caller: request.identity,
                requestID: request.context.requestID
            )
            return APIResponse(body: [
                "backup-record": [
                    "backup_service": record["backup_service"] ?? .null,
                    "backup_url": record["backup_url"] ?? .null,
                ]
            ])
        }
        controller.method("import_record") { request in try await importRecord(request) }
        controller.action("os-reset_status") { request in
            let body = request.body ?? .null
            if let error = BackupSchemas.resetStatus.validate(body) { throw EmberError.badRequest(error) }
            let text = body["os-reset_status"]?["status"]?.stringValue ?? ""
            guard let status = BackupStatus(rawValue: text.lowercased()), status == .available || status == .error
            else {
                throw EmberError.badRequest(
                    "Backup status: \(text) is invalid, valid statuses are: ['available', 'error']."
                )
            }
            let backup = try await authorizedBackup(
                request,
                action: .volumeExtensionBackupAdminActionsResetStatus
            )
            try await api.backups.resetStatus(
                backup,
                status: status,
                caller: request.identity,
                requestID: request.context.requestID
            )
            return .accepted
        }
        controller.action("os-force_delete") { request in
            if let error = BackupSchemas.forceDelete.validate(request.body ?? .null) {
                throw EmberError.badRequest(error)
            }
            let backup = try await authorizedBackup(
                request,
                action: .volumeExtensionBackupAdminActionsForceDelete
            )
            try await api.backups.delete(
                backup,
                force: true,
                caller: request.identity,
                requestID: request.context.requestID
            )
            return .accepted
        }
        return controller
    }

    /// `backup_api.get` and the policy of the operation on it (403 when refused).
    func authorizedBackup(_ request: APIRequest, action: PolicyAction) async throws -> Backup {
        let backup = try await api.backups.get(id: try request.id(), caller: request.identity)
        try request.authorize(action, target: backup.policyTarget)
        return backup
    }

    func detail(_ backup: Backup, _ request: APIRequest) -> JSONObject {
        BackupViewBuilder.detail(
            backup,
            request: request,
            projectAttributes: request.allows(.backupBackupProjectAttribute)
        )
    }

    func list(_ request: APIRequest, detailed: Bool) async throws -> APIResponse {
        try request.authorize(.backupGetAll)
        if let value = request.queryValue("all_tenants"), ParameterTypes.bool(.string(value)) == nil {
            throw EmberError.badRequest("Invalid input received: all_tenants must be a boolean, got '\(value)'.")
        }
        let parameters = try ListParameters.parse(
            request,
            scope: api.scope(for: request.identity, allTenants: request.allTenants),
            maxLimit: api.configuration.maxLimit,
            resource: "backup",
            filters: api.configuration.resourceFilters,
            knownFilters: Self.adminFilters
        )
        let page = try await api.backups.list(parameters.query)
        let items: [JSONValue] = page.items.map {
            .object(detailed ? detail($0, request) : BackupViewBuilder.summary($0, request: request))
        }
        return parameters.response(
            "backups",
            items: items,
            lastID: page.items.last?.id,
            count: page.count,
            request: request,
            detailed: detailed
        )
    }

    func create(_ request: APIRequest) async throws -> APIResponse {
        let body = try request.validatedBody(
            BackupSchemas.create(version: request.version)
        )
        let backup = body["backup"]?.objectValue ?? JSONObject()
        let volumeID = backup["volume_id"]?.stringValue ?? ""
        let volume = try await request.authorizedVolume(volumeID, api: api, action: .backupCreate)
        var metadata: [String: String] = [:]
        for entry in backup["metadata"]?.objectValue?.entries ?? [] { metadata[entry.key] = entry.value.stringValue }
        let created = try await api.backups.create(
            BackupCreateRequest(
                volumeID: volume.id,
                name: backup["name"]?.stringValue?.trimmingWhitespace(),
                description: backup["description"]?.stringValue?.trimmingWhitespace(),
                container: backup["container"]?.stringValue,
                incremental: ParameterTypes.bool(backup["incremental"]) ?? false,
                force: ParameterTypes.bool(backup["force"]) ?? false,
                snapshotID: backup["snapshot_id"]?.stringValue,
                metadata: metadata,
                availabilityZone: backup["availability_zone"]?.stringValue
            ),
            volume: volume,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return APIResponse(
            status: .accepted,
            body: ["backup": .object(BackupViewBuilder.summary(created, request: request))]
        )
    }

    func update(_ request: APIRequest) async throws -> APIResponse {
        let body = request.body ?? .null
        if let error = BackupSchemas.update(version: request.version).validate(body) {
            throw EmberError.badRequest(error)
        }
        let backup = try await authorizedBackup(request, action: .backupUpdate)
        let fields = body["backup"]?.objectValue ?? JSONObject()
        func field(_ name: String) -> String?? {
            guard let value = fields[name] else { return nil }
            return .some(value.stringValue?.trimmingWhitespace())
        }
        var metadata: [String: String]?
        if request.supports("3.43"), case .object(let object)? = fields["metadata"] {
            metadata = Dictionary(
                object.entries.compactMap { entry in entry.value.stringValue.map { (entry.key, $0) } },
                uniquingKeysWith: { $1 }
            )
        }
        let updated = try await api.backups.update(
            backup,
            name: field("name"),
            description: field("description"),
            metadata: metadata
        )
        return APIResponse(body: ["backup": .object(BackupViewBuilder.summary(updated, request: request))])
    }

    func restore(_ request: APIRequest) async throws -> APIResponse {
        let body = request.body ?? .null
        if let error = BackupSchemas.restore.validate(body) { throw EmberError.badRequest(error) }
        let backup = try await authorizedBackup(request, action: .backupRestore)
        let restore = body["restore"]?.objectValue ?? JSONObject()
        let result = try await api.backups.restore(
            backup,
            volumeID: restore["volume_id"]?.stringValue,
            name: restore["name"]?.stringValue,
            caller: request.identity,
            requestID: request.context.requestID
        ) { volume in
            // `volume_api.get` of the target: a volume the caller may not see is its 404.
            guard request.allows(.volumeGet, target: volume.policyTarget) else {
                throw EmberError.notFound("Volume \(volume.id) could not be found.")
            }
        }
        return APIResponse(status: .accepted, body: BackupViewBuilder.restore(result))
    }

    func importRecord(_ request: APIRequest) async throws -> APIResponse {
        let body = request.body ?? .null
        if let error = BackupSchemas.importRecord.validate(body) { throw EmberError.badRequest(error) }
        try request.authorize("backup:backup-import")
        let record = body["backup-record"] ?? .null
        let imported = try await api.backups.importRecord(
            service: record["backup_service"]?.stringValue ?? "",
            url: record["backup_url"]?.stringValue ?? "",
            caller: request.identity,
            requestID: request.context.requestID
        )
        return APIResponse(
            status: .created,
            body: ["backup": .object(BackupViewBuilder.summary(imported, request: request))]
        )
    }
}

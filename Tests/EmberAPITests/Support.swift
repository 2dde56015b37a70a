import EmberAPI
import EmberCore
import EmberImage
import EmberKeys
import EmberRPC
import EmberStore
import EmberTesting
import EmberWSGI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization

@testable import EmberVolume

/// Records the casts the volume API sends, so API tests can check them without workers.
final class CastRecorder: VolumeWorkCaster {
    let log = Mutex<[String]>([])

    func createVolume(_ volume: Volume, spec: VolumeRequestSpec, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("create_volume:\(volume.id)") }
    }

    func deleteVolume(_ volume: Volume, cascade: Bool, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("delete_volume:\(volume.id)") }
    }

    func createSnapshot(_ snapshot: Snapshot, of volume: Volume, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("create_snapshot:\(snapshot.id)") }
    }

    func deleteSnapshot(_ snapshot: Snapshot, of volume: Volume, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("delete_snapshot:\(snapshot.id)") }
    }

    func manageExisting(_ volume: Volume, spec: ManageRequestSpec, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("manage_existing:\(volume.id):\(spec.ref.serialized())") }
    }

    func manageExistingSnapshot(
        _ snapshot: Snapshot,
        of volume: Volume,
        ref: JSONValue,
        caller: Identity,
        requestID: String
    ) async throws {
        log.withLock { $0.append("manage_existing_snapshot:\(snapshot.id):\(ref.serialized())") }
    }

    /// What a file backend with one unmanaged file (and one of volume `v-owned`) lists,
    /// paged as the backend pages.
    static let manageable = [
        ManageableResource(reference: ["source-name": "adopt-me"], size: 2, safeToManage: true),
        ManageableResource(
            reference: ["source-name": "volume-v-owned"],
            size: 1,
            safeToManage: false,
            reasonNotSafe: "already managed",
            cinderID: "v-owned"
        ),
    ]

    func getManageableVolumes(
        backend: String,
        paging: ManageablePaging,
        caller: Identity,
        requestID: String
    ) async throws -> [ManageableResource] {
        log.withLock { $0.append("get_manageable_volumes:\(backend)") }
        do {
            return try paging.page(Self.manageable)
        } catch .invalidInput(let reason) {
            throw EmberError.badRequest("Invalid input received: " + reason)
        }
    }

    func getManageableSnapshots(
        backend: String,
        paging: ManageablePaging,
        caller: Identity,
        requestID: String
    ) async throws -> [ManageableResource] {
        log.withLock { $0.append("get_manageable_snapshots:\(backend)") }
        return []
    }

    func unmanageVolume(_ volume: Volume, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("unmanage_volume:\(volume.id)") }
    }

    func unmanageSnapshot(_ snapshot: Snapshot, of volume: Volume, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("unmanage_snapshot:\(snapshot.id)") }
    }

    func extendVolume(
        _ volume: Volume,
        newSize: Int,
        reservation: QuotaReservation,
        caller: Identity,
        requestID: String
    ) async throws {
        log.withLock { $0.append("extend_volume:\(volume.id):\(newSize)") }
    }

    func revertToSnapshot(_ volume: Volume, snapshot: Snapshot, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("revert_to_snapshot:\(volume.id):\(snapshot.id)") }
    }

    func retypeVolume(_ volume: Volume, _ retype: RetypeRequest, caller: Identity, requestID: String) async throws {
        log.withLock {
            $0.append("retype:\(volume.id):\(retype.newType.id):\(retype.migrationPolicy ?? "None")")
        }
    }

    func migrateVolume(
        _ volume: Volume,
        backend: String,
        forceHostCopy: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        log.withLock { $0.append("migrate_volume:\(volume.id):\(backend):\(forceHostCopy)") }
    }

    /// A call needs the source backend; without one it fails as a bus call that times out does.
    func migrateVolumeCompletion(
        _ volume: Volume,
        newVolume: Volume,
        error: Bool,
        caller: Identity,
        requestID: String
    ) async throws -> String {
        log.withLock { $0.append("migrate_volume_completion:\(volume.id):\(newVolume.id):\(error)") }
        throw EmberError.internalError
    }

    func copyVolumeToImage(_ volume: Volume, imageID: String, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("copy_volume_to_image:\(volume.id):\(imageID)") }
    }

    func reimage(_ volume: Volume, imageID: String, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("reimage:\(volume.id):\(imageID)") }
    }

    /// Calls need a volume service; without one they fail as a bus call that times out does.
    /// The pools a scheduler with one file backend would report.
    func getPools(filters: JSONObject, caller: Identity, requestID: String) async throws -> JSONValue {
        log.withLock { $0.append("get_pools") }
        return [
            ["name": "node@alpha#alpha", "capabilities": ["volume_backend_name": "alpha", "total_capacity_gb": 10]]
        ]
    }

    /// What a file backend answers to `get_capabilities`.
    func getCapabilities(backend: String, caller: Identity, requestID: String) async throws -> JSONValue {
        log.withLock { $0.append("get_capabilities:\(backend)") }
        return ["volume_backend_name": "alpha", "vendor_name": "Ember", "storage_protocol": "local"]
    }

    func attachVolume(
        _ volume: Volume,
        attach: AttachRequest,
        caller: Identity,
        requestID: String
    ) async throws
        -> JSONValue
    {
        log.withLock { $0.append("attach_volume:\(volume.id)") }
        throw EmberError.internalError
    }

    func detachVolume(_ volume: Volume, attachmentID: String?, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("detach_volume:\(volume.id)") }
        throw EmberError.internalError
    }

    func initializeConnection(
        _ volume: Volume,
        connector: JSONValue,
        caller: Identity,
        requestID: String
    )
        async throws -> JSONValue
    {
        log.withLock { $0.append("initialize_connection:\(volume.id)") }
        throw EmberError.internalError
    }

    func terminateConnection(
        _ volume: Volume,
        connector: JSONValue,
        force: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        log.withLock { $0.append("terminate_connection:\(volume.id)") }
        throw EmberError.internalError
    }

    /// The recorder has no backend: it answers what the file backend's `local` connection
    /// looks like once the manager flattened it, so the API's bookkeeping can be checked.
    func attachmentUpdate(
        _ volume: Volume,
        connector: JSONValue,
        attachmentID: String,
        caller: Identity,
        requestID: String
    ) async throws -> JSONValue {
        log.withLock { $0.append("attachment_update:\(volume.id):\(attachmentID)") }
        return [
            "driver_volume_type": "local", "device_path": .string("/recorded/volume-\(volume.id)"),
            "attachment_id": .string(attachmentID), "enforce_multipath": false,
        ]
    }

    func attachmentDelete(_ volume: Volume, attachmentID: String, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("attachment_delete:\(volume.id):\(attachmentID)") }
    }

    func extendVolumeCompletion(
        _ volume: Volume,
        newSize: Int,
        reservations: [String],
        error: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        log.withLock { $0.append("extend_volume_completion:\(volume.id):\(newSize):\(reservations):\(error)") }
    }

    /// The file backend's `accept_transfer`: no model update.
    func acceptTransfer(
        _ volume: Volume,
        newUser: String,
        newProject: String,
        noSnapshots: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        log.withLock { $0.append("accept_transfer:\(volume.id):\(newProject):\(noSnapshots)") }
    }

    var casts: [String] { log.withLock { $0 } }
}

/// The service calls: freeze and thaw succeed as a file backend's do; the log-level calls
/// act on this process's ``LogLevels``, as an in-process service's handler would.
extension CastRecorder: ServiceWorkCaster {
    func freezeHost(queue: String, caller: Identity, requestID: String) async throws -> Bool {
        log.withLock { $0.append("freeze_host:\(queue)") }
        return true
    }

    func thawHost(queue: String, caller: Identity, requestID: String) async throws -> Bool {
        log.withLock { $0.append("thaw_host:\(queue)") }
        return true
    }

    func failover(queue: String, secondaryBackendID: String?, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("failover:\(queue):\(secondaryBackendID ?? "None")") }
    }

    /// What a scheduler answers when every service the request names is down and unclustered.
    func workCleanup(_ request: CleanupRequest, caller: Identity, requestID: String) async throws -> CleanupReply {
        log.withLock {
            $0.append("work_cleanup:\(request.serviceID.map(String.init) ?? "-"):\(request.resourceType ?? "-")")
        }
        return CleanupReply(cleaning: [], unavailable: [])
    }

    func setLogLevels(
        binary: String,
        host: String,
        request: LogLevelRequest,
        caller: Identity,
        requestID: String
    ) async throws {
        log.withLock { $0.append("set_log_levels:\(binary):\(host):\(request.prefix ?? ""):\(request.level ?? "")") }
    }

    func getLogLevels(
        binary: String,
        host: String,
        request: LogLevelRequest,
        caller: Identity,
        requestID: String
    ) async throws -> [LogLevelEntry] {
        log.withLock { $0.append("get_log_levels:\(binary):\(host):\(request.prefix ?? "")") }
        return [LogLevelEntry(prefix: "ember.volume.manager", level: "INFO")]
    }
}

extension CastRecorder: BackupWorkCaster {
    func createBackup(_ backup: Backup, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("create_backup:\(backup.id)") }
    }

    func restoreBackup(
        _ backup: Backup,
        host: String,
        volumeID: String,
        volumeIsNew: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        log.withLock { $0.append("restore_backup:\(backup.id):\(volumeID):\(host)") }
    }

    func deleteBackup(_ backup: Backup, host: String, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("delete_backup:\(backup.id):\(host)") }
    }

    /// A call needs a backup service; without one it fails as a bus call that times out does.
    func exportRecord(_ backup: Backup, host: String, caller: Identity, requestID: String) async throws -> JSONValue {
        log.withLock { $0.append("export_record:\(backup.id)") }
        throw EmberError.internalError
    }

    func importRecord(
        _ backup: Backup,
        host: String,
        backupService: String,
        backupURL: String,
        otherHosts: [String],
        caller: Identity,
        requestID: String
    ) async throws {
        log.withLock { $0.append("import_record:\(backup.id):\(host)") }
    }

    func resetStatus(
        _ backup: Backup,
        host: String,
        status: BackupStatus,
        caller: Identity,
        requestID: String
    ) async throws {
        log.withLock { $0.append("reset_status:\(backup.id):\(status.rawValue)") }
    }
}

/// The stock paste pipeline over a real SQLite store in a temporary directory.
struct APIHarness {
    static let project = "e9b8d2d1c5a44c8d9a3f2b7c6d5e4f30"
    static let token: HTTPFields = [.authToken: "admin:\(project)", .contentType: "application/json"]

    static func headers(version: String? = nil, token: String = "admin:\(project)") -> HTTPFields {
        var fields: HTTPFields = [.authToken: token, .contentType: "application/json"]
        if let version { fields[.openStackAPIVersion] = "volume \(version)" }
        return fields
    }

    /// Runs `body` with a test client for the API and the cast recorder. The store and the API
    /// read the time from `clock`.
    ///
    /// With `trustIdentityHeaders`, `auth_strategy = keystone` runs with an authtoken that
    /// trusts the identity headers the test sends (Keystone itself is tested in
    /// EmberIdentityTests and Tests/keystone), so keystonecontext and the policies see them.
    static func run<Value: Sendable>(
        conf: String = "",
        trustIdentityHeaders: Bool = false,
        policy: PolicyEnforcer = .cinderDefaults,
        images: GlanceClient? = nil,
        keyManager: (any KeyManager)? = nil,
        clock: any EmberClock = .system,
        _ body: @escaping @Sendable (any TestClientProtocol, CastRecorder, VolumeAPI) async throws -> Value
    ) async throws -> Value {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let strategy = trustIdentityHeaders ? "auth_strategy = keystone\n" : ""
        // On the wall clock a service a test registered must stay up however long a loaded
        // parallel run takes (role tables took over 60 s, cinder's `service_down_time`, in CI).
        // Tests of down services age heartbeats on a manual clock instead.
        let wallClockLiveness =
            clock is SystemClock && !conf.contains("service_down_time") ? "service_down_time = 86400\n" : ""
        let document = try INIDocument(
            text: "[DEFAULT]\nstate_path = \(dir.path)\n" + strategy + wallClockLiveness + conf,
            path: "test.conf"
        )
        let configuration = try EmberConfiguration(files: ConfigFiles(documents: [document]))
        let database = try DatabaseConfiguration(files: configuration.files, statePath: dir.path)
        let logger = Logger(label: "test.api")
        return try await EmberDatabase.withDatabase(configuration: database, logger: logger, clock: clock) { db in
            _ = try await db.migrate()
            let recorder = CastRecorder()
            let api = VolumeAPI(
                store: db.store,
                configuration: try VolumeServiceConfiguration(files: configuration.files),
                caster: recorder,
                images: images,
                keyManager: keyManager,
                logger: logger,
                clock: clock
            )
            try await api.types.ensureDefaultType()
            // The extensions the configuration asks for, as `ember api` loads them.
            let extensions = await ExtensionManager(logger: logger).load(files: configuration.files)
            var registry = PasteFactoryRegistry.standard()
            VolumeAPIRouter.register(in: &registry, api: api, extensions: extensions)
            if trustIdentityHeaders {
                registry.registerFilter("keystonemiddleware.auth_token:filter_factory") { _ in
                    PassThroughMiddleware(name: "authtoken")
                }
            }
            let loader = try PasteLoader(
                path: RepositoryPaths.etc("api-paste.ini"),
                registry: registry,
                environment: PasteEnvironment(configuration: configuration, logger: logger, policy: policy)
            )
            let app = try loader.loadApp(named: "osapi_volume")
            let application = Application(
                responder: PasteResponder(app: app, scheme: "http", defaultHost: "localhost"),
                logger: logger
            )
            // Every answer is checked against the OpenAPI document the application serves.
            return try await application.test(.router) { client in
                let conformance = try await OpenAPIConformance.fetch(
                    from: client,
                    key: "\(trustIdentityHeaders)|" + conf
                )
                let checked = DocumentCheckedClient(base: client, conformance: conformance)
                return try await body(checked, recorder, api)
            }
        }
    }
}

extension TestResponse {
    var text: String { body.getString(at: body.readerIndex, length: body.readableBytes) ?? "" }
    var json: JSONValue? { try? JSONValue.parse(Array(body.readableBytesView)) }
}

extension TestClientProtocol {
    /// POSTs a volume and returns its id.
    func createVolume(
        _ body: String = #"{"volume": {"size": 1}}"#,
        headers: HTTPFields = APIHarness.token,
        project: String = APIHarness.project
    ) async throws
        -> String
    {
        let response = try await execute(
            uri: "/v3/\(project)/volumes",
            method: .post,
            headers: headers,
            body: ByteBuffer(string: body)
        )
        guard response.status == .accepted, let id = response.json?["volume"]?["id"]?.stringValue else {
            throw APITestError.unexpected(response.status.code, response.text)
        }
        return id
    }
}

enum APITestError: Error {
    case unexpected(Int, String)
}

extension JSONValue {
    var keys: [String] { objectValue?.keys ?? [] }
    var arrayValue: [JSONValue] {
        if case .array(let values) = self { return values }
        return []
    }
}

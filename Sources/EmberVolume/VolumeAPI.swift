import EmberCore
import EmberImage
import EmberKeys
import EmberStore
import Foundation
import Logging

/// The stores the volume API works on.
public typealias VolumeAPIStore = VolumeStore & SnapshotStore & VolumeTypeStore & QuotaStore & BackupStore
    & AttachmentStore & ServiceStore & TransferStore & MessageStore & QoSSpecsStore & EncryptionStore
    & GroupTypeStore & GroupStore & GroupSnapshotStore

/// `cinder/volume/api.py`: the business layer between the REST controllers and the workers,
/// and the one way into the store for the API (the controllers in `EmberAPI` cannot see the
/// store). Volumes, their attachments, images and migrations are served here; the other
/// resources have a focused service each, reached from here: ``snapshots``, ``backups``, ``qosSpecs``,
/// ``types``, ``quotaSets`` and ``services``.
///
/// Every status change goes through a conditional update in the store (a transition of
/// `VolumeTransitions`), so concurrent requests and API nodes cannot both win one. A create
/// reserves quota, inserts the row, commits the quota and casts to the scheduler, as cinder's
/// create flow does.
///
/// The actor isolates the operations in flight per volume (``exclusively(onVolume:_:)``):
/// two requests that change the same volume in this process run one after the other, in
/// arrival order, instead of racing to the database where one would lose its conditional
/// update (``backups`` share the table: a backup marks its volume). Reads are `nonisolated`
/// and never hop onto the actor (the volume type cache of ``types`` sits behind its own
/// lock), so showing a volume or a page never queues behind a write.
public actor VolumeAPI {
    /// The changes running per volume id, and the requests waiting for each.
    private var inFlight = InFlightOperations()
    nonisolated let store: any VolumeAPIStore
    public nonisolated let configuration: VolumeServiceConfiguration
    public nonisolated let quotas: QuotaEngine
    public nonisolated let caster: any VolumeWorkCaster
    /// The image service (Glance); without `[glance] api_servers` every call fails as an
    /// unreachable Glance does.
    public nonisolated let images: GlanceClient
    nonisolated let logger: Logger
    /// Where the time comes from: service ages, reservation expiry, timestamps.
    public nonisolated let clock: any EmberClock
    /// Volume types, their extra specs and access (with the cache of types every volume
    /// view reads).
    public nonisolated let types: VolumeTypeAPI
    /// Quota sets, quota classes and usage.
    public nonisolated let quotaSets: QuotaSetAPI
    /// The services table: which services run where and whether each is up.
    public nonisolated let services: ServiceAPI
    /// The keys of encrypted volumes (`[key_manager]`, built once by the process): created
    /// or cloned at create, cloned for an image upload and a transfer, deleted with the volume.
    public nonisolated let keyManager: any KeyManager
    /// The undoing of calls that failed half-way, retried through a database outage (run it
    /// in the API's service group).
    public nonisolated let compensations: Compensations

    public init(
        store: any VolumeAPIStore,
        configuration: VolumeServiceConfiguration,
        caster: any VolumeWorkCaster,
        images: GlanceClient? = nil,
        keyManager: (any KeyManager)? = nil,
        logger: Logger,
        clock: any EmberClock = .system
    ) {
        self.images = images ?? .unconfigured(logger: logger)
        self.keyManager = keyManager ?? UnavailableKeyManager(reason: "No key manager is configured.")
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.quotas = QuotaEngine(store: store, configuration: configuration, clock: clock)
        self.caster = caster
        self.logger = logger
        self.compensations = Compensations(logger: logger)
        self.types = VolumeTypeAPI(store: store, configuration: configuration, logger: logger)
        self.quotaSets = QuotaSetAPI(store: store, engine: quotas)
        self.services = ServiceAPI(
            store: store,
            downTime: configuration.serviceDownTime,
            clock: clock,
            caster: caster,
            host: configuration.host,
            logger: logger
        )
    }

    /// Snapshots of this API's volumes (a view over the same store; no state of its own).
    public nonisolated var snapshots: SnapshotAPI { SnapshotAPI(volumes: self) }

    /// User messages (`/messages`, API 3.3).
    public nonisolated var messages: MessageAPI { MessageAPI(store: store) }

    /// Backups of this API's volumes and snapshots (a view over the same store and the same
    /// table of operations in flight; it holds no state of its own).
    public nonisolated var backups: BackupAPI { BackupAPI(volumes: self) }

    /// Volume transfers between projects (a view over the same store and the same table of
    /// operations in flight; it holds no state of its own).
    public nonisolated var transfers: TransferAPI { TransferAPI(volumes: self) }

    /// QoS specs and their association with volume types (a view over the same store; the
    /// type cache of ``types`` forgets a type whose specs change).
    public nonisolated var qosSpecs: QoSSpecsAPI { QoSSpecsAPI(store: store, types: types, logger: logger) }

    /// The encryption of volume types (`/types/{id}/encryption`; a view over the same store).
    public nonisolated var encryptionTypes: EncryptionTypeAPI { EncryptionTypeAPI(store: store, logger: logger) }

    /// Generic volume groups (3.13).
    public nonisolated var groups: GroupAPI { GroupAPI(volumes: self) }

    /// Group snapshots (3.14).
    public nonisolated var groupSnapshots: GroupSnapshotAPI { GroupSnapshotAPI(volumes: self) }

    /// Group types and their group specs (3.11).
    public nonisolated var groupTypes: GroupTypeAPI {
        GroupTypeAPI(store: store, configuration: configuration, logger: logger)
    }

    // MARK: - Operations in flight

    /// Runs `body`, a change of volume `id`, once no other change of that volume runs in this
    /// process; later callers wait their turn in arrival order. Other volumes are not held up.
    /// `body` must not call another `exclusively` for the same volume (it would wait for
    /// itself).
    public nonisolated func exclusively<T: Sendable>(
        onVolume id: String,
        _ body: () async throws -> T
    ) async throws -> T {
        await begin(id)
        do {
            let result = try await body()
            await end(id)
            return result
        } catch {
            await end(id)
            throw error
        }
    }

    private func begin(_ id: String) async {
        if inFlight.begin(id) { return }
        await withCheckedContinuation { inFlight.wait(for: id, $0) }
    }

    private func end(_ id: String) {
        inFlight.end(id)?.resume()
    }

    /// How many changes of volume `id` wait behind the one running.
    public func waiting(onVolume id: String) -> Int { inFlight.waiting(for: id) }

    // MARK: - Reading

    /// The project a caller may see: its own, or every project for an admin asking for all.
    public nonisolated func scope(for caller: Identity, allTenants: Bool = false) -> ProjectScope {
        if caller.isAdmin && (allTenants || caller.projectID == nil) { return .allProjects }
        return .project(caller.projectID ?? "")
    }

    /// The `cinder-volume` service of `host` (`HOST@BACKEND`), enabled or not; nil when there
    /// is none.
    public nonisolated func volumeService(host: String) async throws -> ServiceRecord? {
        try await store.listServices(host: host, binary: "cinder-volume", topic: nil, disabled: nil).first
    }

    /// `volume_api.get`: a volume in the caller's project (any project for admins).
    public nonisolated func volume(id: String, caller: Identity) async throws -> Volume {
        try await Self.found("Volume \(id)") { () async throws(StoreError) in
            try await store.volume(id: id, scope: caller.isAdmin ? .allProjects : scope(for: caller))
        }
    }

    /// A page of volumes; an unknown marker is a 404 as cinder's.
    public nonisolated func listVolumes(_ query: ListQuery) async throws -> Page<Volume> {
        try await Self.page(of: "Volume") { () async throws(StoreError) in try await store.listVolumes(query) }
    }

    /// Runs a list query; an unknown marker is the 404 cinder answers, since it looks the
    /// marker up with `<resource>_get` ("Volume <id> could not be found.").
    static func page<Item>(
        of resource: String,
        _ fetch: () async throws(StoreError) -> Page<Item>
    ) async throws -> Page<Item> {
        do {
            return try await fetch()
        } catch .markerNotFound(let marker) {
            throw EmberError.notFound("\(resource) \(marker) could not be found.")
        }
    }

    /// Runs a store read or write of one row; a row that is not there (or not the caller's)
    /// is cinder's 404 "`resource` could not be found." (`resource` names it with its id).
    static func found<Item>(
        _ resource: @autoclosure () -> String,
        _ fetch: () async throws(StoreError) -> Item
    ) async throws -> Item {
        do {
            return try await fetch()
        } catch .notFound {
            throw EmberError.notFound("\(resource()) could not be found.")
        }
    }

    /// `GET /volumes/summary` (3.12): count, total size and (3.36) the union of metadata values.
    public nonisolated func summary(
        scope: ProjectScope
    ) async throws -> (count: Int, size: Int, metadata: [String: [String]]) {
        var count = 0
        var size = 0
        var metadata: [String: Set<String>] = [:]
        var marker: String?
        while true {
            let page = try await store.listVolumes(
                ListQuery(
                    scope: scope,
                    sort: [SortKey("created_at", .desc), SortKey("id", .desc)],
                    marker: marker,
                    limit: 1000
                )
            )
            for volume in page.items {
                count += 1
                size += volume.size
                for (key, value) in volume.metadata { metadata[key, default: []].insert(value) }
            }
            guard page.items.count == 1000, let last = page.items.last else { break }
            marker = last.id
        }
        return (count, size, metadata.mapValues { $0.sorted() })
    }
}

import EmberCore
import EmberStore
import Foundation
import Logging
import Synchronization

/// `cinder/volume/volume_types.py` with the type-management parts of `types_manage.py`,
/// `types_extra_specs.py` and `volume_type_access.py`: volume types, their extra specs and
/// their project access, behind `/types`.
///
/// The volume API reads a type for every volume it shows or creates, so this service keeps
/// the types it read for ``cacheLifetime`` (behind its own lock: a read never waits for a
/// write). A change made here drops the cached type at once; a change made through another
/// API process shows within that time.
public final class VolumeTypeAPI: Sendable {
    let store: any VolumeTypeStore & VolumeStore
    let configuration: VolumeServiceConfiguration
    let logger: Logger
    /// Volume types by id with when they were read.
    private let typesByID = Mutex<[String: (type: VolumeType, readAt: ContinuousClock.Instant)]>([:])
    static let cacheLifetime: Duration = .seconds(5)

    init(store: any VolumeTypeStore & VolumeStore, configuration: VolumeServiceConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: - Reading

    /// A type by id, cached for ``cacheLifetime``.
    public func volumeType(id: String) async throws -> VolumeType {
        let now = ContinuousClock.now
        if let cached = typesByID.withLock({ $0[id] }), now - cached.readAt < Self.cacheLifetime {
            return cached.type
        }
        let type = try await store.volumeType(id: id)
        typesByID.withLock { $0[id] = (type, now) }
        return type
    }

    /// Drops the cached type `id` (after a change, so this process shows it at once).
    public func forget(id: String) {
        _ = typesByID.withLock { $0.removeValue(forKey: id) }
    }

    /// The name a volume's type is shown as; nil when the type is gone.
    public func name(id: String) async -> String? {
        try? await volumeType(id: id).name
    }

    /// `volume_types.get_volume_type`: by id only, read from the store (not the cache), as
    /// the management calls do before they change a type.
    public func current(id: String) async throws -> VolumeType {
        try await store.volumeType(id: id)
    }

    /// `volume_types.get_by_name_or_id`.
    public func resolve(_ nameOrID: String) async throws -> VolumeType {
        if let byID = try? await volumeType(id: nameOrID) { return byID }
        do {
            return try await store.volumeType(name: nameOrID)
        } catch {
            if case .volumeTypeNameNotFound = error {
                throw EmberError.notFound("Volume type with name \(nameOrID) could not be found.")
            }
            throw error
        }
    }

    /// The configured default type (`default_volume_type`).
    public func defaultType() async throws -> VolumeType {
        do {
            return try await store.volumeType(name: configuration.defaultVolumeType)
        } catch {
            if case .volumeTypeNameNotFound = error {
                throw EmberError.notFound(
                    "Volume type with name \(configuration.defaultVolumeType) could not be found."
                )
            }
            throw error
        }
    }

    /// A page of types (`GET /types` with pagination, sort and filters); an unknown marker is
    /// the marker's `VolumeTypeNotFound` (404).
    public func page(_ query: ListQuery) async throws -> Page<VolumeType> {
        try await VolumeAPI.page(of: "Volume type") { () async throws(StoreError) in
            try await store.listVolumeTypes(query)
        }
    }

    // MARK: - Managing types

    /// Creates cinder's `__DEFAULT__` type when it is the configured default and missing
    /// (cinder's database migration does the same). Another process starting at the same
    /// moment may create it first; that is success too.
    public func ensureDefaultType() async throws {
        do {
            _ = try await store.volumeType(name: configuration.defaultVolumeType)
        } catch {
            guard case .volumeTypeNameNotFound = error, configuration.defaultVolumeType == "__DEFAULT__" else {
                throw error
            }
            do {
                let created = try await store.createVolumeType(
                    VolumeType(name: "__DEFAULT__", description: "Default Volume Type")
                )
                logger.info("Created the default volume type", metadata: ["volume_type.id": .string(created.id)])
            } catch .volumeTypeExists {
                return
            }
        }
    }

    /// `volume_types.create` (409 when the name is taken).
    public func create(_ type: VolumeType) async throws -> VolumeType {
        try await store.createVolumeType(type)
    }

    /// `volume_types.update`: name, description, `is_public`.
    public func update(id: String, _ changes: [VolumeTypeUpdate]) async throws -> VolumeType {
        let updated = try await store.updateVolumeType(id: id, changes)
        forget(id: id)
        return updated
    }

    /// `volume_types.destroy`: not the configured default, not while volumes use it.
    public func delete(_ type: VolumeType) async throws {
        if type.name == configuration.defaultVolumeType {
            throw EmberError.badRequest("The volume type \(type.id) is a default volume type and cannot be deleted.")
        }
        do {
            try await store.deleteVolumeType(id: type.id)
        } catch .volumeTypeInUse {
            throw EmberError.badRequest("Target volume type is still in use.")
        }
        forget(id: type.id)
    }

    // MARK: - Extra specs

    /// `_allow_update` and `_check_type` of `types_extra_specs.py`: the specs of a type that
    /// volumes use are frozen.
    public func requireUnused(_ type: VolumeType) async throws {
        let inUse = try await store.listVolumes(
            ListQuery(scope: .allProjects, filters: [.equals("volume_type_id", type.id)], limit: 1)
        )
        if !inUse.items.isEmpty { throw EmberError.badRequest("Volume Type is currently in use.") }
    }

    /// Sets (adds or replaces) extra specs of an unused type.
    public func setExtraSpecs(of type: VolumeType, _ specs: [String: String]) async throws {
        try await requireUnused(type)
        try Self.checkCacheable(specs, existing: type.extraSpecs)
        _ = try await store.updateExtraSpecs(volumeTypeID: type.id, specs)
        forget(id: type.id)
    }

    /// `_check_cacheable`: `cacheable` and `multiattach` cannot both be `<is> True`.
    static func checkCacheable(_ specs: [String: String], existing: [String: String]) throws {
        let isTrue = "<is> True"
        let multiattach = specs["multiattach"]
        let cacheable = specs["cacheable"]
        if (multiattach == isTrue && existing["cacheable"] == isTrue)
            || (cacheable == isTrue && existing["multiattach"] == isTrue)
            || (cacheable == isTrue && multiattach == isTrue)
        {
            throw EmberError.badRequest("cacheable cannot be set with multiattach.")
        }
    }

    /// Deletes one extra spec of an unused type (404 when it is not set).
    public func deleteExtraSpec(of type: VolumeType, key: String) async throws {
        try await requireUnused(type)
        try await store.deleteExtraSpec(volumeTypeID: type.id, key: key)
        forget(id: type.id)
    }

    // MARK: - Project access

    /// The projects a private type is shared with.
    public func accessProjects(of type: VolumeType) async throws -> [String] {
        try await store.volumeTypeAccess(volumeTypeID: type.id)
    }

    /// `addProjectAccess` (409 when the project already has it).
    public func addAccess(to type: VolumeType, projectID: String) async throws {
        do {
            try await store.addVolumeTypeAccess(volumeTypeID: type.id, projectID: projectID)
        } catch .volumeTypeAccessExists {
            throw EmberError.conflict(
                "Volume type access for \(type.id) / \(projectID) combination already exists."
            )
        }
    }

    /// `removeProjectAccess` (404 when the project has none).
    public func removeAccess(from type: VolumeType, projectID: String) async throws {
        do {
            try await store.removeVolumeTypeAccess(volumeTypeID: type.id, projectID: projectID)
        } catch .volumeTypeAccessNotFound {
            throw EmberError.notFound("Volume type access not found for \(type.id) / \(projectID) combination.")
        }
    }
}

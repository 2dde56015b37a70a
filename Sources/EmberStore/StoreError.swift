import EmberCore

/// The kinds of record the store keeps, named as cinder's messages name them.
public enum StoreResource: String, Sendable, Equatable {
    case volume = "Volume"
    case snapshot = "Snapshot"
    case volumeType = "Volume type"
    case attachment = "Volume attachment"
    case service = "Service"
    case backup = "Backup"
    case message = "Message"
    case transfer = "Transfer"
    case qosSpecs = "QoS spec"
    case cluster = "Cluster"
    case groupType = "Group type"
    case group = "Group"
    case groupSnapshot = "GroupSnapshot"
}

/// Why a store operation failed. Conforms to `EmberErrorConvertible`, so faultwrap renders it.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No such row (or not visible in the caller's project) → 404.
    case notFound(StoreResource, id: String)
    /// A volume type looked up by name → 404.
    case volumeTypeNameNotFound(String)
    /// A metadata key that is not set → 404.
    case metadataKeyNotFound(StoreResource, id: String, key: String)
    /// An extra spec key that is not set → 404.
    case extraSpecNotFound(volumeTypeID: String, key: String)
    /// No access row for this type and project → 404.
    case volumeTypeAccessNotFound(volumeTypeID: String, projectID: String)
    /// The list marker names no visible row → 400.
    case markerNotFound(String)
    /// A sort key that is not a column, or a bad direction → 400.
    case invalidSortKey(String)
    /// Another volume type already has this name → 409.
    case volumeTypeExists(String)
    /// The project already has access to the type → 409.
    case volumeTypeAccessExists(volumeTypeID: String, projectID: String)
    /// Volumes still use the type → 400.
    case volumeTypeInUse(String)
    /// Some project has the type as its default (`default_volume_types`) → 400.
    case volumeTypeIsProjectDefault(String)
    /// An imported backup's id names a live backup → 400 (cinder's `InvalidBackup`).
    case backupExists(String)
    /// A reservation would exceed a limit → 413 (the volume API picks cinder's message).
    case overQuota([QuotaOverage])
    /// Another group type already has this name → 409.
    case groupTypeExists(String)
    /// Groups still use the group type → 400.
    case groupTypeInUse(String)
    /// A group type looked up by name → 404.
    case groupTypeNameNotFound(String)
    /// A group spec key that is not set → 404.
    case groupSpecNotFound(groupTypeID: String, key: String)
    /// The database cannot be reached, or did not answer in time → 503.
    case databaseUnavailable(String)
    /// The schema is older than this build expects (`ember manage db sync` not run) → 500.
    case schemaOutOfDate(current: Int, required: Int)
    /// Anything else the database reported → 500 (details go to the log, not the user).
    case internalError(String)

    public var description: String {
        switch self {
        case .notFound(.service, let id): "Service \(id) could not be found."
        case .notFound(.qosSpecs, let id): "No such QoS spec \(id)."
        case .notFound(.attachment, let id): "Volume attachment could not be found with filter: id = \(id)."
        case .notFound(let resource, let id): "\(resource.rawValue) \(id) could not be found."
        case .volumeTypeNameNotFound(let name): "Volume type with name \(name) could not be found."
        case .metadataKeyNotFound(let resource, let id, let key):
            "\(resource.rawValue) \(id) has no metadata with key \(key)."
        case .extraSpecNotFound(let typeID, let key): "Volume Type \(typeID) has no extra specs with key \(key)."
        case .volumeTypeAccessNotFound(let typeID, let projectID):
            "Volume type access not found for \(typeID) / \(projectID) combination."
        case .markerNotFound(let marker): "Marker \(marker) could not be found."
        case .invalidSortKey: "Invalid input received: Invalid sort key"
        case .volumeTypeExists(let name): "Volume Type \(name) already exists."
        case .volumeTypeAccessExists(let typeID, let projectID):
            "Volume type access for \(typeID) / \(projectID) combination already exists."
        case .volumeTypeInUse(let id): "Volume Type \(id) deletion is not allowed with volumes present with the type."
        case .volumeTypeIsProjectDefault(let id):
            "The volume type \(id) is a default volume type and cannot be deleted."
        case .backupExists: "Invalid backup: Backup already exists in database."
        case .overQuota(let overs): "Quota exceeded for resources: \(overs.map(\.resource).sorted())"
        case .groupTypeExists(let name): "Group Type \(name) already exists."
        case .groupTypeInUse(let id): "Group Type \(id) deletion is not allowed with groups present with the type."
        case .groupTypeNameNotFound(let name): "Group type with name \(name) could not be found."
        case .groupSpecNotFound(let typeID, let key): "Group Type \(typeID) has no specs with key \(key)."
        case .databaseUnavailable(let reason): "Database unavailable: \(reason)"
        case .schemaOutOfDate(let current, let required):
            "Database schema version \(current) is older than \(required); run 'ember manage db sync'."
        case .internalError(let reason): "Database error: \(reason)"
        }
    }
}

extension StoreError: EmberErrorConvertible {
    public var emberError: EmberError {
        switch self {
        case .notFound, .volumeTypeNameNotFound, .metadataKeyNotFound, .extraSpecNotFound,
            .volumeTypeAccessNotFound, .groupTypeNameNotFound, .groupSpecNotFound:
            .notFound(description)
        case .markerNotFound, .invalidSortKey, .volumeTypeInUse, .volumeTypeIsProjectDefault, .backupExists,
            .groupTypeInUse:
            .badRequest(description)
        case .volumeTypeExists, .volumeTypeAccessExists, .groupTypeExists:
            .conflict(description)
        case .overQuota:
            EmberError(status: 413, message: description, headers: [("Retry-After", "0")])
        case .databaseUnavailable:
            .serviceUnavailable("The database is temporarily unavailable; try again later.")
        case .schemaOutOfDate, .internalError:
            .internalError
        }
    }
}

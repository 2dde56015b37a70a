/// A volume's `status` (`cinder/objects/fields.py:VolumeStatus`, plus the values the code also writes).
public enum VolumeStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case creating
    case available
    case deleting
    case error
    case errorDeleting = "error_deleting"
    case errorManaging = "error_managing"
    case managing
    case attaching
    case inUse = "in-use"
    case detaching
    case maintenance
    case restoringBackup = "restoring-backup"
    case errorRestoring = "error_restoring"
    case reserved
    case awaitingTransfer = "awaiting-transfer"
    case backingUp = "backing-up"
    case errorBackingUp = "error_backing-up"
    case errorExtending = "error_extending"
    case downloading
    case uploading
    case retyping
    case extending
    case reverting
    case unmanaging
    /// The backend could not let an unmanaged volume go (`_clear_db(volume, 'error_unmanaging')`).
    case errorUnmanaging = "error_unmanaging"
    case errorManagingDeleting = "error_managing_deleting"
    /// Written by the store when a volume row is soft-deleted (cinder's `volume_destroy`).
    case deleted

    /// The status the API shows: `managing`→`creating`, `error_managing`→`error`,
    /// `error_managing_deleting`→`deleting` (`cinder/api/v3/views/volumes.py`).
    public var displayed: VolumeStatus {
        switch self {
        case .managing: .creating
        case .errorManaging: .error
        case .errorManagingDeleting: .deleting
        default: self
        }
    }
}

/// `attach_status` of a volume (`attached`/`detached`) or of one attachment row (all values).
public enum VolumeAttachStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case attached
    case attaching
    case detached
    case reserved
    case errorAttaching = "error_attaching"
    case errorDetaching = "error_detaching"
    case deleted
}

/// A snapshot's `status` (`cinder/objects/fields.py:SnapshotStatus`).
public enum SnapshotStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case error
    case available
    case creating
    case deleting
    case deleted
    case updating
    case errorDeleting = "error_deleting"
    case unmanaging
    case backingUp = "backing-up"
    case restoring
}

/// A backup's `status` (`cinder/objects/fields.py:BackupStatus`).
public enum BackupStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case error
    case errorDeleting = "error_deleting"
    case creating
    case available
    case deleting
    case deleted
    case restoring
}

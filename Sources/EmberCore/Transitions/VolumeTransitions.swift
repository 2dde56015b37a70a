/// Every status rule of a volume, as cinder 29.0.0's `volume/api.py`, `volume/manager.py`,
/// `scheduler/manager.py` and `backup/manager.py` apply them with `conditional_update`: the
/// API layer and the workers both take their conditions from here, and
/// `VolumeTransitionsTests` checks every (operation, status) pair against cinder's rules.
///
/// Operations that cinder rolls back when a later step fails (a cast that cannot be sent, a
/// scheduler that finds no backend, a driver error) have their own `…RolledBack` or
/// `…Failed` transition: it only applies while the volume is still in the transitional
/// status the operation set, so a rollback never overwrites another request's change.
public enum VolumeTransitions {
    // MARK: - Create (API → scheduler → volume service)

    /// The scheduler records the chosen backend while the volume is `creating`.
    public static let schedule = VolumeTransition("schedule_create_volume", from: [.creating], to: .unchanged)
    /// No valid backend, or the driver failed: `creating` → `error`.
    public static let createFailed = VolumeTransition("create_volume", from: [.creating], to: .status(.error))
    /// `_do_cleanup` (`POST /workers/cleanup`): a volume whose service died while creating
    /// (or downloading) it is set to `error`.
    public static let cleanedUp = VolumeTransition("do_cleanup", from: [.creating, .downloading], to: .status(.error))
    /// The driver created the data: `creating` → `available`.
    public static let created = VolumeTransition("create_volume", from: [.creating], to: .status(.available))

    // MARK: - Delete

    /// The statuses from which a volume may be deleted without `force` (`volume/api.py:delete`).
    public static let deletableStatuses: Set<VolumeStatus> = [
        .available, .error, .errorRestoring, .errorExtending, .errorManaging,
    ]

    /// `delete`: not attached, not migrating, not in a group, without snapshots unless
    /// `cascade`; any status with `force`. A volume that failed to be managed goes
    /// `error_managing_deleting` (``deleteTarget(from:)``), the others `deleting`.
    public static func delete(force: Bool, cascade: Bool) -> VolumeTransition {
        VolumeTransition(
            "delete",
            from: force ? nil : deletableStatuses,
            to: .status(.deleting),
            guards: VolumeCondition(
                attachStatusNotIn: [.attached],
                migrationStatus: VolumeCondition.availableMigrationStatus,
                hasNoSnapshots: !cascade,
                notInGroup: true
            )
        )
    }

    /// Where ``delete(force:cascade:)`` leaves a volume now in `status`.
    public static func deleteTarget(from status: VolumeStatus) -> VolumeStatus {
        status == .errorManaging ? .errorManagingDeleting : .deleting
    }

    /// The driver failed to delete: `deleting` → `error_deleting`.
    public static let deleteFailed = VolumeTransition(
        "delete_volume",
        from: [.deleting, .errorManagingDeleting],
        to: .status(.errorDeleting)
    )

    // MARK: - Update

    /// `update` (name, description, bootable): anything but `maintenance`.
    public static let update = VolumeTransition(
        "update",
        from: nil,
        to: .unchanged,
        guards: VolumeCondition(statusNotIn: [.maintenance])
    )

    /// Statuses in which the volume's metadata cannot change (`_check_metadata_api_allowed`).
    public static let metadataFrozen: Set<VolumeStatus> = [.maintenance, .uploading]

    /// Metadata create, update and delete: not in ``metadataFrozen``.
    public static let updateMetadata = VolumeTransition(
        "update_volume_metadata",
        from: nil,
        to: .unchanged,
        guards: VolumeCondition(statusNotIn: metadataFrozen)
    )

    // MARK: - Extend

    /// `extend`: `available` → `extending`; with `attached` (3.42, `extend_attached_volume`)
    /// `in-use` → `extending`. The API saves the status it left in `previous_status`.
    public static func extend(attached: Bool) -> VolumeTransition {
        VolumeTransition("extend", from: [attached ? .inUse : .available], to: .status(.extending))
    }

    /// The cast failed, or the scheduler found no room: `extending` → the status before.
    public static let extendRolledBack = VolumeTransition("extend", from: [.extending], to: .given)
    /// The driver grew the volume: `extending` → `available`, or `in-use` when attached (given).
    public static let extended = VolumeTransition("extend_volume", from: [.extending], to: .given)
    /// The driver failed: `extending` → `error_extending`.
    public static let extendFailed = VolumeTransition(
        "extend_volume",
        from: [.extending],
        to: .status(.errorExtending)
    )

    // MARK: - Revert to snapshot (3.40)

    /// `revert`: `available` → `reverting`.
    public static let revert = VolumeTransition("revert", from: [.available], to: .status(.reverting))
    /// The snapshot could not be marked or the cast failed: `reverting` → `available`.
    public static let revertRolledBack = VolumeTransition("revert", from: [.reverting], to: .status(.available))
    /// The driver put the snapshot's data back: `reverting` → `available`.
    public static let reverted = VolumeTransition(
        "revert_to_snapshot",
        from: [.reverting],
        to: .status(.available)
    )
    /// The driver failed: `reverting` → `error`.
    public static let revertFailed = VolumeTransition(
        "revert_to_snapshot",
        from: [.reverting],
        to: .status(.error)
    )

    // MARK: - Legacy attach (os-reserve … os-detach)

    /// `attach`, `detach` and `initialize_connection`: refused in `maintenance`.
    public static let attach = VolumeTransition(
        "attach",
        from: nil,
        to: .unchanged,
        guards: VolumeCondition(statusNotIn: [.maintenance])
    )
    public static let detach = VolumeTransition(
        "detach",
        from: nil,
        to: .unchanged,
        guards: VolumeCondition(statusNotIn: [.maintenance])
    )
    /// The manager's `attach_volume` (`volume_attached`, a plain write): whatever the status,
    /// `in-use` (with `attach_status` `attached` alongside once the row is attached).
    public static let attachedLegacy = VolumeTransition("attach_volume", from: nil, to: .status(.inUse))
    /// The manager's `detach_volume` on a volume with no attachment left to detach: whatever
    /// the status, `available` (with `attach_status` `detached` alongside).
    public static let detachedWithoutAttachments = VolumeTransition(
        "detach_volume",
        from: nil,
        to: .status(.available)
    )
    public static let initializeConnection = VolumeTransition(
        "initialize_connection",
        from: nil,
        to: .unchanged,
        guards: VolumeCondition(statusNotIn: [.maintenance])
    )

    /// `update_readonly_flag`: only an `available` volume.
    public static let updateReadonlyFlag = VolumeTransition(
        "update_readonly_flag",
        from: [.available],
        to: .unchanged
    )

    /// `reserve_volume`: `available` → `attaching`; a multiattach volume also from `in-use`.
    public static func reserve(multiattach: Bool) -> VolumeTransition {
        VolumeTransition(
            "reserve_volume",
            from: multiattach ? [.available, .inUse] : [.available],
            to: .status(.attaching)
        )
    }

    /// `unreserve_volume` of a volume that has attachments: `attaching` → `in-use`.
    public static let unreserveAttached = VolumeTransition(
        "unreserve_volume",
        from: [.attaching],
        to: .status(.inUse),
        guards: VolumeCondition(hasAttachments: true)
    )
    /// `unreserve_volume` of a volume without attachments: `attaching` → `available`.
    public static let unreserveDetached = VolumeTransition(
        "unreserve_volume",
        from: [.attaching],
        to: .status(.available),
        guards: VolumeCondition(hasAttachments: false)
    )
    /// `begin_detaching`: `in-use`, `attached` and not migrating → `detaching`.
    public static let beginDetaching = VolumeTransition(
        "begin_detaching",
        from: [.inUse],
        to: .status(.detaching),
        guards: VolumeCondition(attachStatus: [.attached], migrationStatus: VolumeCondition.availableMigrationStatus)
    )
    /// `roll_detaching`: `detaching` → `in-use`.
    public static let rollDetaching = VolumeTransition("roll_detaching", from: [.detaching], to: .status(.inUse))

    // MARK: - Retype and migration

    /// `retype`: `available` or `in-use`, not migrating, not in a group, of another type →
    /// `retyping` (the status it left saved in `previous_status`).
    /// A retype that changes whether the volume is multiattach needs it `available`.
    public static func retype(to newTypeID: String, changingMultiattach: Bool = false) -> VolumeTransition {
        VolumeTransition(
            "retype",
            from: changingMultiattach ? [.available] : [.available, .inUse],
            to: .status(.retyping),
            guards: VolumeCondition(
                migrationStatus: VolumeCondition.availableMigrationStatus,
                notInGroup: true,
                volumeTypeIDNot: newTypeID
            )
        )
    }

    /// A retype that ends (done in place, refused, failed, cast lost): `retyping` → the
    /// status before.
    public static let retypeEnded = VolumeTransition("retype", from: [.retyping], to: .given)

    /// A retype that needs a migration starts one: still `retyping`, not migrating.
    public static let retypeMigrates = VolumeTransition(
        "retype",
        from: [.retyping],
        to: .unchanged,
        guards: VolumeCondition(migrationStatus: VolumeCondition.availableMigrationStatus)
    )

    /// `migrate_volume`: `available` or `in-use`, not migrating, without snapshots, not in a
    /// group, not already on `host` (nil for a cluster destination); with `lock` (cinder's
    /// `lock_volume`) an `available` volume goes `maintenance`.
    public static func migrate(lock: Bool, currentStatus: VolumeStatus, host: String?) -> VolumeTransition {
        let locks = lock && currentStatus == .available
        return VolumeTransition(
            "migrate_volume",
            from: locks ? [.available] : [.available, .inUse],
            to: locks ? .status(.maintenance) : .unchanged,
            guards: VolumeCondition(
                migrationStatus: VolumeCondition.availableMigrationStatus,
                hasNoSnapshots: true,
                notInGroup: true,
                hostNot: host
            )
        )
    }

    /// A migration that has not started (cast lost, destination refused): the volume is still
    /// `starting`; the status goes back to the one before.
    public static let migrationRolledBack = VolumeTransition(
        "migrate_volume",
        from: nil,
        to: .given,
        guards: VolumeCondition(migrationStatus: ["starting"])
    )

    // MARK: - Images

    /// `copy_volume_to_image` (`os-volume_upload_image`): `available` → `uploading`; with
    /// `force` also from `in-use`.
    public static func upload(force: Bool) -> VolumeTransition {
        VolumeTransition(
            "copy_volume_to_image",
            from: force ? [.available, .inUse] : [.available],
            to: .status(.uploading)
        )
    }

    /// An upload that ends (done, failed, cast lost): `uploading` → the status before.
    public static let uploadEnded = VolumeTransition("copy_volume_to_image", from: [.uploading], to: .given)

    /// `reimage` (3.68): `available` or `error` → `downloading`; with `reimage_reserved` also
    /// from `reserved`.
    public static func reimage(reserved: Bool) -> VolumeTransition {
        VolumeTransition(
            "reimage",
            from: reserved ? [.available, .error, .reserved] : [.available, .error],
            to: .status(.downloading)
        )
    }

    /// A reimage that ends (done, cast lost): `downloading` → the status before.
    public static let reimageEnded = VolumeTransition("reimage", from: [.downloading], to: .given)
    /// The image could not be written: `downloading` → `error`.
    public static let reimageFailed = VolumeTransition("reimage", from: [.downloading], to: .status(.error))

    // MARK: - Snapshots and backups

    /// `create_snapshot` reads the volume: `available`, or `in-use` too with `force` (or from
    /// 3.66, where in-use is allowed unless `force` is false).
    public static func snapshot(inUseAllowed: Bool) -> VolumeTransition {
        VolumeTransition("create_snapshot", from: inUseAllowed ? [.available, .inUse] : [.available], to: .unchanged)
    }

    /// The statuses a volume may be backed up from: `available`, and `in-use` with `force`.
    public static func backupSources(force: Bool) -> Set<VolumeStatus> {
        force ? [.available, .inUse] : [.available]
    }

    /// `backup create` of the volume itself: the status it was checked in (one of
    /// ``backupSources(force:)``) → `backing-up`, the status saved in `previous_status`.
    public static func backup(from status: VolumeStatus) -> VolumeTransition {
        VolumeTransition("create_backup", from: [status], to: .status(.backingUp))
    }

    /// A backup that ends (done, failed, no backup host): `backing-up` → the status before.
    public static let backupEnded = VolumeTransition("create_backup", from: [.backingUp], to: .given)

    /// `restore` into an existing volume: `available` → `restoring-backup`.
    public static let restoreBackup = VolumeTransition(
        "restore_backup",
        from: [.available],
        to: .status(.restoringBackup)
    )

    /// The backup service restores into `restoring-backup` (an existing volume) or `creating`
    /// (a volume created from the backup); done → `available`.
    public static let restored = VolumeTransition(
        "restore_backup",
        from: [.restoringBackup, .creating],
        to: .status(.available)
    )

    /// A restore that failed: a volume being created (`creating`, or a volume created from
    /// the backup, `volume_is_new`) → `error`, an existing one → `error_restoring`.
    public static func restoreFailed(from status: VolumeStatus, volumeIsNew: Bool = false) -> VolumeTransition {
        VolumeTransition(
            "restore_backup",
            from: [status],
            to: .status(status == .creating || volumeIsNew ? .error : .errorRestoring)
        )
    }

    /// A volume created from a backup (3.47 `backup_id`): its backend has made the blank
    /// volume and the volume manager hands it to the backup service, which fills it
    /// (`creating` → `restoring-backup`, then ``restored``).
    public static let restoringNewVolume = VolumeTransition(
        "create_volume",
        from: [.creating],
        to: .status(.restoringBackup)
    )

    /// The backup service's start-up recovery: a volume left in `status` by an interrupted
    /// backup or restore goes to `target` (cinder's `_cleanup_one_volume`).
    public static func recovered(from status: VolumeStatus, to target: VolumeStatus) -> VolumeTransition {
        VolumeTransition("init_host", from: [status], to: .status(target))
    }

    // MARK: - Unconditional outcomes

    /// cinder writes these outcomes whatever the status (`volume.status = …; volume.save()`):
    /// the volume's status no longer matters once the operation has failed this way.

    /// A migration's temporary destination volume is discarded (the migration failed): it
    /// is `deleting` while its backend deletes it.
    public static let temporaryVolumeDiscarded = VolumeTransition(
        "migrate_volume",
        from: nil,
        to: .status(.deleting)
    )

    /// `migrate_volume_completion` with an error: the source goes back to the status it had
    /// before the migration (given), with `migration_status` `error` alongside.
    public static let migrationFailed = VolumeTransition("migrate_volume_completion", from: nil, to: .given)

    /// `restore_backup` found the volume in a status a restore does not write into:
    /// `error_restoring`.
    public static let restoreRefused = VolumeTransition("restore_backup", from: nil, to: .status(.errorRestoring))

    /// `restore_backup` cannot restore this backup (not restoring, made by another driver):
    /// the volume it was to fill goes to `error`.
    public static let restoreAborted = VolumeTransition("restore_backup", from: nil, to: .status(.error))

    // MARK: - Admin override

    /// `os-reset_status` (admins only): from any status to the one the admin gives (none
    /// given: the status stays and only `attach_status`/`migration_status` change). An
    /// override of the rules above, not a step of an operation; ``resetRefusal(to:hasAttachments:)``
    /// says which targets cinder still refuses.
    public static let resetStatus = VolumeTransition("reset_status", from: nil, to: .given)

    /// Why cinder refuses to reset a volume to `status`, or nil: never to `deleting` (cinder
    /// meant to refuse `error_deleting` and `detaching` too, but its tuple lacks a comma), and
    /// to `in-use` only with attachments.
    public static func resetRefusal(to status: VolumeStatus, hasAttachments: Bool) -> String? {
        switch status {
        case .deleting: "Cannot reset-state to deleting"
        case .inUse where !hasAttachments:
            "Cannot reset-state to in-use because volume does not have any attachments."
        default: nil
        }
    }
}

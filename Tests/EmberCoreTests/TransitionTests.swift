import EmberCore
import Testing

/// cinder 29.0.0's status rules, written from its source independently of the tables in
/// `Sources/EmberCore/Transitions`: for each operation, the statuses it may start from and
/// where it leaves the status. Every (operation, status) pair is checked.
@Suite struct VolumeTransitionTests {
    struct Rule: Sendable, CustomTestStringConvertible {
        var transition: VolumeTransition
        /// Where cinder allows the operation (`expected={'status': …}` or the API's check).
        var cinderAllows: Set<VolumeStatus>
        var target: TransitionTarget<VolumeStatus>
        var testDescription: String { transition.name + " " + "\(target)" }
    }

    static let everyStatusButMaintenance = Set(VolumeStatus.allCases).subtracting([.maintenance])

    static let rules: [Rule] = [
        // volume/api.py:delete — 'available', 'error', 'error_restoring', 'error_extending',
        // 'error_managing'; force skips the status check.
        Rule(
            transition: VolumeTransitions.delete(force: false, cascade: false),
            cinderAllows: [.available, .error, .errorRestoring, .errorExtending, .errorManaging],
            target: .status(.deleting)
        ),
        Rule(
            transition: VolumeTransitions.delete(force: true, cascade: true),
            cinderAllows: Set(VolumeStatus.allCases),
            target: .status(.deleting)
        ),
        // volume/api.py:update — refused in maintenance.
        Rule(transition: VolumeTransitions.update, cinderAllows: everyStatusButMaintenance, target: .unchanged),
        // _check_metadata_api_allowed: not in maintenance or uploading.
        Rule(
            transition: VolumeTransitions.updateMetadata,
            cinderAllows: Set(VolumeStatus.allCases).subtracting([.maintenance, .uploading]),
            target: .unchanged
        ),
        // volume/api.py:extend — 'available'; _extend for attached (3.42) — 'in-use'.
        Rule(
            transition: VolumeTransitions.extend(attached: false),
            cinderAllows: [.available],
            target: .status(.extending)
        ),
        Rule(transition: VolumeTransitions.extend(attached: true), cinderAllows: [.inUse], target: .status(.extending)),
        Rule(transition: VolumeTransitions.extendRolledBack, cinderAllows: [.extending], target: .given),
        Rule(transition: VolumeTransitions.extended, cinderAllows: [.extending], target: .given),
        Rule(transition: VolumeTransitions.extendFailed, cinderAllows: [.extending], target: .status(.errorExtending)),
        // volume/api.py:revert_to_snapshot — volume 'available' → 'reverting'.
        Rule(transition: VolumeTransitions.revert, cinderAllows: [.available], target: .status(.reverting)),
        Rule(transition: VolumeTransitions.reverted, cinderAllows: [.reverting], target: .status(.available)),
        Rule(transition: VolumeTransitions.revertFailed, cinderAllows: [.reverting], target: .status(.error)),
        Rule(transition: VolumeTransitions.revertRolledBack, cinderAllows: [.reverting], target: .status(.available)),
        // volume/api.py:reserve_volume — 'available', plus 'in-use' for multiattach.
        Rule(
            transition: VolumeTransitions.reserve(multiattach: false),
            cinderAllows: [.available],
            target: .status(.attaching)
        ),
        Rule(
            transition: VolumeTransitions.reserve(multiattach: true),
            cinderAllows: [.available, .inUse],
            target: .status(.attaching)
        ),
        // unreserve_volume — 'attaching' → 'in-use' with attachments, else 'available'.
        Rule(transition: VolumeTransitions.unreserveAttached, cinderAllows: [.attaching], target: .status(.inUse)),
        Rule(transition: VolumeTransitions.unreserveDetached, cinderAllows: [.attaching], target: .status(.available)),
        // begin_detaching — 'in-use'; roll_detaching — 'detaching'.
        Rule(transition: VolumeTransitions.beginDetaching, cinderAllows: [.inUse], target: .status(.detaching)),
        Rule(transition: VolumeTransitions.rollDetaching, cinderAllows: [.detaching], target: .status(.inUse)),
        // volume/api.py:retype — 'available', 'in-use'; only 'available' when multiattach changes.
        Rule(
            transition: VolumeTransitions.retype(to: "t2"),
            cinderAllows: [.available, .inUse],
            target: .status(.retyping)
        ),
        Rule(
            transition: VolumeTransitions.retype(to: "t2", changingMultiattach: true),
            cinderAllows: [.available],
            target: .status(.retyping)
        ),
        Rule(transition: VolumeTransitions.retypeEnded, cinderAllows: [.retyping], target: .given),
        Rule(transition: VolumeTransitions.retypeMigrates, cinderAllows: [.retyping], target: .unchanged),
        // volume/api.py:migrate_volume — 'available', 'in-use'; lock_volume puts an
        // available volume in 'maintenance'.
        Rule(
            transition: VolumeTransitions.migrate(lock: false, currentStatus: .inUse, host: "h"),
            cinderAllows: [.available, .inUse],
            target: .unchanged
        ),
        Rule(
            transition: VolumeTransitions.migrate(lock: true, currentStatus: .available, host: "h"),
            cinderAllows: [.available],
            target: .status(.maintenance)
        ),
        Rule(
            transition: VolumeTransitions.migrate(lock: true, currentStatus: .inUse, host: "h"),
            cinderAllows: [.available, .inUse],
            target: .unchanged
        ),
        Rule(
            transition: VolumeTransitions.migrationRolledBack,
            cinderAllows: Set(VolumeStatus.allCases),
            target: .given
        ),
        // copy_volume_to_image — 'available', plus 'in-use' with force.
        Rule(
            transition: VolumeTransitions.upload(force: false),
            cinderAllows: [.available],
            target: .status(.uploading)
        ),
        Rule(
            transition: VolumeTransitions.upload(force: true),
            cinderAllows: [.available, .inUse],
            target: .status(.uploading)
        ),
        Rule(transition: VolumeTransitions.uploadEnded, cinderAllows: [.uploading], target: .given),
        // reimage — 'available', 'error', plus 'reserved' with reimage_reserved.
        Rule(
            transition: VolumeTransitions.reimage(reserved: false),
            cinderAllows: [.available, .error],
            target: .status(.downloading)
        ),
        Rule(
            transition: VolumeTransitions.reimage(reserved: true),
            cinderAllows: [.available, .error, .reserved],
            target: .status(.downloading)
        ),
        Rule(transition: VolumeTransitions.reimageEnded, cinderAllows: [.downloading], target: .given),
        Rule(transition: VolumeTransitions.reimageFailed, cinderAllows: [.downloading], target: .status(.error)),
        // create_snapshot — 'available', plus 'in-use' with force (or 3.66).
        Rule(
            transition: VolumeTransitions.snapshot(inUseAllowed: false),
            cinderAllows: [.available],
            target: .unchanged
        ),
        Rule(
            transition: VolumeTransitions.snapshot(inUseAllowed: true),
            cinderAllows: [.available, .inUse],
            target: .unchanged
        ),
        // backup/api.py:create — the volume status it read → 'backing-up'; restore — 'available'.
        Rule(transition: VolumeTransitions.backup(from: .inUse), cinderAllows: [.inUse], target: .status(.backingUp)),
        Rule(transition: VolumeTransitions.backupEnded, cinderAllows: [.backingUp], target: .given),
        Rule(
            transition: VolumeTransitions.restoreBackup,
            cinderAllows: [.available],
            target: .status(.restoringBackup)
        ),
        // backup/manager.py:restore_backup — the volume 'restoring-backup' (or 'creating' for a
        // volume created from the backup) → 'available'.
        Rule(
            transition: VolumeTransitions.restored,
            cinderAllows: [.restoringBackup, .creating],
            target: .status(.available)
        ),
        Rule(
            transition: VolumeTransitions.restoreFailed(from: .creating),
            cinderAllows: [.creating],
            target: .status(.error)
        ),
        Rule(
            transition: VolumeTransitions.restoreFailed(from: .restoringBackup),
            cinderAllows: [.restoringBackup],
            target: .status(.errorRestoring)
        ),
        // A volume created from a backup (volume_is_new): the restore's failure is 'error'
        // (restore_backup's `volume_previous_status == CREATING` rule), and the create flow hands
        // the blank volume to the backup service from 'creating' only.
        Rule(
            transition: VolumeTransitions.restoreFailed(from: .restoringBackup, volumeIsNew: true),
            cinderAllows: [.restoringBackup],
            target: .status(.error)
        ),
        Rule(
            transition: VolumeTransitions.restoringNewVolume,
            cinderAllows: [.creating],
            target: .status(.restoringBackup)
        ),
        // attach, detach, initialize_connection: not in maintenance; update_readonly_flag: 'available'.
        Rule(transition: VolumeTransitions.attach, cinderAllows: everyStatusButMaintenance, target: .unchanged),
        // db.volume_attached / the manager's detach of a volume with nothing attached: plain writes.
        Rule(
            transition: VolumeTransitions.attachedLegacy,
            cinderAllows: Set(VolumeStatus.allCases),
            target: .status(.inUse)
        ),
        Rule(
            transition: VolumeTransitions.detachedWithoutAttachments,
            cinderAllows: Set(VolumeStatus.allCases),
            target: .status(.available)
        ),
        Rule(transition: VolumeTransitions.detach, cinderAllows: everyStatusButMaintenance, target: .unchanged),
        Rule(
            transition: VolumeTransitions.initializeConnection,
            cinderAllows: everyStatusButMaintenance,
            target: .unchanged
        ),
        Rule(transition: VolumeTransitions.updateReadonlyFlag, cinderAllows: [.available], target: .unchanged),
        // The create flow: the scheduler and the volume manager act on 'creating' only.
        Rule(transition: VolumeTransitions.schedule, cinderAllows: [.creating], target: .unchanged),
        Rule(transition: VolumeTransitions.created, cinderAllows: [.creating], target: .status(.available)),
        Rule(transition: VolumeTransitions.createFailed, cinderAllows: [.creating], target: .status(.error)),
        // volume/manager.py _do_cleanup: creating or downloading work of a dead service → error.
        Rule(
            transition: VolumeTransitions.cleanedUp,
            cinderAllows: [.creating, .downloading],
            target: .status(.error)
        ),
        // delete_volume failure — 'error_deleting' from 'deleting' (and managing's deleting).
        Rule(
            transition: VolumeTransitions.deleteFailed,
            cinderAllows: [.deleting, .errorManagingDeleting],
            target: .status(.errorDeleting)
        ),
        // Outcomes cinder writes whatever the status: a discarded migration destination
        // (`_clean_temporary_volume`), a failed migration completion (back to the status
        // before), a restore into a volume in the wrong status or of a backup it cannot restore.
        Rule(
            transition: VolumeTransitions.temporaryVolumeDiscarded,
            cinderAllows: Set(VolumeStatus.allCases),
            target: .status(.deleting)
        ),
        Rule(transition: VolumeTransitions.migrationFailed, cinderAllows: Set(VolumeStatus.allCases), target: .given),
        Rule(
            transition: VolumeTransitions.restoreRefused,
            cinderAllows: Set(VolumeStatus.allCases),
            target: .status(.errorRestoring)
        ),
        Rule(
            transition: VolumeTransitions.restoreAborted,
            cinderAllows: Set(VolumeStatus.allCases),
            target: .status(.error)
        ),
        // Manage existing: the API inserts 'managing'; the scheduler and the manager's flow
        // act on it alone and end 'available' or 'error_managing'.
        Rule(transition: VolumeTransitions.scheduleManage, cinderAllows: [.managing], target: .unchanged),
        Rule(transition: VolumeTransitions.managed, cinderAllows: [.managing], target: .status(.available)),
        Rule(transition: VolumeTransitions.manageFailed, cinderAllows: [.managing], target: .status(.errorManaging)),
        // volume/api.py:delete(unmanage_only=True) — the delete's statuses → 'unmanaging';
        // the manager's _clear_db(volume, 'error_unmanaging') on a driver failure.
        Rule(
            transition: VolumeTransitions.unmanage,
            cinderAllows: [.available, .error, .errorRestoring, .errorExtending, .errorManaging],
            target: .status(.unmanaging)
        ),
        Rule(
            transition: VolumeTransitions.unmanageFailed,
            cinderAllows: [.unmanaging],
            target: .status(.errorUnmanaging)
        ),
        // admin_actions.py:_reset_status — a direct write whatever the status.
        Rule(transition: VolumeTransitions.resetStatus, cinderAllows: Set(VolumeStatus.allCases), target: .given),
        // Volume transfers (db/api.py): transfer_create expects 'available' and writes
        // 'awaiting-transfer'; transfer_destroy and transfer_accept expect 'awaiting-transfer'
        // and write 'available'.
        Rule(
            transition: VolumeTransitions.transferCreate,
            cinderAllows: [.available],
            target: .status(.awaitingTransfer)
        ),
        Rule(
            transition: VolumeTransitions.transferDelete,
            cinderAllows: [.awaitingTransfer],
            target: .status(.available)
        ),
        Rule(
            transition: VolumeTransitions.transferAccept,
            cinderAllows: [.awaitingTransfer],
            target: .status(.available)
        ),
        // manager.py:accept_transfer — a failed model update writes 'error' whatever the status.
        Rule(
            transition: VolumeTransitions.transferAcceptFailed,
            cinderAllows: Set(VolumeStatus.allCases),
            target: .status(.error)
        ),
    ]

    @Test(arguments: rules, VolumeStatus.allCases)
    func allowsExactlyWhatCinderAllows(rule: Rule, status: VolumeStatus) {
        #expect(
            rule.transition.allows(status) == rule.cinderAllows.contains(status),
            "\(rule.transition.name) from \(status.rawValue)"
        )
    }

    @Test(arguments: rules)
    func movesTheStatusWhereCinderDoes(rule: Rule) {
        #expect(rule.transition.target == rule.target)
        // The conditional update enforces the same statuses the check does.
        #expect(rule.transition.condition.status == rule.transition.from)
    }

    @Test func deleteGuardsWhatCinderGuards() {
        let plain = VolumeTransitions.delete(force: false, cascade: false).condition
        #expect(plain.attachStatusNotIn == [.attached])
        #expect(plain.migrationStatus == VolumeCondition.availableMigrationStatus)
        #expect(plain.hasNoSnapshots)
        #expect(plain.notInGroup)
        #expect(!VolumeTransitions.delete(force: false, cascade: true).condition.hasNoSnapshots)
        #expect(VolumeTransitions.deleteTarget(from: .errorManaging) == .errorManagingDeleting)
        #expect(VolumeTransitions.deleteTarget(from: .available) == .deleting)
    }

    @Test func attachAndMigrationGuards() {
        #expect(VolumeTransitions.beginDetaching.condition.attachStatus == [.attached])
        #expect(VolumeTransitions.unreserveAttached.condition.hasAttachments == true)
        #expect(VolumeTransitions.unreserveDetached.condition.hasAttachments == false)
        let retype = VolumeTransitions.retype(to: "gold").condition
        #expect(retype.volumeTypeIDNot == "gold" && retype.notInGroup)
        let migrate = VolumeTransitions.migrate(lock: false, currentStatus: .available, host: "node@a").condition
        #expect(migrate.hostNot == "node@a" && migrate.hasNoSnapshots && migrate.notInGroup)
        #expect(VolumeTransitions.migrationRolledBack.condition.migrationStatus == ["starting"])
    }

    /// `os-reset_status` refuses `deleting` (cinder's `('error_deleting' 'detaching')` lacks
    /// its comma, so those two pass) and `in-use` without attachments; every other target passes.
    @Test(arguments: VolumeStatus.allCases)
    func resetRefusesWhatCinderRefuses(status: VolumeStatus) {
        let refusedAlways = status == .deleting
        #expect((VolumeTransitions.resetRefusal(to: status, hasAttachments: true) != nil) == refusedAlways)
        #expect(
            (VolumeTransitions.resetRefusal(to: status, hasAttachments: false) != nil)
                == (refusedAlways || status == .inUse)
        )
    }

    @Test func changesWriteTheTargetFirstAndAGivenStatusOnlyWhenGiven() {
        #expect(VolumeTransitions.revert.changes() == [.status(.reverting)])
        #expect(VolumeTransitions.extended.changes(given: .inUse, also: [.size(3)]) == [.status(.inUse), .size(3)])
        #expect(
            VolumeTransitions.migrationRolledBack.changes(also: [.migrationStatus("error")]) == [
                .migrationStatus("error")
            ]
        )
        #expect(VolumeTransitions.update.changes(also: [.bootable(true)]) == [.bootable(true)])
    }
}

@Suite struct ManageTransitionTests {
    /// The unmanage conditional update carries the delete's guards (not attached, not
    /// migrating, no snapshots, no group); a volume that failed to be managed goes
    /// 'error_managing_deleting', the others 'unmanaging'.
    @Test func unmanageGuardsAndTargets() {
        let guards = VolumeTransitions.unmanage.condition
        #expect(guards.attachStatusNotIn == [.attached])
        #expect(guards.hasNoSnapshots)
        #expect(guards.notInGroup)
        #expect(guards.migrationStatus == VolumeCondition.availableMigrationStatus)
        for status in VolumeStatus.allCases {
            #expect(
                VolumeTransitions.unmanageTarget(from: status)
                    == (status == .errorManaging ? .errorManagingDeleting : .unmanaging)
            )
        }
        #expect(VolumeStatus.errorUnmanaging.displayed == .errorUnmanaging)
        #expect(VolumeStatus.managing.displayed == .creating)
    }
}

@Suite struct SnapshotAndBackupTransitionTests {
    @Test(arguments: SnapshotStatus.allCases)
    func snapshotRules(status: SnapshotStatus) {
        // volume/api.py:delete_snapshot — 'available', 'error'; force skips.
        #expect(SnapshotTransitions.delete(force: false).allows(status) == [.available, .error].contains(status))
        #expect(SnapshotTransitions.delete(force: true).allows(status))
        #expect(SnapshotTransitions.delete(force: true).condition.notInGroupSnapshot)
        #expect(SnapshotTransitions.created.allows(status) == (status == .creating))
        #expect(SnapshotTransitions.createFailed.allows(status) == (status == .creating))
        #expect(SnapshotTransitions.deleteFailed.allows(status) == (status == .deleting))
        #expect(SnapshotTransitions.deleteRolledBack.allows(status) == (status == .deleting))
        // revert reads an 'available' snapshot and leaves it 'restoring'.
        #expect(SnapshotTransitions.restore.allows(status) == (status == .available))
        #expect(SnapshotTransitions.restored.allows(status) == (status == .restoring))
        // backup/api.py:create from a snapshot — 'available'.
        #expect(SnapshotTransitions.backup.allows(status) == (status == .available))
        #expect(SnapshotTransitions.backupEnded.allows(status) == (status == .backingUp))
        // create_volume from a snapshot — 'available'.
        #expect(SnapshotTransitions.cloneSource.allows(status) == (status == .available))
        // delete_snapshot(unmanage_only=True): 'available' or 'error' → 'unmanaging'.
        #expect(SnapshotTransitions.unmanage.allows(status) == [.available, .error].contains(status))
        #expect(SnapshotTransitions.unmanage.condition.notInGroupSnapshot)
        #expect(SnapshotTransitions.unmanageFailed.allows(status) == (status == .unmanaging))
        #expect(SnapshotTransitions.unmanageRolledBack.allows(status) == (status == .unmanaging))
    }

    @Test(arguments: SnapshotStatus.allCases, SnapshotStatus.allCases)
    func snapshotStatusUpdates(from status: SnapshotStatus, to next: SnapshotStatus) {
        // snapshot_actions.py: creating → creating/available/error; deleting →
        // deleting/error_deleting; nothing else.
        let cinder: [SnapshotStatus: Set<SnapshotStatus>] = [
            .creating: [.creating, .available, .error], .deleting: [.deleting, .errorDeleting],
        ]
        let transition = SnapshotTransitions.updateStatus(from: status, to: next)
        #expect((transition != nil) == (cinder[status]?.contains(next) ?? false))
        if let transition {
            #expect(transition.allows(status) && transition.target == .status(next))
        }
    }

    @Test(arguments: BackupStatus.allCases)
    func backupRules(status: BackupStatus) {
        // backup/api.py:delete — 'available', 'error'; force: any live status.
        #expect(BackupTransitions.delete(force: false).allows(status) == [.available, .error].contains(status))
        #expect(BackupTransitions.delete(force: true).allows(status) == (status != .deleted))
        #expect(BackupTransitions.restore.allows(status) == (status == .available))
        #expect(BackupTransitions.restoreEnded.allows(status) == (status == .restoring))
        #expect(BackupTransitions.created.allows(status) == (status == .creating))
        #expect(BackupTransitions.finishDelete.allows(status) == (status == .deleting))
        // export_record and the parent of an incremental — 'available'.
        #expect(BackupTransitions.export.allows(status) == (status == .available))
        #expect(BackupTransitions.parentOfIncremental.allows(status) == (status == .available))
        // backup/manager.py: update_backup_error, an abandoned restore and reset_status write
        // whatever the status; import_record finishes the row the API inserted 'creating'.
        #expect(BackupTransitions.failed.allows(status))
        #expect(BackupTransitions.restoreAbandoned.allows(status))
        #expect(BackupTransitions.resetStatus.allows(status))
        #expect(BackupTransitions.imported.allows(status) == (status == .creating))
        // _cleanup_incomplete_backup_operations: creating → error, restoring → available.
        #expect(BackupTransitions.recovered(from: .creating, to: .error).allows(status) == (status == .creating))
        #expect(
            BackupTransitions.recovered(from: .restoring, to: .available).allows(status) == (status == .restoring)
        )
    }

    @Test(arguments: SnapshotStatus.allCases)
    func resetStatusStartsAnywhere(status: SnapshotStatus) {
        #expect(SnapshotTransitions.resetStatus.allows(status))
        #expect(SnapshotTransitions.resetStatus.changes(given: .error) == [.status(.error)])
    }

    @Test func targets() {
        #expect(SnapshotTransitions.delete(force: false).target == .status(.deleting))
        #expect(SnapshotTransitions.restore.target == .status(.restoring))
        #expect(SnapshotTransitions.deleteRolledBack.target == .given)
        #expect(SnapshotTransitions.unmanage.target == .status(.unmanaging))
        #expect(SnapshotTransitions.unmanageFailed.target == .status(.errorDeleting))
        #expect(SnapshotTransitions.unmanageRolledBack.target == .given)
        #expect(BackupTransitions.delete(force: true).changes(also: [.host("h")]) == [.status(.deleting), .host("h")])
        #expect(BackupTransitions.restore.target == .status(.restoring))
        #expect(BackupTransitions.created.target == .status(.available))
        #expect(BackupTransitions.failed.changes(also: [.failReason("x")]) == [.status(.error), .failReason("x")])
        #expect(BackupTransitions.restoreAbandoned.target == .status(.available))
        #expect(BackupTransitions.imported.target == .status(.available))
        #expect(BackupTransitions.resetStatus.changes(given: .error) == [.status(.error)])
        #expect(BackupTransitions.recovered(from: .creating, to: .error).target == .status(.error))
    }
}

@Suite struct InFlightOperationsTests {
    /// An owner as the actors that isolate the table use it.
    actor Owner {
        private var table = InFlightOperations()
        private(set) var log: [String] = []

        func acquire(_ key: String) async {
            if table.begin(key) { return }
            await withCheckedContinuation { table.wait(for: key, $0) }
        }

        func release(_ key: String) { table.end(key)?.resume() }
        func waiting(_ key: String) -> Int { table.waiting(for: key) }
        func record(_ entry: String) { log.append(entry) }
        var keys: [String] { table.keys.sorted() }
    }

    @Test func waitersGetTheKeyInArrivalOrderAndOtherKeysAreFree() async throws {
        let owner = Owner()
        await owner.acquire("v1")
        var tasks: [Task<Void, Never>] = []
        for index in 1...2 {
            tasks.append(
                Task {
                    await owner.acquire("v1")
                    await owner.record("waiter \(index)")
                    await owner.release("v1")
                }
            )
            // The next waiter queues only once this one does, so arrival order is fixed.
            while await owner.waiting("v1") < index { await Task.yield() }
        }
        await owner.acquire("v2")
        await owner.record("v2")
        await owner.release("v2")
        #expect(await owner.keys == ["v1"])
        await owner.record("v1 released")
        await owner.release("v1")
        for task in tasks { await task.value }
        #expect(await owner.log == ["v2", "v1 released", "waiter 1", "waiter 2"])
        #expect(await owner.keys.isEmpty)
    }
}

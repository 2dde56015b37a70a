/// One status rule of an attachment row (`volume_attachment.attach_status`): the statuses an
/// operation may find the row in and the one it leaves it in. cinder writes attachment rows
/// without a conditional update (the volume's conditional update, under the per-volume
/// lock, is what orders attaches), so this is the rule and the write, not a guard.
public struct AttachmentTransition: Sendable, Equatable {
    /// What cinder calls the operation (`attachment_update`, `attachment_complete`).
    public var name: String
    /// The statuses the row may be in; nil: any live status.
    public var from: Set<VolumeAttachStatus>?
    /// The status the row ends in.
    public var to: VolumeAttachStatus

    public init(_ name: String, from: Set<VolumeAttachStatus>?, to: VolumeAttachStatus) {
        self.name = name
        self.from = from
        self.to = to
    }

    /// Whether a row in `status` may take the transition. A `deleted` row is gone for every
    /// operation (cinder reads rows with `read_deleted="no"`).
    public func allows(_ status: VolumeAttachStatus) -> Bool {
        status != .deleted && (from?.contains(status) ?? true)
    }
}

/// The attachments API's status machine (`cinder/volume/api.py` `attachment_*`,
/// `volume/manager.py` `attachment_update`/`attachment_delete`, `db/sqlalchemy/api.py`
/// `volume_attach`/`volume_attached`/`volume_detached`), for the attachment rows; the
/// volume's side of the same flow is in ``VolumeTransitions`` (`attachmentReserve`,
/// `attachmentConnect`, `attachmentComplete`), next to the legacy `os-reserve`…`os-detach`
/// rules, and both flows end a detach with ``VolumeTransitions/afterDetach(remaining:status:migrationStatus:)``.
///
/// An attachment goes `reserved` (created) → `attaching` (a connector was given and the
/// backend exported the volume) → `attached` (`os-complete`) → gone (deleted, the volume's
/// statuses recomputed from the attachments left). A backend that is not initialised
/// leaves it `error_attaching`.
public enum AttachmentTransitions {
    /// `_attachment_reserve` (`volume_attach`): every new row starts `reserved`.
    public static let initialStatus: VolumeAttachStatus = .reserved

    /// The manager's `attachment_update` (`_connection_create` then `volume_attached` with
    /// `mark_attached=False`): any live row → `attaching`. cinder checks no status here: a
    /// second update (Nova's live migration) re-connects an `attached` row.
    public static let connect = AttachmentTransition("attachment_update", from: nil, to: .attaching)

    /// `attachment_update` when the driver is not initialised: → `error_attaching`.
    public static let connectFailed = AttachmentTransition("attachment_update", from: nil, to: .errorAttaching)

    /// The legacy `attach_volume` (`os-attach`): the row it created `attaching` → `attached`.
    public static let attachLegacy = AttachmentTransition("attach_volume", from: [.attaching], to: .attached)
    /// The legacy `attach_volume` refused the request after creating the row: →
    /// `error_attaching`.
    public static let attachLegacyFailed = AttachmentTransition(
        "attach_volume",
        from: [.attaching],
        to: .errorAttaching
    )

    /// `os-complete` (3.44): any live row → `attached`; cinder checks no status.
    public static let complete = AttachmentTransition("attachment_complete", from: nil, to: .attached)

    /// `attachment_delete`: any live row goes (soft-deleted, `attach_status` `deleted`).
    public static let delete = AttachmentTransition("attachment_delete", from: nil, to: .deleted)

    /// Whether deleting a row in `status` asks the volume's backend (RPC `attachment_delete`,
    /// which terminates the connection): every row but a `reserved` one, which never had a
    /// connection (cinder only notifies `detach.start` for it).
    public static func deleteCallsBackend(_ status: VolumeAttachStatus) -> Bool {
        status != .reserved
    }
}

extension VolumeTransitions {
    // MARK: - Attachments API (3.27)

    /// The volume statuses with `error` in their name: `attachment_create` (400
    /// `InvalidVolume`) and `attachment_update` (409 `ResourceConflict`) refuse them.
    public static let errorStatuses: Set<VolumeStatus> = Set(
        VolumeStatus.allCases.filter { $0.rawValue.contains("error") }
    )

    /// `attachment_create`: any status without `error` in it (then the reserve below decides).
    public static let attachmentCreate = VolumeTransition(
        "attachment_create",
        from: nil,
        to: .unchanged,
        guards: VolumeCondition(statusNotIn: errorStatuses)
    )

    /// `attachment_update`: any status without `error` in it.
    public static let attachmentUpdate = VolumeTransition(
        "attachment_update",
        from: nil,
        to: .unchanged,
        guards: VolumeCondition(statusNotIn: errorStatuses)
    )

    /// `_attachment_reserve`: `available` or `downloading` (a multiattach volume also
    /// `in-use`) → `reserved`. When it fails, a volume `in-use` or `reserved` that already has
    /// an attachment for the same instance is reserved again without a status change (Nova's
    /// live migration, LP #1694530; ``attachmentReserveOverride``).
    public static func attachmentReserve(multiattach: Bool) -> VolumeTransition {
        VolumeTransition(
            "attachment_reserve",
            from: multiattach ? [.available, .inUse, .downloading] : [.available, .downloading],
            to: .status(.reserved)
        )
    }

    /// The statuses in which a failed reserve may still attach the same instance again.
    public static let attachmentReserveOverride: Set<VolumeStatus> = [.inUse, .reserved]

    /// The manager's `attachment_update` (`volume_attached`, `mark_attached=False`): the
    /// volume → `attaching`, `attach_status` `attaching`, whatever its status (cinder writes
    /// it unconditionally; the API checked ``attachmentUpdate`` before the call).
    public static let attachmentConnect = VolumeTransition("attachment_update", from: nil, to: .status(.attaching))

    /// `os-complete`: the volume → `in-use`, `attach_status` `attached`, unconditionally.
    public static let attachmentComplete = VolumeTransition("attachment_complete", from: nil, to: .status(.inUse))

    /// cinder's `_get_statuses_from_attachments` and `volume_detached`, shared by the legacy
    /// `detach_volume` and `attachment_delete`: the volume's `attach_status` is the first of
    /// the remaining rows' statuses in alphabetical order, errors ignored (`attached` >
    /// `attaching` > `detached` > `reserved`), `detached` when none is left; its status
    /// follows (`attached` → `in-use`, `detached` → `available`, else the same word), except
    /// that a volume ending `detached` while migrating (not `success`/`error`) or uploading
    /// keeps its status, which those flows set later. Returns the changes to write.
    public static func afterDetach(
        remaining: [VolumeAttachStatus],
        status: VolumeStatus,
        migrationStatus: String?
    ) -> [VolumeUpdate] {
        let live = remaining.filter { !$0.rawValue.hasPrefix("error_") && $0 != .deleted }
        let attachStatus = live.min { $0.rawValue < $1.rawValue } ?? .detached
        var changes: [VolumeUpdate] = [.attachStatus(attachStatus)]
        let keepsStatus =
            attachStatus == .detached
            && ((migrationStatus != nil && !["success", "error"].contains(migrationStatus ?? ""))
                || (migrationStatus == nil && status == .uploading))
        let next: VolumeStatus? =
            switch attachStatus {
            case .attached: .inUse
            case .detached: .available
            default: VolumeStatus(rawValue: attachStatus.rawValue)
            }
        if let next, !keepsStatus { changes.append(.status(next)) }
        return changes
    }
}

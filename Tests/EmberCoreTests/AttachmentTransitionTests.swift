import EmberCore
import Testing

/// The attachments API's status rules (cinder 29.0.0 `volume/api.py` `attachment_*`,
/// `_attachment_reserve`, `volume/manager.py:attachment_update`, `db/sqlalchemy/api.py`
/// `volume_attached`/`volume_detached`), written from cinder's source independently of the
/// tables: every (operation, volume status) and (operation, attachment status) pair.
@Suite struct AttachmentTransitionTests {
    struct VolumeRule: Sendable, CustomTestStringConvertible {
        var transition: VolumeTransition
        var cinderAllows: Set<VolumeStatus>
        var target: TransitionTarget<VolumeStatus>
        var testDescription: String { transition.name + " " + "\(target)" }
    }

    /// `"error" in volume.status`, spelled out.
    static let errorStatuses: Set<VolumeStatus> = [
        .error, .errorDeleting, .errorManaging, .errorRestoring, .errorBackingUp, .errorExtending,
        .errorManagingDeleting, .errorUnmanaging,
    ]
    static let every = Set(VolumeStatus.allCases)

    static let volumeRules: [VolumeRule] = [
        // attachment_create: InvalidVolume when "error" is in the status.
        VolumeRule(
            transition: VolumeTransitions.attachmentCreate,
            cinderAllows: every.subtracting(errorStatuses),
            target: .unchanged
        ),
        // attachment_update: ResourceConflict when "error" is in the status.
        VolumeRule(
            transition: VolumeTransitions.attachmentUpdate,
            cinderAllows: every.subtracting(errorStatuses),
            target: .unchanged
        ),
        // _attachment_reserve: ('available', 'downloading'), plus 'in-use' when multiattach.
        VolumeRule(
            transition: VolumeTransitions.attachmentReserve(multiattach: false),
            cinderAllows: [.available, .downloading],
            target: .status(.reserved)
        ),
        VolumeRule(
            transition: VolumeTransitions.attachmentReserve(multiattach: true),
            cinderAllows: [.available, .inUse, .downloading],
            target: .status(.reserved)
        ),
        // volume_attached(mark_attached=False): 'attaching' whatever the status.
        VolumeRule(transition: VolumeTransitions.attachmentConnect, cinderAllows: every, target: .status(.attaching)),
        // os-complete: 'in-use' whatever the status.
        VolumeRule(transition: VolumeTransitions.attachmentComplete, cinderAllows: every, target: .status(.inUse)),
    ]

    @Test(arguments: volumeRules, VolumeStatus.allCases)
    func volumeSideAllowsExactlyWhatCinderAllows(rule: VolumeRule, status: VolumeStatus) {
        #expect(
            rule.transition.allows(status) == rule.cinderAllows.contains(status),
            "\(rule.transition.name) from \(status.rawValue)"
        )
    }

    @Test(arguments: volumeRules)
    func volumeSideMovesTheStatusWhereCinderDoes(rule: VolumeRule) {
        #expect(rule.transition.target == rule.target)
    }

    /// The same-instance exception of `_attachment_reserve` applies to 'in-use' and 'reserved'.
    @Test func reserveOverrideStatuses() {
        #expect(VolumeTransitions.attachmentReserveOverride == [.inUse, .reserved])
    }

    struct AttachmentRule: Sendable, CustomTestStringConvertible {
        var transition: AttachmentTransition
        var cinderAllows: Set<VolumeAttachStatus>
        var target: VolumeAttachStatus
        var testDescription: String { transition.name + " → " + target.rawValue }
    }

    /// Every status a live row can have (a deleted row is not found).
    static let live = Set(VolumeAttachStatus.allCases).subtracting([.deleted])

    static let attachmentRules: [AttachmentRule] = [
        // manager.attachment_update: no status check; volume_attached(mark_attached=False).
        AttachmentRule(transition: AttachmentTransitions.connect, cinderAllows: live, target: .attaching),
        // require_driver_initialized failed: ERROR_ATTACHING.
        AttachmentRule(transition: AttachmentTransitions.connectFailed, cinderAllows: live, target: .errorAttaching),
        // AttachmentsController.complete: attach_status ATTACHED, no check.
        AttachmentRule(transition: AttachmentTransitions.complete, cinderAllows: live, target: .attached),
        // attachment_delete: any row.
        AttachmentRule(transition: AttachmentTransitions.delete, cinderAllows: live, target: .deleted),
        // manager.attach_volume (legacy os-attach): the row it created 'attaching' becomes
        // 'attached', or 'error_attaching' when it refuses the mode or the instance id.
        AttachmentRule(transition: AttachmentTransitions.attachLegacy, cinderAllows: [.attaching], target: .attached),
        AttachmentRule(
            transition: AttachmentTransitions.attachLegacyFailed,
            cinderAllows: [.attaching],
            target: .errorAttaching
        ),
    ]

    @Test(arguments: attachmentRules, VolumeAttachStatus.allCases)
    func attachmentSideAllowsExactlyWhatCinderAllows(rule: AttachmentRule, status: VolumeAttachStatus) {
        #expect(rule.transition.allows(status) == rule.cinderAllows.contains(status))
        #expect(rule.transition.to == rule.target)
    }

    /// Only a reserved row skips the backend on delete (cinder only notifies for it).
    @Test(arguments: VolumeAttachStatus.allCases)
    func deleteCallsTheBackendUnlessReserved(status: VolumeAttachStatus) {
        #expect(AttachmentTransitions.deleteCallsBackend(status) == (status != .reserved))
        #expect(AttachmentTransitions.initialStatus == .reserved)
    }

    struct DetachCase: Sendable, CustomTestStringConvertible {
        var remaining: [VolumeAttachStatus]
        var status: VolumeStatus
        var migrationStatus: String?
        var attachStatus: VolumeAttachStatus
        var newStatus: VolumeStatus?
        var testDescription: String {
            "\(remaining.map(\.rawValue)) \(status.rawValue) \(migrationStatus ?? "-")"
        }
    }

    /// `_get_statuses_from_attachments` (alphabetical first, errors ignored; `ATTACH_STATUS_MAP`)
    /// and `volume_detached`'s exception for migrations and uploads.
    static let detachCases: [DetachCase] = [
        DetachCase(remaining: [], status: .inUse, attachStatus: .detached, newStatus: .available),
        DetachCase(remaining: [.attached, .reserved], status: .inUse, attachStatus: .attached, newStatus: .inUse),
        DetachCase(
            remaining: [.reserved, .attaching],
            status: .inUse,
            attachStatus: .attaching,
            newStatus: .attaching
        ),
        DetachCase(remaining: [.reserved], status: .attaching, attachStatus: .reserved, newStatus: .reserved),
        DetachCase(remaining: [.errorAttaching], status: .inUse, attachStatus: .detached, newStatus: .available),
        DetachCase(
            remaining: [.errorDetaching, .reserved],
            status: .inUse,
            attachStatus: .reserved,
            newStatus: .reserved
        ),
        // A migration or an upload sets the status itself later.
        DetachCase(
            remaining: [],
            status: .inUse,
            migrationStatus: "migrating",
            attachStatus: .detached,
            newStatus: nil
        ),
        DetachCase(
            remaining: [],
            status: .inUse,
            migrationStatus: "success",
            attachStatus: .detached,
            newStatus: .available
        ),
        DetachCase(remaining: [], status: .uploading, attachStatus: .detached, newStatus: nil),
        DetachCase(remaining: [.attached], status: .uploading, attachStatus: .attached, newStatus: .inUse),
    ]

    @Test(arguments: detachCases)
    func afterDetachFollowsTheRemainingAttachments(testCase: DetachCase) {
        let changes = VolumeTransitions.afterDetach(
            remaining: testCase.remaining,
            status: testCase.status,
            migrationStatus: testCase.migrationStatus
        )
        var expected: [VolumeUpdate] = [.attachStatus(testCase.attachStatus)]
        if let status = testCase.newStatus { expected.append(.status(status)) }
        #expect(changes == expected)
    }
}

import EmberCore
import Testing

/// cinder 29.0.0's group status rules, written from `group/api.py`, `scheduler/manager.py`
/// and the volume manager independently of ``GroupTransitions``: every (operation, status)
/// pair is checked.
@Suite struct GroupTransitionTests {
    struct Rule: Sendable, CustomTestStringConvertible {
        var transition: GroupTransition
        var cinderAllows: Set<GroupStatus>
        var target: TransitionTarget<GroupStatus>
        var testDescription: String { transition.name + " " + "\(target)" }
    }

    static let every = Set(GroupStatus.allCases)

    static let rules: [Rule] = [
        // filter_scheduler.schedule_create_group → generic_group_update_db (host only);
        // scheduler/manager.create_group NoValidBackend → 'error'.
        Rule(transition: GroupTransitions.schedule, cinderAllows: [.creating], target: .unchanged),
        Rule(transition: GroupTransitions.scheduleFailed, cinderAllows: [.creating], target: .status(.error)),
        // volume/manager.create_group: 'available', or 'error' when the driver fails.
        Rule(transition: GroupTransitions.created, cinderAllows: [.creating], target: .status(.available)),
        Rule(transition: GroupTransitions.createFailed, cinderAllows: [.creating], target: .status(.error)),
        // group/api.update: a rename expects nothing and writes 'available'; adding or removing
        // volumes expects 'available' and writes 'updating'.
        Rule(transition: GroupTransitions.rename, cinderAllows: every, target: .status(.available)),
        Rule(transition: GroupTransitions.beginUpdate, cinderAllows: [.available], target: .status(.updating)),
        Rule(transition: GroupTransitions.updated, cinderAllows: [.updating], target: .status(.available)),
        Rule(transition: GroupTransitions.updateFailed, cinderAllows: [.updating], target: .status(.error)),
        // group/api.delete: 'available' or 'error' without delete-volumes; any with it.
        Rule(
            transition: GroupTransitions.delete(deleteVolumes: false),
            cinderAllows: [.available, .error],
            target: .status(.deleting)
        ),
        Rule(transition: GroupTransitions.delete(deleteVolumes: true), cinderAllows: every, target: .status(.deleting)),
        Rule(transition: GroupTransitions.deleteFailed, cinderAllows: [.deleting], target: .status(.error)),
        // groups.reset_status: any status, to the one given.
        Rule(transition: GroupTransitions.resetStatus, cinderAllows: every, target: .given),
        Rule(transition: GroupTransitions.recoverFromUpdating, cinderAllows: [.updating], target: .status(.available)),
    ]

    @Test(arguments: rules, GroupStatus.allCases)
    func allowsWhatCinderAllows(rule: Rule, status: GroupStatus) {
        #expect(rule.transition.allows(status) == rule.cinderAllows.contains(status))
    }

    @Test(arguments: rules)
    func endsWhereCinderEnds(rule: Rule) {
        #expect(rule.transition.target == rule.target)
    }

    @Test func deleteGuardsWhatCinderGuards() {
        // ~group_has_group_snapshot_filter, ~group_has_volumes_filter(attached_or_with_snapshots=…),
        // ~group_creating_from_src.
        let plain = GroupTransitions.delete(deleteVolumes: false).condition
        #expect(plain.hasNoGroupSnapshots && plain.hasNoVolumes && plain.notSourceOfCreatingGroup)
        #expect(!plain.hasNoAttachedOrSnapshottedVolumes)
        let withVolumes = GroupTransitions.delete(deleteVolumes: true).condition
        #expect(withVolumes.hasNoGroupSnapshots && withVolumes.hasNoAttachedOrSnapshottedVolumes)
        #expect(!withVolumes.hasNoVolumes && withVolumes.notSourceOfCreatingGroup)
    }

    @Test(arguments: VolumeStatus.allCases)
    func volumesJoinAndLeaveAsCinderAllows(status: VolumeStatus) {
        // VALID_ADD_VOL_TO_GROUP_STATUS and VALID_REMOVE_VOL_FROM_GROUP_STATUS.
        #expect(GroupTransitions.volumeMayJoin.contains(status) == ["available", "in-use"].contains(status.rawValue))
        #expect(
            GroupTransitions.volumeMayLeave.contains(status)
                == ["available", "in-use", "error", "error_deleting"].contains(status.rawValue)
        )
    }

    @Test func resetWritesTheGivenStatus() {
        #expect(GroupTransitions.resetStatus.changes(given: .error) == [.status(.error)])
        #expect(GroupTransitions.schedule.changes(also: [.host("h@b#p")]) == [.host("h@b#p")])
    }
}

/// cinder 29.0.0's group snapshot status rules (`group/api.py:delete_group_snapshot`,
/// `reset_group_snapshot_status`, the volume manager's create and delete).
@Suite struct GroupSnapshotTransitionTests {
    @Test(arguments: GroupSnapshotStatus.allCases)
    func allowsWhatCinderAllows(status: GroupSnapshotStatus) {
        #expect(GroupSnapshotTransitions.created.allows(status) == (status == .creating))
        #expect(GroupSnapshotTransitions.createFailed.allows(status) == (status == .creating))
        #expect(GroupSnapshotTransitions.delete.allows(status) == [.available, .error].contains(status))
        #expect(GroupSnapshotTransitions.deleteFailed.allows(status) == (status == .deleting))
        #expect(GroupSnapshotTransitions.resetStatus.allows(status))
    }

    @Test func targetsAndGuards() {
        #expect(GroupSnapshotTransitions.created.target == .status(.available))
        #expect(GroupSnapshotTransitions.createFailed.target == .status(.error))
        #expect(GroupSnapshotTransitions.delete.target == .status(.deleting))
        #expect(GroupSnapshotTransitions.delete.condition.notSourceOfCreatingGroup)
        #expect(GroupSnapshotTransitions.deleteFailed.target == .status(.error))
        #expect(GroupSnapshotTransitions.resetStatus.changes(given: .error) == [.status(.error)])
    }
}

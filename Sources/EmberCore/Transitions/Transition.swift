/// Where a status transition leaves the resource's status.
public enum TransitionTarget<Status: Hashable & Sendable>: Sendable, Hashable {
    /// The status becomes this one.
    case status(Status)
    /// A status the caller gives: the one saved when the operation started
    /// (`previous_status`), or one it derives (`in-use` when the volume has attachments);
    /// none given leaves the status as it is.
    case given
    /// The status stays as it is; the transition only guards other changes.
    case unchanged
}

/// One status rule of a resource as data: the statuses an operation may start from, the
/// other guards it needs, and where it leaves the status. A transition is enforced with one
/// conditional update (`condition`), so two racing requests, in one process or several,
/// cannot both pass it.
public struct Transition<Status: Hashable & Sendable, Condition: StatusCondition<Status>>: Sendable, Equatable {
    /// What cinder calls the operation, for logs and tests (`extend`, `begin_detaching`).
    public var name: String
    /// The statuses the resource may be in; nil: any.
    public var from: Set<Status>?
    /// Where the status goes.
    public var target: TransitionTarget<Status>
    /// The conditional update that enforces `from` and the other guards.
    public var condition: Condition

    public init(name: String, from: Set<Status>?, target: TransitionTarget<Status>, condition: Condition) {
        self.name = name
        self.from = from
        self.target = target
        self.condition = condition
    }

    /// Whether a resource in `status` may start the transition (guards on other columns
    /// aside): the check an API makes before it writes, with the same rule the conditional
    /// update enforces.
    public func allows(_ status: Status) -> Bool {
        condition.admits(status)
    }

    /// The status the resource ends in; `given` is used for ``TransitionTarget/given``.
    public func status(given: Status?) -> Status? {
        switch target {
        case .status(let status): status
        case .given: given
        case .unchanged: nil
        }
    }
}

/// The part of a conditional update that reads the status column.
public protocol StatusCondition<Status>: Sendable, Equatable {
    associatedtype Status: Hashable & Sendable
    /// Whether a row in `status` can meet the condition.
    func admits(_ status: Status) -> Bool
}

extension VolumeCondition: StatusCondition {
    public func admits(_ status: VolumeStatus) -> Bool {
        (self.status?.contains(status) ?? true) && !(statusNotIn?.contains(status) ?? false)
    }
}

extension SnapshotCondition: StatusCondition {
    public func admits(_ status: SnapshotStatus) -> Bool {
        (self.status?.contains(status) ?? true) && !(statusNotIn?.contains(status) ?? false)
    }
}

extension Set: StatusCondition where Element == BackupStatus {
    public func admits(_ status: BackupStatus) -> Bool { contains(status) }
}

/// A volume transition: statuses are ``VolumeStatus``, enforced by a ``VolumeCondition``.
public typealias VolumeTransition = Transition<VolumeStatus, VolumeCondition>
/// A snapshot transition, enforced by a ``SnapshotCondition``.
public typealias SnapshotTransition = Transition<SnapshotStatus, SnapshotCondition>
/// A backup transition, enforced by the backup's status alone.
public typealias BackupTransition = Transition<BackupStatus, Set<BackupStatus>>

extension Transition where Condition == VolumeCondition, Status == VolumeStatus {
    /// A volume transition whose condition is `from` plus `guards` (other fields of the
    /// condition).
    static func volume(
        _ name: String,
        from: Set<VolumeStatus>?,
        to target: TransitionTarget<VolumeStatus>,
        guards: VolumeCondition = VolumeCondition()
    ) -> VolumeTransition {
        var condition = guards
        condition.status = from
        return VolumeTransition(name: name, from: from, target: target, condition: condition)
    }

    /// The changes the conditional update writes: the target status (`given` for a
    /// ``TransitionTarget/given`` target), then `also`.
    public func changes(given: VolumeStatus? = nil, also: [VolumeUpdate] = []) -> [VolumeUpdate] {
        guard let status = status(given: given) else { return also }
        return [.status(status)] + also
    }
}

extension Transition where Condition == SnapshotCondition, Status == SnapshotStatus {
    static func snapshot(
        _ name: String,
        from: Set<SnapshotStatus>?,
        to target: TransitionTarget<SnapshotStatus>,
        guards: SnapshotCondition = SnapshotCondition()
    ) -> SnapshotTransition {
        var condition = guards
        condition.status = from
        return SnapshotTransition(name: name, from: from, target: target, condition: condition)
    }

    /// The changes the conditional update writes: the target status, then `also`.
    public func changes(given: SnapshotStatus? = nil, also: [SnapshotUpdate] = []) -> [SnapshotUpdate] {
        guard let status = status(given: given) else { return also }
        return [.status(status)] + also
    }
}

extension Transition where Condition == Set<BackupStatus>, Status == BackupStatus {
    static func backup(_ name: String, from: Set<BackupStatus>, to target: BackupStatus) -> BackupTransition {
        BackupTransition(name: name, from: from, target: .status(target), condition: from)
    }

    /// The changes the conditional update writes: the target status, then `also`.
    public func changes(also: [BackupUpdate] = []) -> [BackupUpdate] {
        guard let status = status(given: nil) else { return also }
        return [.status(status)] + also
    }
}

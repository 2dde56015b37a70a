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
public struct Transition<
    Status: Hashable & Sendable,
    Condition: StatusCondition<Status>,
    Update: StatusUpdate<Status>
>: Sendable, Equatable {
    /// What cinder calls the operation, for logs and tests (`extend`, `begin_detaching`).
    public var name: String
    /// Where the status goes.
    public var target: TransitionTarget<Status>
    /// The conditional update that enforces `from` and the other guards.
    public var condition: Condition

    /// A transition from `from` (nil: any status) to `target`, whose conditional update also
    /// checks `guards` (the condition's other fields).
    public init(_ name: String, from: Set<Status>?, to target: TransitionTarget<Status>, guards: Condition = .init()) {
        self.name = name
        self.target = target
        var condition = guards
        condition.statuses = from
        self.condition = condition
    }

    /// The statuses the resource may be in; nil: any.
    public var from: Set<Status>? { condition.statuses }

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

    /// The changes the conditional update writes: the target status (`given` for a
    /// ``TransitionTarget/given`` target), then `also`.
    public func changes(given: Status? = nil, also: [Update] = []) -> [Update] {
        guard let status = status(given: given) else { return also }
        return [.status(status)] + also
    }
}

/// The part of a conditional update that reads the status column.
public protocol StatusCondition<Status>: Sendable, Equatable {
    associatedtype Status: Hashable & Sendable
    /// No condition at all.
    init()
    /// The statuses the row must be in; nil: any.
    var statuses: Set<Status>? { get set }
    /// Whether a row in `status` can meet the condition.
    func admits(_ status: Status) -> Bool
}

/// A resource's update that can set its status.
public protocol StatusUpdate<Status>: Sendable, Equatable {
    associatedtype Status
    static func status(_ status: Status) -> Self
}

extension VolumeCondition: StatusCondition {
    public init() { self.init(status: nil) }

    public var statuses: Set<VolumeStatus>? {
        get { status }
        set { status = newValue }
    }

    public func admits(_ status: VolumeStatus) -> Bool {
        (self.status?.contains(status) ?? true) && !(statusNotIn?.contains(status) ?? false)
    }
}

extension SnapshotCondition: StatusCondition {
    public init() { self.init(status: nil) }

    public var statuses: Set<SnapshotStatus>? {
        get { status }
        set { status = newValue }
    }

    public func admits(_ status: SnapshotStatus) -> Bool {
        (self.status?.contains(status) ?? true) && !(statusNotIn?.contains(status) ?? false)
    }
}

/// A backup's conditional update checks its status alone.
extension Set: StatusCondition where Element == BackupStatus {
    public var statuses: Set<BackupStatus>? {
        get { self }
        set { self = newValue ?? Set(BackupStatus.allCases) }
    }

    public func admits(_ status: BackupStatus) -> Bool { contains(status) }
}

extension VolumeUpdate: StatusUpdate {}
extension SnapshotUpdate: StatusUpdate {}
extension BackupUpdate: StatusUpdate {}

/// A volume transition: statuses are ``VolumeStatus``, enforced by a ``VolumeCondition``.
public typealias VolumeTransition = Transition<VolumeStatus, VolumeCondition, VolumeUpdate>
/// A snapshot transition, enforced by a ``SnapshotCondition``.
public typealias SnapshotTransition = Transition<SnapshotStatus, SnapshotCondition, SnapshotUpdate>
/// A backup transition, enforced by the backup's status alone.
public typealias BackupTransition = Transition<BackupStatus, Set<BackupStatus>, BackupUpdate>

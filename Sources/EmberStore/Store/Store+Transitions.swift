import EmberCore

extension VolumeStore {
    /// Moves volume `id` through `transition` in one conditional update: its target status
    /// (`given` for a ``TransitionTarget/given`` one) and `also`, only while the row meets the
    /// transition's condition. Returns the updated volume, or nil when it does not meet it.
    @discardableResult
    public func apply(
        _ transition: VolumeTransition,
        toVolume id: String,
        given: VolumeStatus? = nil,
        also: [VolumeUpdate] = []
    ) async throws(StoreError) -> Volume? {
        try await conditionalUpdateVolume(
            id: id,
            set: transition.changes(given: given, also: also),
            where: transition.condition
        )
    }
}

extension SnapshotStore {
    /// Moves snapshot `id` through `transition` in one conditional update; nil when the row
    /// does not meet it.
    @discardableResult
    public func apply(
        _ transition: SnapshotTransition,
        toSnapshot id: String,
        given: SnapshotStatus? = nil,
        also: [SnapshotUpdate] = []
    ) async throws(StoreError) -> Snapshot? {
        try await conditionalUpdateSnapshot(
            id: id,
            set: transition.changes(given: given, also: also),
            where: transition.condition
        )
    }
}

extension BackupStore {
    /// Moves backup `id` through `transition` in one conditional update; nil when the row
    /// does not meet it.
    @discardableResult
    public func apply(
        _ transition: BackupTransition,
        toBackup id: String,
        given: BackupStatus? = nil,
        also: [BackupUpdate] = []
    ) async throws(StoreError) -> Backup? {
        try await conditionalUpdateBackup(
            id: id,
            set: transition.changes(given: given, also: also),
            whereStatusIn: transition.condition
        )
    }
}

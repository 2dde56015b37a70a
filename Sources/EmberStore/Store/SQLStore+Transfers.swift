import EmberCore
import Foundation

/// What became of a transfer's accept (`transfer_accept`).
public enum TransferAcceptOutcome: Sendable, Equatable {
    /// The volume (and its snapshots unless `no_snapshots`) now belong to the accepting
    /// project, the transfer is accepted and deleted, and the reservations are committed.
    case accepted(Volume)
    /// The volume is no longer `awaiting-transfer`: nothing was written.
    case volumeNotAwaitingTransfer(volumeID: String)
    /// A snapshot that would move is not `available`: nothing was written.
    case snapshotNotAvailable(snapshotID: String)
}

/// Volume transfers (cinder's `transfer_*` db API). Every change of a transfer and of its
/// volume happens in one transaction, so a transfer and its volume's status never disagree
/// and two accepts of one transfer cannot both succeed.
public protocol TransferStore: Sendable {
    /// `transfer_create`: moves the volume `available` → `awaiting-transfer` and inserts the
    /// transfer; nil, with nothing written, when the volume is not `available`.
    func createTransfer(_ transfer: VolumeTransfer) async throws(StoreError) -> VolumeTransfer?
    /// A live transfer whose volume belongs to the scope's project (any for `.allProjects`);
    /// throws `.notFound`.
    func transfer(id: String, scope: ProjectScope) async throws(StoreError) -> VolumeTransfer
    /// Live transfers; `.project` scopes by the volume's project, as cinder joins it.
    func listTransfers(_ query: ListQuery) async throws(StoreError) -> Page<VolumeTransfer>
    /// `transfer_destroy`: soft-deletes the transfer and moves its volume back to `available`
    /// when it is still `awaiting-transfer`; returns whether it was. Throws `.notFound`.
    @discardableResult
    func deleteTransfer(id: String) async throws(StoreError) -> Bool
    /// `transfer_accept`: in one transaction, moves the volume `awaiting-transfer` →
    /// `available` under `userID`/`projectID`, with its live snapshots unless the transfer
    /// says `no_snapshots` (all must be `available`), marks the transfer accepted (and
    /// deleted) and commits `reservations`. Throws `.notFound` when the transfer is gone.
    func acceptTransfer(
        id: String,
        userID: String,
        projectID: String,
        commit reservations: [QuotaReservation]
    ) async throws(StoreError) -> TransferAcceptOutcome
}

extension SQLStore {
    /// The transfer's project is its volume's (cinder joins `volumes` to scope them).
    static let transferSpec = ListSpec(
        table: EmberSchema.transfers,
        projectColumn: nil,
        scopeCondition: { scope in SQLStore.transferScope(scope) },
        relatedColumns: ["project_id": "(SELECT v.project_id FROM volumes v WHERE v.id = t.volume_id)"]
    )

    static func transferScope(_ scope: ProjectScope) -> SQL {
        switch scope {
        case .project(let projectID):
            " AND EXISTS (SELECT 1 FROM volumes v WHERE v.id = t.volume_id AND v.project_id = \(projectID))"
        case .allProjects: ""
        }
    }

    public func createTransfer(_ transfer: VolumeTransfer) async throws(StoreError) -> VolumeTransfer? {
        try await writing { executor in
            let now = self.now()
            let transition = VolumeTransitions.transferCreate
            guard
                try await Self.updateVolumeRow(
                    id: transfer.volumeID,
                    transition.changes(),
                    condition: transition.condition,
                    now: now,
                    executor: executor
                ) != nil
            else { return nil }
            let values: Assignments = [
                ("id", .text(transfer.id)),
                ("volume_id", .text(transfer.volumeID)),
                ("display_name", transfer.displayName.sqlValue),
                ("salt", .text(transfer.salt)),
                ("crypt_hash", .text(transfer.cryptHash)),
                ("expires_at", transfer.expiresAt.map { .date(SQLTimestamp.truncated($0)) } ?? .null),
                ("no_snapshots", .bool(transfer.noSnapshots)),
                ("source_project_id", transfer.sourceProjectID.sqlValue),
                ("destination_project_id", transfer.destinationProjectID.sqlValue),
                ("accepted", .bool(false)),
                ("created_at", .date(SQLTimestamp.truncated(transfer.createdAt))),
                ("deleted", .bool(false)),
            ]
            return try Self.transfer(from: try await executor.insert("transfers", values))
        }
    }

    public func transfer(id: String, scope: ProjectScope) async throws(StoreError) -> VolumeTransfer {
        try await reading { executor in
            guard
                let row = try await executor.first(
                    "SELECT t.* FROM transfers t WHERE t.id = \(id) AND t.deleted = FALSE\(Self.transferScope(scope))"
                )
            else { throw StoreError.notFound(.transfer, id: id) }
            return try Self.transfer(from: row)
        }
    }

    public func listTransfers(_ query: ListQuery) async throws(StoreError) -> Page<VolumeTransfer> {
        try await reading { executor in
            let (rows, count) = try await Self.listRows(query, spec: Self.transferSpec, executor: executor)
            return Page(items: try rows.map(Self.transfer(from:)), count: count)
        }
    }

    @discardableResult
    public func deleteTransfer(id: String) async throws(StoreError) -> Bool {
        try await writing { executor in
            let now = self.now()
            guard
                let row = try await executor.update(
                    "transfers",
                    id: .text(id),
                    [("deleted", .bool(true)), ("deleted_at", .date(now))]
                )
            else { throw StoreError.notFound(.transfer, id: id) }
            let transition = VolumeTransitions.transferDelete
            return try await Self.updateVolumeRow(
                id: try row["volume_id"],
                transition.changes(),
                condition: transition.condition,
                now: now,
                executor: executor
            ) != nil
        }
    }

    public func acceptTransfer(
        id: String,
        userID: String,
        projectID: String,
        commit reservations: [QuotaReservation]
    ) async throws(StoreError) -> TransferAcceptOutcome {
        try await writing { executor in
            let now = self.now()
            let forUpdate = executor.dialect.forUpdate
            // Every check comes before the first write, on rows this transaction holds, so an
            // outcome other than `accepted` leaves nothing changed. A second accept of the same
            // transfer waits here for the first and then finds the transfer deleted.
            guard
                let row = try await executor.first(
                    "SELECT * FROM transfers WHERE id = \(id) AND deleted = FALSE\(raw: forUpdate)"
                )
            else { throw StoreError.notFound(.transfer, id: id) }
            let transfer = try Self.transfer(from: row)
            var snapshotIDs: [String] = []
            if !transfer.noSnapshots {
                let snapshots = try await executor.query(
                    """
                    SELECT id, status FROM snapshots WHERE volume_id = \(transfer.volumeID) AND deleted = FALSE \
                    ORDER BY created_at, id\(raw: forUpdate)
                    """
                )
                for snapshot in snapshots {
                    let snapshotID: String = try snapshot["id"]
                    let status: String = try snapshot["status"]
                    guard status == SnapshotStatus.available.rawValue else {
                        return .snapshotNotAvailable(snapshotID: snapshotID)
                    }
                    snapshotIDs.append(snapshotID)
                }
            }
            let transition = VolumeTransitions.transferAccept
            guard
                try await Self.updateVolumeRow(
                    id: transfer.volumeID,
                    transition.changes(also: [.userID(userID), .projectID(projectID)]),
                    condition: transition.condition,
                    now: now,
                    executor: executor
                ) != nil
            else { return .volumeNotAwaitingTransfer(volumeID: transfer.volumeID) }
            if !snapshotIDs.isEmpty {
                try await executor.execute(
                    """
                    UPDATE snapshots SET user_id = \(userID), project_id = \(projectID), updated_at = \(now) \
                    WHERE id IN \(SQL.list(snapshotIDs.map(SQLValue.text)))
                    """
                )
            }
            _ = try await executor.update(
                "transfers",
                id: .text(id),
                [
                    ("deleted", .bool(true)), ("deleted_at", .date(now)),
                    ("destination_project_id", .text(projectID)), ("accepted", .bool(true)),
                ]
            )
            let uuids = reservations.flatMap(\.uuids)
            if !uuids.isEmpty {
                _ = try await Self.settle(
                    selection: "r.uuid IN \(SQL.list(uuids.map(SQLValue.text)))",
                    commit: true,
                    now: now,
                    executor: executor
                )
            }
            return .accepted(try await Self.loadVolume(id: transfer.volumeID, scope: .allProjects, executor: executor))
        }
    }

    static func transfer(from row: SQLRow) throws(StoreError) -> VolumeTransfer {
        let salt: String? = try row["salt"]
        let cryptHash: String? = try row["crypt_hash"]
        let noSnapshots: Bool? = try row["no_snapshots"]
        let accepted: Bool? = try row["accepted"]
        return VolumeTransfer(
            id: try row["id"],
            volumeID: try row["volume_id"],
            displayName: try row["display_name"],
            salt: salt ?? "",
            cryptHash: cryptHash ?? "",
            expiresAt: try row["expires_at"],
            noSnapshots: noSnapshots ?? false,
            sourceProjectID: try row["source_project_id"],
            destinationProjectID: try row["destination_project_id"],
            accepted: accepted ?? false,
            createdAt: try row["created_at"],
            updatedAt: try row["updated_at"],
            deletedAt: try row["deleted_at"],
            deleted: try row["deleted"]
        )
    }
}

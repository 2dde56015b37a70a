import EmberCore
import Foundation

extension SQLStore {
    static let messageSpec = ListSpec(table: EmberSchema.messages)

    public func createMessage(_ message: UserMessage) async throws(StoreError) -> UserMessage {
        try await writing { executor in
            let values: Assignments = [
                ("id", .text(message.id)),
                ("project_id", .text(message.projectID)),
                ("message_level", .text(message.messageLevel)),
                ("request_id", message.requestID.sqlValue),
                ("resource_type", message.resourceType.sqlValue),
                ("resource_uuid", message.resourceUUID.sqlValue),
                ("event_id", .text(message.eventID)),
                ("detail_id", message.detailID.sqlValue),
                ("action_id", message.actionID.sqlValue),
                ("expires_at", message.expiresAt.map { .date(SQLTimestamp.truncated($0)) } ?? .null),
                ("created_at", .date(SQLTimestamp.truncated(message.createdAt))),
                ("deleted", .bool(false)),
            ]
            return try Self.message(from: try await executor.insert("messages", values))
        }
    }

    public func message(id: String, scope: ProjectScope) async throws(StoreError) -> UserMessage {
        try await reading { executor in
            guard
                let row = try await executor.first(
                    "SELECT t.* FROM messages t WHERE t.id = \(id) AND t.deleted = FALSE\(scope.condition(alias: "t"))"
                )
            else { throw StoreError.notFound(.message, id: id) }
            return try Self.message(from: row)
        }
    }

    public func listMessages(_ query: ListQuery) async throws(StoreError) -> Page<UserMessage> {
        try await reading { executor in
            let (rows, count) = try await Self.listRows(query, spec: Self.messageSpec, executor: executor)
            return Page(items: try rows.map(Self.message(from:)), count: count)
        }
    }

    public func deleteMessage(id: String) async throws(StoreError) {
        try await writing { executor in
            guard try await executor.softDelete("messages", id: .text(id), now: self.now()) else {
                throw StoreError.notFound(.message, id: id)
            }
        }
    }

    public func deleteExpiredMessages(now: Date) async throws(StoreError) -> Int {
        try await writing { executor in
            let rows = try await executor.query(
                """
                DELETE FROM messages WHERE expires_at < \(SQLTimestamp.truncated(now)) RETURNING id
                """
            )
            return rows.count
        }
    }

    static func message(from row: SQLRow) throws(StoreError) -> UserMessage {
        UserMessage(
            id: try row["id"],
            projectID: try row["project_id"],
            messageLevel: try row["message_level"],
            requestID: try row["request_id"],
            resourceType: try row["resource_type"],
            resourceUUID: try row["resource_uuid"],
            eventID: try row["event_id"],
            detailID: try row["detail_id"],
            actionID: try row["action_id"],
            expiresAt: try row["expires_at"],
            createdAt: try row["created_at"],
            deleted: try row["deleted"]
        )
    }
}

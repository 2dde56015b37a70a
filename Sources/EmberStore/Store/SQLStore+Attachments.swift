import EmberCore
import Foundation

extension SQLStore {
    static let attachmentSpec = ListSpec(
        table: EmberSchema.volumeAttachment,
        projectColumn: nil,
        scopeCondition: { scope in
            switch scope {
            case .allProjects: ""
            case .project(let projectID):
                " AND t.volume_id IN (SELECT v.id FROM volumes v WHERE v.project_id = \(projectID))"
            }
        }
    )

    public func createAttachment(_ attachment: VolumeAttachment) async throws(StoreError) -> VolumeAttachment {
        try await writing { executor in
            guard
                try await executor.first(
                    "SELECT id FROM volumes WHERE id = \(attachment.volumeID) AND deleted = FALSE"
                ) != nil
            else { throw StoreError.notFound(.volume, id: attachment.volumeID) }
            let values: Assignments = [
                ("id", .text(attachment.id)),
                ("volume_id", .text(attachment.volumeID)),
                ("instance_uuid", attachment.instanceUUID.sqlValue),
                ("attached_host", attachment.attachedHost.sqlValue),
                ("mountpoint", attachment.mountpoint.sqlValue),
                ("attach_time", attachment.attachTime.map { .date(SQLTimestamp.truncated($0)) } ?? .null),
                ("detach_time", attachment.detachTime.map { .date(SQLTimestamp.truncated($0)) } ?? .null),
                ("attach_status", attachment.attachStatus.sqlValue),
                ("attach_mode", attachment.attachMode.sqlValue),
                ("connection_info", attachment.connectionInfo.sqlValue),
                ("connector", attachment.connector.sqlValue),
                ("created_at", .date(SQLTimestamp.truncated(attachment.createdAt))),
                ("deleted", .bool(false)),
            ]
            return try Self.attachment(from: try await executor.insert("volume_attachment", values))
        }
    }

    public func attachment(id: String) async throws(StoreError) -> VolumeAttachment {
        try await reading { executor in
            guard
                let row = try await executor.first(
                    "SELECT * FROM volume_attachment WHERE id = \(id) AND deleted = FALSE"
                )
            else { throw StoreError.notFound(.attachment, id: id) }
            return try Self.attachment(from: row)
        }
    }

    public func listAttachments(_ query: ListQuery) async throws(StoreError) -> Page<VolumeAttachment> {
        try await reading { executor in
            let (rows, count) = try await Self.listRows(query, spec: Self.attachmentSpec, executor: executor)
            return Page(items: try rows.map(Self.attachment(from:)), count: count)
        }
    }

    public func updateAttachment(id: String, _ changes: [AttachmentUpdate]) async throws(StoreError) -> VolumeAttachment
    {
        try await writing { executor in
            func date(_ value: Date?) -> SQLValue { value.map { .date(SQLTimestamp.truncated($0)) } ?? .null }
            var values: Assignments = changes.map { change in
                switch change {
                case .attachStatus(let value): ("attach_status", value.sqlValue)
                case .instanceUUID(let value): ("instance_uuid", value.sqlValue)
                case .attachedHost(let value): ("attached_host", value.sqlValue)
                case .mountpoint(let value): ("mountpoint", value.sqlValue)
                case .attachTime(let value): ("attach_time", date(value))
                case .detachTime(let value): ("detach_time", date(value))
                case .attachMode(let value): ("attach_mode", value.sqlValue)
                case .connectionInfo(let value): ("connection_info", value.sqlValue)
                case .connector(let value): ("connector", value.sqlValue)
                }
            }
            values.append(("updated_at", .date(self.now())))
            guard let row = try await executor.update("volume_attachment", id: .text(id), values) else {
                throw StoreError.notFound(.attachment, id: id)
            }
            return try Self.attachment(from: row)
        }
    }

    public func deleteAttachment(id: String) async throws(StoreError) {
        try await writing { executor in
            let now = self.now()
            guard
                try await executor.softDelete(
                    "volume_attachment",
                    id: .text(id),
                    now: now,
                    extra: [("attach_status", .text(VolumeAttachStatus.deleted.rawValue)), ("detach_time", .date(now))]
                )
            else { throw StoreError.notFound(.attachment, id: id) }
        }
    }

    static func attachment(from row: SQLRow) throws(StoreError) -> VolumeAttachment {
        VolumeAttachment(
            id: try row["id"],
            volumeID: try row["volume_id"],
            instanceUUID: try row["instance_uuid"],
            attachedHost: try row["attached_host"],
            mountpoint: try row["mountpoint"],
            attachTime: try row["attach_time"],
            detachTime: try row["detach_time"],
            attachStatus: try row["attach_status"] ?? .detached,
            attachMode: try row["attach_mode"],
            connectionInfo: try row["connection_info"],
            connector: try row["connector"],
            createdAt: try row["created_at"],
            updatedAt: try row["updated_at"],
            deletedAt: try row["deleted_at"],
            deleted: try row["deleted"]
        )
    }
}

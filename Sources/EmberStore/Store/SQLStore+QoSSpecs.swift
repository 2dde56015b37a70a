import EmberCore
import Foundation

/// QoS specs and their association with volume types (cinder's `qos_specs_*` and
/// `volume_type_qos_*` db API), in cinder's layout: a root row per specs (key
/// `QoS_Specs_Name`, value the name) and a row per spec whose `specs_id` is the root's id, the
/// consumer among them. A volume type points at its specs with `volume_types.qos_specs_id`.
public protocol QoSSpecsStore: Sendable {
    /// `qos_specs_create`: the root row, the consumer and every spec in one transaction; nil,
    /// with nothing written, when live specs already have the name.
    func createQoSSpecs(_ specs: QoSSpecs) async throws(StoreError) -> QoSSpecs?
    /// Live specs; throws `.notFound(.qosSpecs)`.
    func qosSpecs(id: String) async throws(StoreError) -> QoSSpecs
    /// Live specs, paged and sorted on the root rows' columns (`id`, `created_at`, `key`,
    /// `value`, …) as cinder pages its model; a filter naming another column matches nothing.
    func listQoSSpecs(_ query: ListQuery) async throws(StoreError) -> Page<QoSSpecs>
    /// `qos_specs_update`: sets the consumer (when given) and the specs (a key already set is
    /// changed in place, a new one added); the others stay. Throws `.notFound(.qosSpecs)`.
    func updateQoSSpecs(
        id: String,
        consumer: QoSSpecs.Consumer?,
        specs: [String: String?]
    ) async throws(StoreError) -> QoSSpecs
    /// `delete_keys`: deletes the keys in order until one is not set, in one transaction;
    /// returns that key (the keys before it are deleted), nil when all were. The consumer is
    /// not a key here. Throws `.notFound(.qosSpecs)`.
    func deleteQoSSpecsKeys(id: String, keys: [String]) async throws(StoreError) -> String?
    /// `destroy`: false, with nothing written, when volume types use the specs and `force`
    /// is false; otherwise (with `force`) the types let go of them and the specs are deleted.
    /// Throws `.notFound(.qosSpecs)`.
    func deleteQoSSpecs(id: String, force: Bool) async throws(StoreError) -> Bool
    /// `volume_type_qos_associations_get`: the live types using the specs, by name.
    func qosSpecsAssociations(id: String) async throws(StoreError) -> [VolumeType]
    /// `associate_qos_with_type` in one transaction: the type takes the specs unless it has
    /// other specs, whose id is then returned (nothing written). Throws `.notFound(.qosSpecs)`
    /// or `.notFound(.volumeType)`.
    func associateQoSSpecs(id: String, volumeTypeID: String) async throws(StoreError) -> String?
    /// `volume_type_qos_disassociate`: the type lets go of the specs if it has them. Throws
    /// `.notFound(.qosSpecs)` or `.notFound(.volumeType)`.
    func disassociateQoSSpecs(id: String, volumeTypeID: String) async throws(StoreError)
    /// `volume_type_qos_disassociate_all`. Throws `.notFound(.qosSpecs)`.
    func disassociateAllQoSSpecs(id: String) async throws(StoreError)
    /// The specs of a volume type (`volume_type_qos_specs_get`): nil when it has none, or
    /// they are gone. Throws `.notFound(.volumeType)`.
    func qosSpecs(ofVolumeType volumeTypeID: String) async throws(StoreError) -> QoSSpecs?
}

extension SQLStore {
    /// The roots only: a list pages the specs, not their rows.
    static let qosSpecsSpec = ListSpec(
        table: EmberSchema.qualityOfServiceSpecs,
        projectColumn: nil,
        scopeCondition: { _ in " AND t.key = \(QoSSpecs.nameKey) AND t.specs_id IS NULL" }
    )

    public func createQoSSpecs(_ specs: QoSSpecs) async throws(StoreError) -> QoSSpecs? {
        try await writing { executor in
            let existing = try await executor.first(
                """
                SELECT id FROM quality_of_service_specs WHERE key = \(QoSSpecs.nameKey) \
                AND value = \(specs.name) AND specs_id IS NULL AND deleted = FALSE
                """
            )
            guard existing == nil else { return nil }
            let created = SQLTimestamp.truncated(specs.createdAt)
            func row(id: String, specsID: String?, key: String, value: String?) -> Assignments {
                [
                    ("id", .text(id)), ("specs_id", specsID.sqlValue), ("key", .text(key)), ("value", value.sqlValue),
                    ("created_at", .date(created)), ("deleted", .bool(false)),
                ]
            }
            _ = try await executor.insert(
                "quality_of_service_specs",
                row(id: specs.id, specsID: nil, key: QoSSpecs.nameKey, value: specs.name)
            )
            let children =
                [(QoSSpecs.consumerKey, specs.consumer.rawValue as String?)]
                + specs.specs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            for (key, value) in children {
                _ = try await executor.insert(
                    "quality_of_service_specs",
                    row(id: UUID().uuidString.lowercased(), specsID: specs.id, key: key, value: value)
                )
            }
            return try await Self.loadQoSSpecs(id: specs.id, executor: executor)
        }
    }

    public func qosSpecs(id: String) async throws(StoreError) -> QoSSpecs {
        try await reading { executor in try await Self.loadQoSSpecs(id: id, executor: executor) }
    }

    public func listQoSSpecs(_ query: ListQuery) async throws(StoreError) -> Page<QoSSpecs> {
        try await reading { executor in
            let (rows, count) = try await Self.listRows(query, spec: Self.qosSpecsSpec, executor: executor)
            return Page(items: try await Self.qosSpecs(fromRoots: rows, executor: executor), count: count)
        }
    }

    public func updateQoSSpecs(
        id: String,
        consumer: QoSSpecs.Consumer?,
        specs: [String: String?]
    ) async throws(StoreError) -> QoSSpecs {
        try await writing { executor in
            try await Self.requireQoSSpecs(id, executor: executor)
            let now = self.now()
            var changes = specs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            if let consumer { changes.append((QoSSpecs.consumerKey, consumer.rawValue)) }
            for (key, value) in changes {
                let updated = try await executor.query(
                    """
                    UPDATE quality_of_service_specs SET value = \(value.sqlValue), updated_at = \(now) \
                    WHERE specs_id = \(id) AND key = \(key) AND deleted = FALSE RETURNING id
                    """
                )
                if updated.isEmpty {
                    _ = try await executor.insert(
                        "quality_of_service_specs",
                        [
                            ("id", .text(UUID().uuidString.lowercased())), ("specs_id", .text(id)),
                            ("key", .text(key)), ("value", value.sqlValue), ("created_at", .date(now)),
                            ("updated_at", .date(now)), ("deleted", .bool(false)),
                        ]
                    )
                }
            }
            return try await Self.loadQoSSpecs(id: id, executor: executor)
        }
    }

    public func deleteQoSSpecsKeys(id: String, keys: [String]) async throws(StoreError) -> String? {
        try await writing { executor in
            try await Self.requireQoSSpecs(id, executor: executor)
            let now = self.now()
            for key in keys {
                let deleted =
                    key == QoSSpecs.consumerKey
                    ? []
                    : try await executor.query(
                        """
                        UPDATE quality_of_service_specs SET deleted = TRUE, deleted_at = \(now) \
                        WHERE specs_id = \(id) AND key = \(key) AND deleted = FALSE RETURNING id
                        """
                    )
                if deleted.isEmpty { return key }
            }
            return nil
        }
    }

    public func deleteQoSSpecs(id: String, force: Bool) async throws(StoreError) -> Bool {
        try await writing { executor in
            try await Self.requireQoSSpecs(id, executor: executor)
            let now = self.now()
            let inUse = try await executor.first(
                "SELECT id FROM volume_types WHERE qos_specs_id = \(id) AND deleted = FALSE LIMIT 1"
            )
            if inUse != nil {
                guard force else { return false }
            }
            // Deleted types keep no hold either: the column refers to a row that stays (soft-deleted).
            try await executor.execute(
                "UPDATE volume_types SET qos_specs_id = NULL, updated_at = \(now) WHERE qos_specs_id = \(id)"
            )
            try await executor.execute(
                """
                UPDATE quality_of_service_specs SET deleted = TRUE, deleted_at = \(now) \
                WHERE (id = \(id) OR specs_id = \(id)) AND deleted = FALSE
                """
            )
            return true
        }
    }

    public func qosSpecsAssociations(id: String) async throws(StoreError) -> [VolumeType] {
        try await reading { executor in
            try await Self.requireQoSSpecs(id, executor: executor)
            let rows = try await executor.query(
                "SELECT * FROM volume_types WHERE qos_specs_id = \(id) AND deleted = FALSE ORDER BY name, id"
            )
            return try await Self.volumeTypes(from: rows, executor: executor)
        }
    }

    public func associateQoSSpecs(id: String, volumeTypeID: String) async throws(StoreError) -> String? {
        try await writing { executor in
            try await Self.requireQoSSpecs(id, executor: executor)
            guard
                let type = try await executor.first(
                    "SELECT qos_specs_id FROM volume_types WHERE id = \(volumeTypeID) AND deleted = FALSE"
                )
            else { throw StoreError.notFound(.volumeType, id: volumeTypeID) }
            let current: String? = try type["qos_specs_id"]
            if let current, try await Self.liveQoSSpecs(current, executor: executor) {
                return current == id ? nil : current
            }
            _ = try await executor.update(
                "volume_types",
                id: .text(volumeTypeID),
                [("qos_specs_id", .text(id)), ("updated_at", .date(self.now()))]
            )
            return nil
        }
    }

    public func disassociateQoSSpecs(id: String, volumeTypeID: String) async throws(StoreError) {
        try await writing { executor in
            try await Self.requireQoSSpecs(id, executor: executor)
            try await Self.requireVolumeType(volumeTypeID, executor: executor)
            try await executor.execute(
                """
                UPDATE volume_types SET qos_specs_id = NULL, updated_at = \(self.now()) \
                WHERE id = \(volumeTypeID) AND qos_specs_id = \(id) AND deleted = FALSE
                """
            )
        }
    }

    public func disassociateAllQoSSpecs(id: String) async throws(StoreError) {
        try await writing { executor in
            try await Self.requireQoSSpecs(id, executor: executor)
            try await executor.execute(
                """
                UPDATE volume_types SET qos_specs_id = NULL, updated_at = \(self.now()) \
                WHERE qos_specs_id = \(id) AND deleted = FALSE
                """
            )
        }
    }

    public func qosSpecs(ofVolumeType volumeTypeID: String) async throws(StoreError) -> QoSSpecs? {
        try await reading { executor in
            guard
                let type = try await executor.first(
                    "SELECT qos_specs_id FROM volume_types WHERE id = \(volumeTypeID) AND deleted = FALSE"
                )
            else { throw StoreError.notFound(.volumeType, id: volumeTypeID) }
            guard let specsID: String = try type["qos_specs_id"] else { return nil }
            let roots = try await executor.query(
                """
                SELECT * FROM quality_of_service_specs WHERE id = \(specsID) \
                AND key = \(QoSSpecs.nameKey) AND specs_id IS NULL AND deleted = FALSE
                """
            )
            return try await Self.qosSpecs(fromRoots: roots, executor: executor).first
        }
    }

    /// The live root row of the specs; throws `.notFound(.qosSpecs)`.
    @discardableResult
    static func requireQoSSpecs(_ id: String, executor: any SQLExecutor) async throws -> SQLRow {
        guard
            let row = try await executor.first(
                """
                SELECT * FROM quality_of_service_specs WHERE id = \(id) \
                AND key = \(QoSSpecs.nameKey) AND specs_id IS NULL AND deleted = FALSE
                """
            )
        else { throw StoreError.notFound(.qosSpecs, id: id) }
        return row
    }

    static func liveQoSSpecs(_ id: String, executor: any SQLExecutor) async throws -> Bool {
        do {
            try await requireQoSSpecs(id, executor: executor)
            return true
        } catch StoreError.notFound {
            return false
        }
    }

    static func loadQoSSpecs(id: String, executor: any SQLExecutor) async throws -> QoSSpecs {
        let root = try await requireQoSSpecs(id, executor: executor)
        guard let specs = try await qosSpecs(fromRoots: [root], executor: executor).first else {
            throw StoreError.notFound(.qosSpecs, id: id)
        }
        return specs
    }

    /// The specs of `roots` (in their order), read from their live child rows. As cinder's
    /// `_dict_with_qos_specs`, `updated_at` is the latest of the children's.
    static func qosSpecs(fromRoots roots: [SQLRow], executor: any SQLExecutor) async throws -> [QoSSpecs] {
        var result = try roots.map { row throws(StoreError) in
            QoSSpecs(
                id: try row["id"],
                name: try row["value"] ?? "",
                specs: [:],
                createdAt: try row["created_at"],
                updatedAt: nil
            )
        }
        var positions: [String: Int] = [:]
        for (index, specs) in result.enumerated() { positions[specs.id] = index }
        for start in stride(from: 0, to: result.count, by: 500) {
            let chunk = result[start..<min(start + 500, result.count)].map { SQLValue.text($0.id) }
            let rows = try await executor.query(
                """
                SELECT specs_id, key, value, updated_at FROM quality_of_service_specs \
                WHERE deleted = FALSE AND specs_id IN \(SQL.list(chunk))
                """
            )
            for row in rows {
                let owner: String = try row["specs_id"]
                guard let index = positions[owner] else { continue }
                let key: String = try row["key"]
                let value: String? = try row["value"]
                if key == QoSSpecs.consumerKey {
                    result[index].consumer = value.flatMap(QoSSpecs.Consumer.init(rawValue:)) ?? .backEnd
                } else {
                    result[index].specs[key] = .some(value)
                }
                let updatedAt: Date? = try row["updated_at"]
                if let updated = updatedAt {
                    result[index].updatedAt = max(result[index].updatedAt ?? updated, updated)
                }
            }
        }
        return result
    }
}

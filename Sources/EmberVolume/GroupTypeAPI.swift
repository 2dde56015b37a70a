import EmberCore
import EmberStore
import Foundation
import Logging

/// `cinder/volume/group_types.py` with the db rules behind `/group_types` and
/// `/group_types/{id}/group_specs` (3.11): group types, their specs, the configured default
/// (`default_group_type`), with cinder's faults.
public struct GroupTypeAPI: Sendable {
    let store: any GroupTypeStore
    let configuration: VolumeServiceConfiguration
    let logger: Logger

    init(store: any GroupTypeStore, configuration: VolumeServiceConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// What the caller may see: admins every type, others the public ones and the private
    /// ones their project was given (cinder's `_group_type_get_query`).
    public static func scope(for identity: Identity) -> ProjectScope {
        identity.isAdmin ? .allProjects : .project(identity.projectID ?? "")
    }

    /// `group_types.create` (409 when a live type has the name).
    public func create(
        name: String,
        description: String?,
        isPublic: Bool,
        specs: [String: String]
    ) async throws
        -> GroupType
    {
        let created = try await store.createGroupType(
            GroupType(name: name, description: description, isPublic: isPublic, groupSpecs: specs.mapValues { $0 })
        )
        logger.info("Created group type", metadata: ["group_type.id": .string(created.id), "name": .string(name)])
        return created
    }

    /// `group_types.get_group_type` as the caller sees it (404 otherwise).
    public func get(id: String, identity: Identity) async throws -> GroupType {
        try await store.groupType(id: id, scope: Self.scope(for: identity))
    }

    /// `get_default_group_type`: the type named by `default_group_type`; unset, or naming no
    /// type, is cinder's 404.
    public func defaultType() async throws -> GroupType {
        guard let name = configuration.defaultGroupType else {
            throw EmberError.notFound("Default group type can not be found.")
        }
        do {
            return try await store.groupType(name: name)
        } catch {
            guard case .groupTypeNameNotFound = error else { throw error }
            logger.error(
                "Default group type is not found. Please check default_group_type config.",
                metadata: ["name": .string(name)]
            )
            throw EmberError.notFound("Default group type can not be found.")
        }
    }

    /// `get_group_types_by_name_or_id` (`group_types_get_by_name_or_id`): a uuid-like value is
    /// an id (404 by id), anything else a name (404 by name).
    public func resolve(_ nameOrID: String, identity: Identity) async throws -> GroupType {
        if Self.isUUIDLike(nameOrID) {
            return try await get(id: nameOrID, identity: identity)
        }
        return try await store.groupType(name: nameOrID)
    }

    /// oslo's `is_uuid_like`: 32 hex digits, with or without the dashes.
    public static func isUUIDLike(_ text: String) -> Bool {
        let hex = text.replacingOccurrences(of: "-", with: "").lowercased()
        return hex.count == 32 && hex.allSatisfy(\.isHexDigit) && UUID(uuidString: Self.dashed(hex)) != nil
    }

    static func dashed(_ hex: String) -> String {
        let characters = Array(hex)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }
        return parts.joined(separator: "-")
    }

    /// `get_all_group_types`: a page; an unknown marker is the marker's `GroupTypeNotFound`.
    public func page(_ query: ListQuery) async throws -> Page<GroupType> {
        try await VolumeAPI.page(of: "Group type") { () async throws(StoreError) in
            try await store.listGroupTypes(query)
        }
    }

    /// `group_types.update`: name, description, `is_public` (nil leaves each alone).
    public func update(id: String, _ update: GroupTypeUpdate) async throws -> GroupType {
        try await store.updateGroupType(id: id, update)
    }

    /// `group_types.destroy`: 404 for no such type, cinder's 400 while groups use it.
    public func delete(id: String, identity: Identity) async throws {
        let type = try await get(id: id, identity: identity)
        do {
            try await store.deleteGroupType(id: type.id)
        } catch {
            guard case .groupTypeInUse = error else { throw error }
            throw EmberError.badRequest(
                "Target group type is still in use. \(StoreError.groupTypeInUse(type.id).description)"
            )
        }
        logger.info("Deleted group type", metadata: ["group_type.id": .string(type.id)])
    }

    // MARK: - Group specs

    /// `group_type_specs_get` after `_check_type`.
    public func specs(of typeID: String, identity: Identity) async throws -> [String: String?] {
        let type = try await get(id: typeID, identity: identity)
        return try await store.groupSpecs(groupTypeID: type.id)
    }

    /// `group_type_specs_update_or_create` after `_check_type`.
    public func setSpecs(of typeID: String, _ specs: [String: String?], identity: Identity) async throws {
        let type = try await get(id: typeID, identity: identity)
        try await store.setGroupSpecs(groupTypeID: type.id, specs)
    }

    /// `group_type_specs_delete` after `_check_type` (404 when the key is not set).
    public func deleteSpec(of typeID: String, key: String, identity: Identity) async throws {
        let type = try await get(id: typeID, identity: identity)
        try await store.deleteGroupSpec(groupTypeID: type.id, key: key)
    }
}

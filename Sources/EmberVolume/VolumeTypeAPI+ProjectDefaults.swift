import EmberCore
import EmberStore
import Foundation

/// The per-project default types of API 3.62 (`cinder/api/v3/default_types.py` over
/// `db.project_default_volume_type_*`) and `volume_types.get_default_volume_type`.
extension VolumeTypeAPI {
    /// `get_default_volume_type(context)`: the project's own default type when it has one,
    /// else the configured `default_volume_type`.
    public func defaultType(projectID: String?) async throws -> VolumeType {
        if let projectID, let projectDefault = try await store.projectDefaultVolumeType(projectID: projectID) {
            return try await volumeType(id: projectDefault.volumeTypeID)
        }
        return try await defaultType()
    }

    /// `PUT /default-types/{project_id}`: the type named or numbered by `nameOrID` becomes the
    /// project's default. An unknown type is cinder's 400 with the lookup's text
    /// (`get_by_name_or_id`: by id, then by name for a uuid-like text; by name otherwise).
    public func setProjectDefault(projectID: String, type nameOrID: String) async throws -> ProjectDefaultVolumeType {
        let type: VolumeType
        do {
            type = try await lookUpByNameOrID(nameOrID)
        } catch let error as EmberError where error.status == 404 {
            throw EmberError.badRequest(error.message)
        }
        do {
            return try await store.setProjectDefaultVolumeType(projectID: projectID, volumeTypeID: type.id)
        } catch .notFound {
            // Deleted between the lookup and the write.
            throw EmberError.badRequest("Volume type \(type.id) could not be found.")
        }
    }

    /// `GET /default-types/{project_id}`: 404 `VolumeTypeProjectDefaultNotFound` without one.
    public func projectDefault(projectID: String) async throws -> ProjectDefaultVolumeType {
        guard let found = try await store.projectDefaultVolumeType(projectID: projectID) else {
            throw EmberError.notFound("Default type for project \(projectID) not found.")
        }
        return found
    }

    /// `GET /default-types`: every project's default.
    public func projectDefaults() async throws -> [ProjectDefaultVolumeType] {
        try await store.listProjectDefaultVolumeTypes()
    }

    /// `DELETE /default-types/{project_id}`: removes it; a project without one is no error.
    public func unsetProjectDefault(projectID: String) async throws {
        try await store.unsetProjectDefaultVolumeType(projectID: projectID)
    }

    /// `volume_types.get_by_name_or_id` with cinder's two 404 texts.
    func lookUpByNameOrID(_ identity: String) async throws -> VolumeType {
        if VolumeAPI.isUUIDLike(identity) {
            if let byID = try? await current(id: identity) { return byID }
            if let byName = try? await store.volumeType(name: identity) { return byName }
            throw EmberError.notFound("Volume type \(identity) could not be found.")
        }
        do {
            return try await store.volumeType(name: identity)
        } catch .volumeTypeNameNotFound {
            throw EmberError.notFound("Volume type with name \(identity) could not be found.")
        }
    }
}

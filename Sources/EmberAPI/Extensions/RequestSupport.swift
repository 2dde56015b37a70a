import EmberCore
import EmberStore
import EmberVolume
import EmberWSGI

extension APIRequest {
    /// A path parameter the route guarantees (`type_id`, `volume_id`, …).
    func parameter(_ name: String) throws -> String {
        guard let value = parameters[name] else { throw EmberError.notFound("The resource could not be found.") }
        return value
    }

}

extension VolumeAPI {
    /// `volume_types.get_volume_type`: by id only, read from the store (not the view cache).
    nonisolated func resolveTypeByID(_ id: String) async throws -> VolumeType {
        try await store.volumeType(id: id)
    }
}

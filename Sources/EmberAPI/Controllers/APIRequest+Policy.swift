import EmberCore
import EmberVolume
import EmberWSGI

extension Volume {
    /// The fields a volume adds to a policy target (cinder's `target_obj=volume`).
    var policyTarget: PolicyTarget {
        ["id": .string(id), "project_id": PolicyValue(projectID), "user_id": PolicyValue(userID)]
    }
}

extension Snapshot {
    /// The fields a snapshot adds to a policy target.
    var policyTarget: PolicyTarget {
        ["id": .string(id), "project_id": PolicyValue(projectID), "user_id": PolicyValue(userID)]
    }
}

extension APIRequest {
    /// `volume_api.get_snapshot` with its policy: a snapshot the caller can see, then
    /// `action` checked on it (a refusal is cinder's 403).
    func authorizedSnapshot(_ id: String, api: VolumeAPI, action: PolicyAction) async throws -> Snapshot {
        let snapshot = try await api.snapshots.get(id: id, caller: identity)
        try authorize(action, target: snapshot.policyTarget)
        return snapshot
    }

    /// cinder's `volume_api.get` followed by the policy of the operation: the volume must be
    /// visible to the caller and pass `volume:get` (a refusal of either is the volume's 404, as
    /// cinder converts it); then `action`, when given, is checked on it (a refusal is a 403).
    func authorizedVolume(_ id: String, api: VolumeAPI, action: PolicyAction? = nil) async throws -> Volume {
        let volume = try await api.volume(id: id, caller: identity)
        guard allows(.volumeGet, target: volume.policyTarget) else {
            throw EmberError.notFound("Volume \(id) could not be found.")
        }
        if let action { try authorize(action, target: volume.policyTarget) }
        return volume
    }
}

import EmberCore

extension BackendFilter {
    /// cinder's `_schedule_generic_group`: the backends that pass for the group type,
    /// intersected with those that pass for each volume type of the group (in the group's
    /// zone); the best of the group type's order. Nil when no backend takes them all.
    ///
    /// cinder's capabilities filter reads the `extra_specs` of the resource type, and a group
    /// type has `group_specs` instead: group specs select no backend, and neither do they here.
    public static func groupBackend(
        _ backends: [BackendState],
        volumeTypeSpecs: [[String: String]],
        availabilityZone: String?
    ) -> BackendState? {
        let byGroupType = rank(backends, for: PlacementRequest(sizeGiB: 0))
        var allowed = Set(byGroupType.map(\.hostWithPool))
        for specs in volumeTypeSpecs {
            let passing = rank(
                backends,
                for: PlacementRequest(sizeGiB: 0, availabilityZone: availabilityZone, extraSpecs: specs)
            )
            allowed.formIntersection(passing.map(\.hostWithPool))
        }
        return byGroupType.first { allowed.contains($0.hostWithPool) }
    }
}

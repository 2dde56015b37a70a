import EmberCore

/// What a volume asks of a backend, for the filters: cinder's `filter_properties`.
public struct PlacementRequest: Sendable, Equatable {
    public var sizeGiB: Int
    public var availabilityZone: String?
    /// The volume type's extra specs.
    public var extraSpecs: [String: String]
    /// `HOST@BACKEND` or `HOST@BACKEND#POOL` the volume must land on (clones, snapshots).
    public var resourceBackend: String?
    /// `vol_exists_on`: the `HOST@BACKEND#POOL` the volume already lives on, which the
    /// capacity filter passes without counting the volume again (retype).
    public var existsOn: String?

    public init(
        sizeGiB: Int,
        availabilityZone: String? = nil,
        extraSpecs: [String: String] = [:],
        resourceBackend: String? = nil,
        existsOn: String? = nil
    ) {
        self.sizeGiB = sizeGiB
        self.availabilityZone = availabilityZone
        self.extraSpecs = extraSpecs
        self.resourceBackend = resourceBackend
        self.existsOn = existsOn
    }
}

/// The filter scheduler's filters and weigher (`AvailabilityZoneFilter`, `CapacityFilter`,
/// `CapabilitiesFilter`, `CapacityWeigher`) as pure functions.
public enum BackendFilter {
    /// The backends that pass every filter, best first (most virtual free capacity).
    public static func rank(_ backends: [BackendState], for request: PlacementRequest) -> [BackendState] {
        backends
            .filter { passesResourceBackend($0, request) }
            .filter { passesAvailabilityZone($0, request) }
            .filter { passesCapacity($0, request) }
            .filter { passesCapabilities($0, request) }
            .sorted { weight($0, request) > weight($1, request) }
    }

    /// cinder's `find_retype_backend`: of the backends that pass for the new type (the
    /// volume's own pool passing capacity as `vol_exists_on`), the volume's own pool; for a
    /// volume whose host names no pool, its backend; otherwise the best one, unless
    /// `migrationPolicy` is `never`.
    public static func retypeBackend(
        _ backends: [BackendState],
        for request: PlacementRequest,
        current: String,
        migrationPolicy: String
    ) -> BackendState? {
        var request = request
        request.existsOn = current
        let ranked = rank(backends, for: request)
        if let same = ranked.first(where: { $0.hostWithPool == current }) { return same }
        if !current.contains("#"), let sameBackend = ranked.first(where: { $0.backend == current }) {
            return sameBackend
        }
        return migrationPolicy == "never" ? nil : ranked.first
    }

    /// Pinning for clones and volumes from snapshots: same backend (and pool, if given).
    static func passesResourceBackend(_ backend: BackendState, _ request: PlacementRequest) -> Bool {
        guard let wanted = request.resourceBackend else { return true }
        return wanted.contains("#") ? wanted == backend.hostWithPool : wanted == backend.backend
    }

    /// `AvailabilityZoneFilter`.
    static func passesAvailabilityZone(_ backend: BackendState, _ request: PlacementRequest) -> Bool {
        guard let zone = request.availabilityZone else { return true }
        return zone == backend.availabilityZone
    }

    /// `CapacityFilter`: reserved space, thin provisioning and the over-subscription ratio; the
    /// backend the volume already lives on passes (`vol_exists_on`).
    static func passesCapacity(_ backend: BackendState, _ request: PlacementRequest) -> Bool {
        if let existsOn = request.existsOn, existsOn == backend.hostWithPool { return true }
        let requested = Double(request.sizeGiB)
        if requested == 0 { return true }
        guard backend.totalCapacityGiB > 0 else { return false }
        let thin = request.extraSpecs["provisioning:type"] != "thick"
        let virtualFree = backend.virtualFreeCapacity(thin: thin)
        if thin && backend.thinProvisioningSupport {
            guard backend.maxOverSubscriptionRatio >= 1 else { return false }
            let reserved = (backend.totalCapacityGiB * Double(backend.reservedPercentage) / 100).rounded(.down)
            let totalAvailable = (backend.totalCapacityGiB - reserved) * backend.maxOverSubscriptionRatio
            guard totalAvailable > 0 else { return false }
            let provisionedRatio = (backend.provisionedCapacityGiB + requested) / totalAvailable
            if provisionedRatio > backend.maxOverSubscriptionRatio { return false }
        }
        return virtualFree >= requested
    }

    /// `CapabilitiesFilter`: every unscoped or `capabilities:`-scoped extra spec must match the
    /// backend's capability of that name (`volume_backend_name` included).
    static func passesCapabilities(_ backend: BackendState, _ request: PlacementRequest) -> Bool {
        for (key, requirement) in request.extraSpecs {
            var name = key
            let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                guard parts[0] == "capabilities" else { continue }
                name = parts[1]
            }
            guard let value = capability(name, of: backend) else { return false }
            if !ExtraSpecMatcher.matches(value, requirement) { return false }
        }
        return true
    }

    static func capability(_ name: String, of backend: BackendState) -> String? {
        if name == "volume_backend_name" { return backend.volumeBackendName }
        switch backend.capabilities[name] {
        case .string(let text): return text
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        default: return nil
        }
    }

    /// `CapacityWeigher` with the default multiplier 1.0: virtual free capacity.
    static func weight(_ backend: BackendState, _ request: PlacementRequest) -> Double {
        backend.virtualFreeCapacity(thin: request.extraSpecs["provisioning:type"] != "thick")
    }
}

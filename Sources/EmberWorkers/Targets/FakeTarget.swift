import EmberCore

/// `target_helper = fake`: no target daemon. Consumers get the driver's `local` connection
/// info (the file's path on the volume host), so the embedded `ember all` needs nothing but
/// itself; cinder's fake helper likewise exports nothing.
public struct FakeTarget: VolumeTarget {
    public init() {}

    public var exportsVolumes: Bool { false }

    /// Never called by the manager (``exportsVolumes`` is false); refuses, so that a caller
    /// that skips the check gets an error instead of an export that does not exist.
    public func createExport(volumeID: String, path: String, providerAuth: String?) async throws -> TargetExport {
        throw DriverError("target_helper = fake exports no volumes; the connection is local")
    }

    /// Same as ``createExport(volumeID:path:providerAuth:)``.
    public func ensureExport(volumeID: String, path: String, export: TargetExport) async throws -> TargetExport {
        throw DriverError("target_helper = fake exports no volumes; the connection is local")
    }

    /// Nothing is exported, so nothing is removed.
    public func removeExport(volumeID: String) async throws {}

    /// Same as ``createExport(volumeID:path:providerAuth:)``.
    public func connectionInfo(volumeID: String, export: TargetExport) throws -> JSONValue {
        throw DriverError("target_helper = fake exports no volumes; the connection is local")
    }
}

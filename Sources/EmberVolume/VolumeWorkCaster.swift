import EmberCore

/// What the volume API asks the scheduler and the volume workers to do: the casts of
/// `cinder/scheduler/rpcapi.py` and `cinder/volume/rpcapi.py` that the volume operations
/// send. The bus-backed implementation lives with the workers; the API only needs this.
public protocol VolumeWorkCaster: Sendable {
    /// `scheduler_rpcapi.create_volume`: place a new volume and have a backend create it.
    func createVolume(_ volume: Volume, spec: VolumeRequestSpec, caller: Identity, requestID: String) async throws
    /// `volume_rpcapi.delete_volume`: the volume's backend deletes it (status `deleting`).
    func deleteVolume(_ volume: Volume, cascade: Bool, caller: Identity, requestID: String) async throws
}

/// cinder's `request_spec` for `create_volume`.
public struct VolumeRequestSpec: Sendable, Equatable, Codable {
    public var volumeID: String
    public var size: Int
    public var volumeTypeID: String
    public var availabilityZone: String
    public var snapshotID: String?
    public var sourceVolumeID: String?
    /// The backend a clone or a volume from a snapshot must land on (`resource_backend`).
    public var resourceBackend: String?
    public var multiattach: Bool
    /// `OS-SCH-HNT:scheduler_hints`, as given.
    public var schedulerHints: JSONValue?

    public init(
        volumeID: String,
        size: Int,
        volumeTypeID: String,
        availabilityZone: String,
        snapshotID: String? = nil,
        sourceVolumeID: String? = nil,
        resourceBackend: String? = nil,
        multiattach: Bool = false,
        schedulerHints: JSONValue? = nil
    ) {
        self.volumeID = volumeID
        self.size = size
        self.volumeTypeID = volumeTypeID
        self.availabilityZone = availabilityZone
        self.snapshotID = snapshotID
        self.sourceVolumeID = sourceVolumeID
        self.resourceBackend = resourceBackend
        self.multiattach = multiattach
        self.schedulerHints = schedulerHints
    }
}

import EmberBus
import EmberCore

extension VolumeRPC {
    /// `accept_transfer(ctxt, volume, new_user, new_project, no_snapshots)` (a call, 3.16):
    /// the backend is told that the volume changes hands before the ownership is written, so
    /// a driver that ties provider data to the project can update it. cinder replies with
    /// the driver's model update, which its API ignores; Ember's manager writes the update
    /// itself and replies with nothing.
    public struct AcceptTransfer: RPCMessage, Equatable {
        public static let method = "accept_transfer"
        public static let version = RPCVersion(3, 16)
        public var volumeID: String
        public var newUser: String
        public var newProject: String
        /// Absent from a 3.0 sender: false.
        public var noSnapshots: Bool?

        public init(volumeID: String, newUser: String, newProject: String, noSnapshots: Bool) {
            self.volumeID = volumeID
            self.newUser = newUser
            self.newProject = newProject
            self.noSnapshots = noSnapshots
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case newUser = "new_user"
            case newProject = "new_project"
            case noSnapshots = "no_snapshots"
        }
    }
}

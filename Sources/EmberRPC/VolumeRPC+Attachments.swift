import EmberBus
import EmberCore

extension VolumeRPC {
    /// `attachment_update(ctxt, vref, connector, attachment_id)` (a call, 3.9): the backend
    /// exports the volume for `connector`, marks the attachment and the volume `attaching`
    /// and returns the flattened connection info (the driver's `data` merged into the top
    /// level, plus `attachment_id` and `enforce_multipath`), which the API stores on the row.
    public struct AttachmentUpdate: RPCMessage, Equatable {
        public typealias Reply = JSONValue
        public static let method = "attachment_update"
        public static let version = RPCVersion(3, 9)
        public var volumeID: String
        /// os-brick's connector properties of the consumer (`host`, `initiator`, `mode`, …).
        public var connector: JSONValue
        public var attachmentID: String

        public init(volumeID: String, connector: JSONValue, attachmentID: String) {
            self.volumeID = volumeID
            self.connector = connector
            self.attachmentID = attachmentID
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case connector
            case attachmentID = "attachment_id"
        }
    }

    /// `attachment_delete(ctxt, attachment_id, vref)` (a call, 3.9): the backend terminates
    /// the attachment's connection (when it has a connector); the API then deletes the row
    /// and recomputes the volume's statuses (`finish_detach`).
    public struct AttachmentDelete: RPCMessage, Equatable {
        public static let method = "attachment_delete"
        public static let version = RPCVersion(3, 9)
        public var attachmentID: String
        public var volumeID: String

        public init(attachmentID: String, volumeID: String) {
            self.attachmentID = attachmentID
            self.volumeID = volumeID
        }

        enum CodingKeys: String, CodingKey {
            case attachmentID = "attachment_id"
            case volumeID = "volume_id"
        }
    }
}

extension VolumeRPC {
    /// `extend_volume_completion(ctxt, volume, new_size, reservations, error)` (a cast, 3.19):
    /// finishes an extend a driver left `extending` for the compute service to act on
    /// (`os-extend_volume_completion`, 3.71): commit or roll back the quota, then the new size
    /// and the status the volume had, or `error_extending`.
    public struct ExtendVolumeCompletion: RPCMessage, Equatable {
        public static let method = "extend_volume_completion"
        public static let version = RPCVersion(3, 19)
        public var volumeID: String
        public var newSize: Int
        public var reservations: [String]
        public var error: Bool

        public init(volumeID: String, newSize: Int, reservations: [String], error: Bool) {
            self.volumeID = volumeID
            self.newSize = newSize
            self.reservations = reservations
            self.error = error
        }

        enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case newSize = "new_size"
            case reservations
            case error
        }
    }
}

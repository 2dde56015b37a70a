/// What went wrong talking to Glance, with the messages of cinder's exceptions
/// (`cinder/exception.py`) so the API can answer as cinder does.
public enum GlanceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `GlanceConnectionFailed`: no server answered (after `num_retries`), or none is configured.
    case connectionFailed(reason: String)
    /// `ImageNotFound` (Glance said 404).
    case imageNotFound(id: String)
    /// `ImageNotAuthorized` (Glance said 401 or 403).
    case notAuthorized(id: String)
    /// `Invalid`: Glance refused the request (400) with this explanation.
    case invalid(String)
    /// `ImageLimitExceeded` (Glance said 413).
    case limitExceeded
    /// Any other answer.
    case unexpected(status: Int, message: String)
    /// The image data did not match the checksum Glance sent.
    case corruptDownload(expected: String, actual: String)

    public var description: String {
        switch self {
        case .connectionFailed(let reason): "Connection to glance failed: \(reason)"
        case .imageNotFound(let id): "Image \(id) could not be found."
        case .notAuthorized(let id): "Not authorized for image \(id)."
        case .invalid(let message): message
        case .limitExceeded: "Image quota exceeded"
        case .unexpected(let status, let message): "\(message) (HTTP \(status))"
        case .corruptDownload(let expected, let actual):
            "Corrupt image download. Checksum was \(actual) expected \(expected)"
        }
    }
}

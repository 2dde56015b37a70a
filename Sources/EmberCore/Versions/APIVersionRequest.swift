/// A Block Storage API microversion such as `3.59` (`cinder/api/openstack/api_version_request.py`).
public struct APIVersionRequest: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// The oldest microversion Ember serves (`_MIN_API_VERSION`).
    public static let minimum = APIVersionRequest(major: 3, minor: 0)
    /// The newest microversion Ember serves (`_MAX_API_VERSION`, cinder 29.0.0).
    public static let maximum = APIVersionRequest(major: 3, minor: 71)
    /// `UPDATED` in the version document for the newest microversion.
    public static let maximumUpdated = "2023-08-31T00:00:00Z"

    /// Parses `MajorNum.MinorNum` as cinder's regex `^([1-9]\d*)\.([1-9]\d*|0)$` does, in one
    /// pass over the UTF-8 bytes (views ask `supports("3.x")` many times per response).
    public init?(_ text: String) {
        var components = (major: 0, minor: 0)
        var digits = 0
        var leadingZero = false
        var inMinor = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard !inMinor, digits > 0, !leadingZero else { return nil }
                inMinor = true
                digits = 0
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            // A leading zero is allowed only as the whole minor component ("3.0").
            if digits == 0 {
                leadingZero = byte == UInt8(ascii: "0")
                if leadingZero && !inMinor { return nil }
            } else if leadingZero {
                return nil
            }
            digits += 1
            let digit = Int(byte - UInt8(ascii: "0"))
            let current = inMinor ? components.minor : components.major
            let (scaled, overflow) = current.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = scaled.addingReportingOverflow(digit)
            guard !overflow, !overflowSum else { return nil }
            if inMinor { components.minor = sum } else { components.major = sum }
        }
        guard inMinor, digits > 0 else { return nil }
        self.major = components.major
        self.minor = components.minor
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: APIVersionRequest, rhs: APIVersionRequest) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    /// Resolves the `OpenStack-API-Version` header as `Request.set_api_version_request` does.
    ///
    /// - No header: 3.0.
    /// - `volume latest`: the maximum.
    /// - No element naming `volume`: 400.
    /// - Malformed: 400 with cinder's message.
    /// - Out of range: 406 `computeFault` with cinder's message; the response still echoes the
    ///   requested version, so the parsed value is carried in the error.
    public static func negotiate(header: String?) -> Result<APIVersionRequest, APIVersionError> {
        guard let header else { return .success(.minimum) }
        let element = header.split(separator: ",").map { $0.trimmingWhitespace() }.first { $0.contains("volume") }
        guard let element else {
            return .failure(.init(status: 400, message: Self.noVolumeElementMessage, requested: nil))
        }
        let words = element.split(whereSeparator: \.isWhitespace)
        let text = words.count > 1 ? String(words[1]) : ""
        if text.lowercased() == "latest" { return .success(.maximum) }
        guard let version = APIVersionRequest(text) else {
            return .failure(
                .init(
                    status: 400,
                    message: "API Version String \(text) is of invalid format. Must be of format MajorNum.MinorNum.",
                    requested: nil
                )
            )
        }
        guard version >= .minimum, version <= .maximum else {
            return .failure(
                .init(
                    status: 406,
                    message:
                        "Version \(version) is not supported by the API. Minimum is \(Self.minimum) and maximum is \(Self.maximum).",
                    requested: version
                )
            )
        }
        return .success(version)
    }

    /// webob's generic 400 text: cinder raises a non-"safe" exception here, so faultwrap hides
    /// its message.
    public static let noVolumeElementMessage =
        "The server could not comply with the request since it is either malformed or otherwise incorrect."
}

/// A refused `OpenStack-API-Version` header.
public struct APIVersionError: Error, Sendable, Equatable, EmberErrorConvertible {
    public var status: Int
    public var message: String
    /// The well-formed but unsupported version, echoed in the response header.
    public var requested: APIVersionRequest?

    public var emberError: EmberError { EmberError(status: status, message: message) }
}

import Foundation

/// cinder's `resource_query_filters_file` (`etc/cinder/resource_filters.json`): for each
/// resource, the list filters a non-admin may use (API 3.31 and later) and that
/// `GET /resource_filters` (3.33) reports. A name ending in `~` allows the inexact match
/// (3.34); `key~` also allows `key`.
///
/// The file is a JSON object of resource name → array of filter names, read once at start.
/// Without the option, Ember uses cinder 29.0.0's shipped file (``cinderDefault``, the same
/// text as `etc/ember/resource_filters.json`).
public struct ResourceFilters: Sendable, Equatable {
    /// The resources in the file's order, each with its filters in the file's order.
    public var resources: [(resource: String, filters: [String])]

    public init(_ resources: [(resource: String, filters: [String])]) {
        self.resources = resources
    }

    public static func == (lhs: ResourceFilters, rhs: ResourceFilters) -> Bool {
        lhs.resources.elementsEqual(rhs.resources) { $0.resource == $1.resource && $0.filters == $1.filters }
    }

    /// The filters configured for `resource`; nil when the file does not name it (cinder then
    /// allows non-admins no filter at all).
    public func filters(for resource: String) -> [String]? {
        resources.first { $0.resource == resource }?.filters
    }

    /// `reject_invalid_filters`' test for one query key: configured as is, or (with the
    /// inexact filters of 3.34) configured as `key~`.
    public func allows(_ key: String, resource: String, inexact: Bool) -> Bool {
        let configured = filters(for: resource) ?? []
        if configured.contains(key) { return true }
        return inexact && configured.contains(key + "~")
    }

    /// Parses the file's text; the error names what is wrong.
    public static func parse(_ text: String) throws(ConfigurationError) -> ResourceFilters {
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch {
            throw .invalid(message: "resource_query_filters_file: not JSON (\(error.reason) at byte \(error.offset))")
        }
        guard case .object(let object) = value else {
            throw .invalid(message: "resource_query_filters_file: the document must be a JSON object")
        }
        var resources: [(resource: String, filters: [String])] = []
        for (resource, list) in object.entries {
            guard case .array(let items) = list else {
                throw .invalid(message: "resource_query_filters_file: \(resource) must be an array of filter names")
            }
            var names: [String] = []
            for item in items {
                guard let name = item.stringValue else {
                    throw .invalid(message: "resource_query_filters_file: \(resource) must be an array of filter names")
                }
                names.append(name)
            }
            resources.append((resource, names))
        }
        return ResourceFilters(resources)
    }

    /// Reads `resource_query_filters_file`, or ``cinderDefault`` when the option is unset.
    /// cinder logs a missing or malformed file and then refuses every non-admin filter; Ember
    /// refuses to start instead, so the mistake shows at once.
    public init(files: ConfigFiles) throws(ConfigurationError) {
        guard let path = files.optionalString("DEFAULT", "resource_query_filters_file"), !path.isEmpty else {
            self = .cinderDefault
            return
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        self = try Self.parse(text)
    }

    /// cinder 29.0.0's `etc/cinder/resource_filters.json`.
    public static let cinderDefault = ResourceFilters([
        (
            "volume",
            [
                "name", "status", "metadata", "bootable", "migration_status", "availability_zone", "group_id", "size",
                "created_at", "updated_at", "consumes_quota",
            ]
        ),
        ("backup", ["name", "status", "volume_id"]),
        ("snapshot", ["name", "status", "volume_id", "metadata", "availability_zone", "consumes_quota"]),
        ("group", ["name"]),
        ("group_snapshot", ["name", "status", "group_id"]),
        ("attachment", ["volume_id", "status", "instance_id", "attach_status"]),
        ("message", ["resource_uuid", "resource_type", "event_id", "request_id", "message_level"]),
        ("pool", ["name", "volume_type"]),
        ("volume_type", ["is_public", "extra_specs"]),
    ])
}

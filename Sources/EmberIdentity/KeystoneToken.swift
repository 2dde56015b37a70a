import EmberCore

/// What Keystone says about a validated token (keystoneauth's `AccessInfoV3`), reduced to what
/// the identity headers carry.
public struct KeystoneToken: Sendable, Equatable {
    public var expiresAt: Double
    public var userID: String
    public var userName: String?
    public var userDomainID: String?
    public var userDomainName: String?
    public var projectID: String?
    public var projectName: String?
    public var projectDomainID: String?
    public var projectDomainName: String?
    public var domainID: String?
    public var domainName: String?
    public var systemScopeAll: Bool
    public var roles: [String]
    public var isAdminProject: Bool
    /// The catalog in the v2 layout keystonemiddleware passes on (`X-Service-Catalog`).
    public var catalog: JSONValue?

    /// Parses a `GET`/`POST /v3/auth/tokens` body (`{"token": {…}}`).
    public init(body: JSONValue) throws(KeystoneError) {
        guard let token = body["token"], let user = token["user"], let userID = user["id"]?.stringValue else {
            throw .malformedResponse("the token has no user")
        }
        guard let expires = token["expires_at"]?.stringValue, let expiresAt = ISO8601.parse(expires) else {
            throw .malformedResponse("the token has no readable expires_at")
        }
        self.expiresAt = expiresAt
        self.userID = userID
        userName = user["name"]?.stringValue
        userDomainID = user["domain"]?["id"]?.stringValue
        userDomainName = user["domain"]?["name"]?.stringValue
        projectID = token["project"]?["id"]?.stringValue
        projectName = token["project"]?["name"]?.stringValue
        projectDomainID = token["project"]?["domain"]?["id"]?.stringValue
        projectDomainName = token["project"]?["domain"]?["name"]?.stringValue
        domainID = token["domain"]?["id"]?.stringValue
        domainName = token["domain"]?["name"]?.stringValue
        systemScopeAll = token["system"]?["all"] == .bool(true)
        if case .array(let list)? = token["roles"] {
            roles = list.compactMap { $0["name"]?.stringValue }
        } else {
            roles = []
        }
        if case .bool(let flag)? = token["is_admin_project"] {
            isAdminProject = flag
        } else {
            isAdminProject = true
        }
        if case .array(let services)? = token["catalog"] {
            catalog = .array(services.map(Self.v2Service))
        } else {
            catalog = nil
        }
    }

    /// keystonemiddleware's `_normalize_catalog`: endpoints grouped by region, one
    /// `<interface>URL` key per interface.
    static func v2Service(_ service: JSONValue) -> JSONValue {
        var converted = JSONObject()
        converted["type"] = service["type"] ?? .null
        if let name = service["name"] { converted["name"] = name }
        var regions: [(region: String?, object: JSONObject)] = []
        if case .array(let endpoints)? = service["endpoints"] {
            for endpoint in endpoints {
                let region = endpoint["region"]?.stringValue
                let index: Int
                if let found = regions.firstIndex(where: { $0.region == region }) {
                    index = found
                } else {
                    var object = JSONObject()
                    if let region, !region.isEmpty { object["region"] = .string(region) }
                    regions.append((region, object))
                    index = regions.count - 1
                }
                let interface = (endpoint["interface"]?.stringValue ?? "").lowercased()
                regions[index].object[interface + "URL"] = endpoint["url"] ?? .null
            }
        }
        converted["endpoints"] = .array(regions.map { .object($0.object) })
        return .object(converted)
    }

    /// The headers keystonemiddleware sets for a user token (`set_user_headers`), or for a
    /// service token with `prefix` `-Service`.
    func headers(prefix: String, includeCatalog: Bool) -> [(String, String)] {
        var headers: [(String, String)] = [
            ("X\(prefix)-Roles", roles.joined(separator: ",")),
            ("X\(prefix)-Domain-Id", domainID ?? ""),
            ("X\(prefix)-Domain-Name", domainName ?? ""),
            ("X\(prefix)-Project-Id", projectID ?? ""),
            ("X\(prefix)-Project-Name", projectName ?? ""),
            ("X\(prefix)-Project-Domain-Id", projectDomainID ?? ""),
            ("X\(prefix)-Project-Domain-Name", projectDomainName ?? ""),
            ("X\(prefix)-User-Id", userID),
            ("X\(prefix)-User-Name", userName ?? ""),
            ("X\(prefix)-User-Domain-Id", userDomainID ?? ""),
            ("X\(prefix)-User-Domain-Name", userDomainName ?? ""),
        ]
        if systemScopeAll { headers.append(("OpenStack-System-Scope", "all")) }
        guard prefix.isEmpty else { return headers }
        headers.append(("X-Is-Admin-Project", isAdminProject ? "True" : "False"))
        // The deprecated names keystonemiddleware still sets.
        headers += [
            ("X-Role", roles.joined(separator: ",")),
            ("X-User", userName ?? ""),
            ("X-Tenant-Id", projectID ?? ""),
            ("X-Tenant-Name", projectName ?? ""),
            ("X-Tenant", projectName ?? ""),
        ]
        if includeCatalog, let catalog { headers.append(("X-Service-Catalog", catalog.serialized())) }
        return headers
    }
}

/// Keystone's timestamps (`2026-11-29T12:00:00.000000Z`, or with a `±hh:mm` offset) as
/// seconds since 1970.
enum ISO8601 {
    static func parse(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 19, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 32,
            bytes[13] == 58, bytes[16] == 58,
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var scale = 0.1
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < bytes.count {
            switch bytes[index] {
            case 90:  // Z
                index += 1
            case 43, 45:  // + or -
                let sign = bytes[index] == 45 ? -1 : 1
                guard let hours = number(index + 1, 2) else { return nil }
                var minutes = 0
                if index + 3 < bytes.count, bytes[index + 3] == 58 {
                    guard let value = number(index + 4, 2) else { return nil }
                    minutes = value
                } else if let value = number(index + 3, 2) {
                    minutes = value
                }
                offset = sign * (hours * 3600 + minutes * 60)
            default:
                return nil
            }
        }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else {
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second) + fraction - Double(offset)
    }

    /// Howard Hinnant's `days_from_civil`.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

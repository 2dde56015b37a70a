import EmberCore

/// `[keystone_authtoken]`: what keystonemiddleware's `auth_token` reads, with its defaults.
///
/// - `www_authenticate_uri` (the identity endpoint of `auth_url`): the URI in
///   `WWW-Authenticate: Keystone uri="…"` on a 401; `auth_uri` is its deprecated name.
/// - `auth_type` (`password`, the only plugin Ember has), `auth_url`, `username`, `password`,
///   `project_name`, `user_domain_name` / `user_domain_id`, `project_domain_name` /
///   `project_domain_id`: the service user whose token validates users' tokens.
/// - `service_token_roles` (`service`) and `service_token_roles_required` (`true`): an
///   `X-Service-Token` counts only when it carries one of these roles.
/// - `token_cache_time` (`300`): seconds a validated token is trusted without asking Keystone
///   again (never past the token's own expiry); `-1` disables the cache.
/// - `include_service_catalog` (`true`): pass the token's catalog on as `X-Service-Catalog`.
/// - `http_connect_timeout` (unset: 10 s in Ember) and `http_request_max_retries` (`3`): how
///   long a connection to Keystone may take and how often a failed connection is retried.
/// - `memcached_servers` and the other `memcache_*` options: ignored, with a warning; Ember
///   keeps validated tokens in process memory (`ember_token_cache_size`, default 10000 entries,
///   an Ember option), as keystonemiddleware does without memcached.
/// - `delay_auth_decision` (`false`): only `false` is supported.
public struct AuthTokenConfiguration: Sendable, Equatable {
    public var wwwAuthenticateURI: String?
    public var authURL: String
    public var username: String
    public var password: String
    public var projectName: String?
    public var projectID: String?
    public var userDomainName: String?
    public var userDomainID: String?
    public var projectDomainName: String?
    public var projectDomainID: String?
    public var serviceTokenRoles: [String] = ["service"]
    public var serviceTokenRolesRequired = true
    public var tokenCacheTime: Int = 300
    public var tokenCacheSize: Int = 10_000
    public var includeServiceCatalog = true
    public var connectTimeout: Int = 10
    public var maxRetries: Int = 3
    /// Options Ember reads but does not act on, for a start-up warning.
    public var ignoredOptions: [String] = []

    static let section = "keystone_authtoken"

    public init(
        authURL: String,
        username: String,
        password: String,
        projectName: String? = nil,
        userDomainName: String? = "Default",
        projectDomainName: String? = "Default",
        wwwAuthenticateURI: String? = nil
    ) {
        self.authURL = authURL
        self.username = username
        self.password = password
        self.projectName = projectName
        self.userDomainName = userDomainName
        self.projectDomainName = projectDomainName
        self.wwwAuthenticateURI = wwwAuthenticateURI
    }

    public init(files: ConfigFiles) throws(ConfigurationError) {
        let section = Self.section
        func required(_ option: String) throws(ConfigurationError) -> String {
            guard let value = files.optionalString(section, option), !value.isEmpty else {
                throw .invalid(message: "[\(section)] \(option) is required when auth_strategy = keystone")
            }
            return value
        }
        let authType = files.string(section, "auth_type", default: files.string(section, "auth_plugin", default: ""))
        guard authType == "password" || authType == "v3password" else {
            throw .malformedValue(
                path: files.lookup(section, "auth_type")?.path ?? "",
                section: section,
                option: "auth_type",
                value: authType,
                expected: "password (the only auth plugin Ember provides)"
            )
        }
        authURL = try required("auth_url")
        username = try required("username")
        password = try required("password")
        projectName = files.optionalString(section, "project_name")
        projectID = files.optionalString(section, "project_id")
        guard projectName != nil || projectID != nil else {
            throw .invalid(message: "[\(section)] project_name or project_id is required when auth_strategy = keystone")
        }
        userDomainName = files.optionalString(section, "user_domain_name")
        userDomainID = files.optionalString(section, "user_domain_id")
        projectDomainName = files.optionalString(section, "project_domain_name")
        projectDomainID = files.optionalString(section, "project_domain_id")
        if userDomainName == nil && userDomainID == nil { userDomainID = "default" }
        if projectID == nil && projectDomainName == nil && projectDomainID == nil { projectDomainID = "default" }
        wwwAuthenticateURI =
            files.optionalString(section, "www_authenticate_uri") ?? files.optionalString(section, "auth_uri")
        serviceTokenRoles = files.list(section, "service_token_roles", default: serviceTokenRoles)
        serviceTokenRolesRequired = try files.bool(section, "service_token_roles_required", default: true)
        tokenCacheTime = try files.int(section, "token_cache_time", default: tokenCacheTime, minimum: -1)
        tokenCacheSize = try files.int(section, "ember_token_cache_size", default: tokenCacheSize, minimum: 0)
        includeServiceCatalog = try files.bool(section, "include_service_catalog", default: true)
        connectTimeout = try files.optionalInt(section, "http_connect_timeout", minimum: 1) ?? connectTimeout
        maxRetries = try files.int(section, "http_request_max_retries", default: maxRetries, minimum: 0)
        if try files.bool(section, "delay_auth_decision", default: false) {
            throw .malformedValue(
                path: files.lookup(section, "delay_auth_decision")?.path ?? "",
                section: section,
                option: "delay_auth_decision",
                value: "true",
                expected: "false (Ember rejects unauthenticated requests in authtoken)"
            )
        }
        ignoredOptions = files.optionNames(in: section).filter {
            $0.hasPrefix("memcache")
                || ["cafile", "certfile", "keyfile", "insecure", "region_name", "interface"]
                    .contains($0)
        }
    }

    /// The Keystone v3 API root: `auth_url` with `/v3` added unless it already ends so.
    public var identityV3URL: String {
        var url = authURL
        while url.hasSuffix("/") { url.removeLast() }
        if url.hasSuffix("/v3") { return url }
        return url + "/v3"
    }

    /// The URI clients are sent to on a 401.
    public var authenticateURI: String {
        if let wwwAuthenticateURI { return wwwAuthenticateURI }
        var url = authURL
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

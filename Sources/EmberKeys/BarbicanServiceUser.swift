import EmberCore

/// castellan's `[barbican_service_user]`: the service user whose token goes with the caller's
/// (`X-Service-Token`) when `[barbican] send_service_user_token` is true, so Barbican still
/// accepts a request whose user token expired on the way (keystonemiddleware's service
/// tokens). keystoneauth's password plugin options, read the same way: `auth_type`
/// (`password`; nothing else is provided), `auth_url`, `username`, `password`, `project_name`
/// or `project_id`, `user_domain_name` / `user_domain_id`, `project_domain_name` /
/// `project_domain_id` (unset: the `default` domain's id).
public struct BarbicanServiceUser: Sendable, Equatable {
    public var authURL: String
    public var username: String
    public var password: String
    public var projectName: String?
    public var projectID: String?
    public var userDomainName: String?
    public var userDomainID: String?
    public var projectDomainName: String?
    public var projectDomainID: String?

    public init(
        authURL: String,
        username: String,
        password: String,
        projectName: String? = nil,
        projectID: String? = nil,
        userDomainName: String? = nil,
        userDomainID: String? = nil,
        projectDomainName: String? = nil,
        projectDomainID: String? = nil
    ) {
        self.authURL = authURL
        self.username = username
        self.password = password
        self.projectName = projectName
        self.projectID = projectID
        self.userDomainName = userDomainName
        self.userDomainID = userDomainID ?? (userDomainName == nil ? "default" : nil)
        self.projectDomainName = projectDomainName
        self.projectDomainID =
            projectDomainID ?? (projectID == nil && projectDomainName == nil ? "default" : nil)
    }

    static let section = "barbican_service_user"

    /// The service user `[barbican_service_user]` describes; nil when `auth_type` is unset
    /// (castellan then refuses to send a service token: "missing configuration for service
    /// user").
    static func read(_ files: ConfigFiles) throws(ConfigurationError) -> BarbicanServiceUser? {
        let section = Self.section
        guard let authType = files.optionalString("barbican_service_user", "auth_type") else { return nil }
        guard authType == "password" || authType == "v3password" else {
            throw .malformedValue(
                path: files.lookup("barbican_service_user", "auth_type")?.path ?? "",
                section: section,
                option: "auth_type",
                value: authType,
                expected: "password (the only auth plugin Ember provides)"
            )
        }
        func required(_ value: String?, _ option: String) throws(ConfigurationError) -> String {
            guard let value else {
                throw .invalid(message: "[\(section)] \(option) is required with auth_type = \(authType)")
            }
            return value
        }
        let user = BarbicanServiceUser(
            authURL: try required(files.optionalString("barbican_service_user", "auth_url"), "auth_url"),
            username: try required(files.optionalString("barbican_service_user", "username"), "username"),
            password: try required(files.optionalString("barbican_service_user", "password"), "password"),
            projectName: files.optionalString("barbican_service_user", "project_name"),
            projectID: files.optionalString("barbican_service_user", "project_id"),
            userDomainName: files.optionalString("barbican_service_user", "user_domain_name"),
            userDomainID: files.optionalString("barbican_service_user", "user_domain_id"),
            projectDomainName: files.optionalString("barbican_service_user", "project_domain_name"),
            projectDomainID: files.optionalString("barbican_service_user", "project_domain_id")
        )
        guard user.projectName != nil || user.projectID != nil else {
            throw .invalid(message: "[\(section)] project_name or project_id is required with auth_type = \(authType)")
        }
        return user
    }

    /// The `[keystone_authtoken]` password user (cinder's `KeyTransfer` reads `auth_url`,
    /// `username`, `password`, `project_name`, `user_domain_name`, `project_domain_name`);
    /// nil unless all of `auth_url`, `username`, `password` and `project_name` are set.
    static func keystoneAuthtoken(_ files: ConfigFiles) -> BarbicanServiceUser? {
        guard let authURL = files.optionalString("keystone_authtoken", "auth_url"),
            let username = files.optionalString("keystone_authtoken", "username"),
            let password = files.optionalString("keystone_authtoken", "password"),
            let projectName = files.optionalString("keystone_authtoken", "project_name")
        else { return nil }
        var url = authURL
        while url.hasSuffix("/") { url.removeLast() }
        return BarbicanServiceUser(
            authURL: url.hasSuffix("/v3") ? url : url + "/v3",
            username: username,
            password: password,
            projectName: projectName,
            userDomainName: files.optionalString("keystone_authtoken", "user_domain_name"),
            projectDomainName: files.optionalString("keystone_authtoken", "project_domain_name")
        )
    }

    /// The body of `POST /v3/auth/tokens` for this user, scoped to its project.
    var authRequest: JSONValue {
        func domain(id: String?, name: String?) -> JSONValue {
            if let id { return ["id": .string(id)] }
            return ["name": .string(name ?? "Default")]
        }
        var project: JSONObject = [:]
        if let projectID {
            project["id"] = .string(projectID)
        } else {
            project["name"] = .string(projectName ?? "")
            project["domain"] = domain(id: projectDomainID, name: projectDomainName)
        }
        return [
            "auth": [
                "identity": [
                    "methods": ["password"],
                    "password": [
                        "user": [
                            "name": .string(username), "password": .string(password),
                            "domain": domain(id: userDomainID, name: userDomainName),
                        ]
                    ],
                ],
                "scope": ["project": .object(project)],
            ]
        ]
    }
}

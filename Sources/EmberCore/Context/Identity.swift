/// Who is calling: what cinder's `RequestContext` learns from noauth or from Keystone's headers.
public struct Identity: Sendable, Equatable {
    public var userID: String
    public var projectID: String?
    public var projectName: String?
    public var userName: String?
    public var userDomainID: String?
    public var userDomainName: String?
    public var projectDomainID: String?
    public var projectDomainName: String?
    public var roles: [String]
    /// Admin by context (noauth always; Keystone callers with the admin role).
    public var isAdmin: Bool
    /// The service catalog Keystone returned, as the raw JSON text of `X-Service-Catalog`.
    public var serviceCatalog: String?
    /// The caller's address (`X-Forwarded-For` when `use_forwarded_for` is set).
    public var remoteAddress: String?
    /// The domain of a domain-scoped token (`X-Domain-Id`).
    public var domainID: String?
    /// `all` for a system-scoped token (`OpenStack-System-Scope`).
    public var systemScope: String?
    /// Keystone's `is_admin_project` (`X-Is-Admin-Project`); true when Keystone has no admin
    /// project configured, as oslo.context assumes.
    public var isAdminProject: Bool = true
    /// The service token's user, project and roles (`X-Service-*`), when one was sent.
    public var serviceUserID: String?
    public var serviceProjectID: String?
    public var serviceRoles: [String] = []
    /// The caller's Keystone token (`X-Auth-Token`) in keystone mode, forwarded to the image
    /// service as cinder forwards it; nil in noauth mode. Never logged.
    public var authToken: String?

    public init(
        userID: String,
        projectID: String?,
        roles: [String] = [],
        isAdmin: Bool = false,
        projectName: String? = nil,
        userName: String? = nil,
        userDomainID: String? = nil,
        userDomainName: String? = nil,
        projectDomainID: String? = nil,
        projectDomainName: String? = nil,
        serviceCatalog: String? = nil,
        remoteAddress: String? = nil
    ) {
        self.userID = userID
        self.projectID = projectID
        self.roles = roles
        self.isAdmin = isAdmin
        self.projectName = projectName
        self.userName = userName
        self.userDomainID = userDomainID
        self.userDomainName = userDomainName
        self.projectDomainID = projectDomainID
        self.projectDomainName = projectDomainName
        self.serviceCatalog = serviceCatalog
        self.remoteAddress = remoteAddress
    }
}

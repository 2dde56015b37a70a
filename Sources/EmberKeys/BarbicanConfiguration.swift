import EmberCore

/// How Ember reaches Barbican: castellan's `[barbican]` options, read the same way.
///
/// - `barbican_endpoint` (unset): Barbican's URL (`http://127.0.0.1:9311`); unset, the
///   `key-manager` endpoint of the caller's Keystone catalog.
/// - `barbican_api_version` (unset: `v1`): the version appended to the endpoint.
/// - `auth_endpoint` (`http://localhost/identity/v3`): Keystone, where the catalog is read.
/// - `barbican_endpoint_type` (`public`): the catalog interface (`public`, `internal`, `admin`).
/// - `barbican_region_name` (unset): the catalog region; unset, any region.
/// - `number_of_retries` (`60`), `retry_delay` (`1`): how often and how many seconds apart a
///   key order that is not yet `ACTIVE` is read again.
/// - `verify_ssl` (`true`), `verify_ssl_path` (unset): whether Barbican's and Keystone's TLS
///   certificates are checked, and against which CA bundle (unset: the system's).
/// - `timeout` (unset: none): keystoneauth's session option, seconds one request may take.
/// - `send_service_user_token` (`false`): also send the token of `[barbican_service_user]`
///   (``BarbicanServiceUser``) as `X-Service-Token`.
public struct BarbicanConfiguration: Sendable, Equatable {
    public static let endpointTypes = ["public", "internal", "admin"]

    public var endpoint: String?
    public var apiVersion: String?
    public var authEndpoint: String
    public var endpointType: String
    public var regionName: String?
    public var numberOfRetries: Int
    public var retryDelay: Int
    public var verifySSL: Bool
    public var verifySSLPath: String?
    public var timeout: Int?
    public var sendServiceUserToken: Bool
    /// `[barbican_service_user]`; nil when its `auth_type` is unset.
    public var serviceUser: BarbicanServiceUser?
    /// The service's own credentials, cinder's `KeyTransfer` service context: the
    /// `[keystone_authtoken]` password user, which holds the key of a volume awaiting transfer.
    /// Nil without `[keystone_authtoken]` credentials (noauth).
    public var serviceContext: BarbicanServiceUser?

    public init(
        endpoint: String? = nil,
        apiVersion: String? = nil,
        authEndpoint: String = "http://localhost/identity/v3",
        endpointType: String = "public",
        regionName: String? = nil,
        numberOfRetries: Int = 60,
        retryDelay: Int = 1,
        verifySSL: Bool = true,
        verifySSLPath: String? = nil,
        timeout: Int? = nil,
        sendServiceUserToken: Bool = false,
        serviceUser: BarbicanServiceUser? = nil
    ) {
        self.endpoint = endpoint
        self.apiVersion = apiVersion
        self.authEndpoint = authEndpoint
        self.endpointType = endpointType
        self.regionName = regionName
        self.numberOfRetries = numberOfRetries
        self.retryDelay = retryDelay
        self.verifySSL = verifySSL
        self.verifySSLPath = verifySSLPath
        self.timeout = timeout
        self.sendServiceUserToken = sendServiceUserToken
        self.serviceUser = serviceUser
    }

    public init(files: ConfigFiles) throws(ConfigurationError) {
        self.init()
        endpoint = files.optionalString("barbican", "barbican_endpoint")
        apiVersion = files.optionalString("barbican", "barbican_api_version")
        authEndpoint = files.string("barbican", "auth_endpoint", default: authEndpoint)
        endpointType = try files.choice(
            "barbican",
            "barbican_endpoint_type",
            default: endpointType,
            choices: Self.endpointTypes
        )
        regionName = files.optionalString("barbican", "barbican_region_name")
        numberOfRetries = try files.int("barbican", "number_of_retries", default: numberOfRetries, minimum: 0)
        retryDelay = try files.int("barbican", "retry_delay", default: retryDelay, minimum: 0)
        verifySSL = try files.bool("barbican", "verify_ssl", default: verifySSL)
        verifySSLPath = files.optionalString("barbican", "verify_ssl_path")
        timeout = try files.optionalInt("barbican", "timeout", minimum: 1)
        sendServiceUserToken = try files.bool("barbican", "send_service_user_token", default: false)
        serviceUser = try BarbicanServiceUser.read(files)
        serviceContext = BarbicanServiceUser.keystoneAuthtoken(files)
    }

    /// The versioned base (`…/v1`) of an endpoint, as barbicanclient builds it: the endpoint
    /// without trailing slashes, then the API version unless the endpoint already ends with it.
    func versionedBase(of endpoint: String) -> String {
        var base = endpoint
        while base.hasSuffix("/") { base.removeLast() }
        let version = apiVersion ?? "v1"
        return base.hasSuffix("/" + version) ? base : base + "/" + version
    }
}

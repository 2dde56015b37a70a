import EmberCore
import HTTPTypes
import Hummingbird

/// Which API versions this deployment serves, for the version document: v3 always, and the
/// seed's v2 and v1 when the paste file mounts them.
public struct VersionCatalog: Sendable, Equatable {
    /// `[DEFAULT] public_endpoint`: the base for links instead of the request's URL.
    public var publicEndpoint: String?
    public var servesV2: Bool
    public var servesV1: Bool
    /// The one major version a `/v2` or `/v1` router's own index (`GET /v2/`) describes; nil
    /// for `/` and `/v3/`, which list every served version.
    public var onlyMajor: Int?

    public init(publicEndpoint: String?, servesV2: Bool = false, servesV1: Bool = false) {
        self.publicEndpoint = publicEndpoint
        self.servesV2 = servesV2
        self.servesV1 = servesV1
    }

    /// The catalog a paste factory sees: v2/v1 when the file mounts `/v2`, `/v1` and the
    /// configuration does not disable them.
    public init(context: PasteFactoryContext) {
        let files = context.environment.configuration.files
        self.init(
            publicEndpoint: context.environment.configuration.api.publicEndpoint,
            servesV2: context.mountedPrefixes.contains("/v2")
                && (try? files.bool("DEFAULT", "enable_v2_api", default: true)) != false,
            servesV1: context.mountedPrefixes.contains("/v1")
                && (try? files.bool("DEFAULT", "enable_v1_api", default: true)) != false
        )
    }

    /// This catalog for the index of the `/vN` router of the major version `major`.
    public func describing(major: Int) -> VersionCatalog {
        var catalog = self
        catalog.onlyMajor = major
        return catalog
    }

    /// The base for links: the public endpoint when set, else the request's application URL.
    public func baseURL(context: WSGIRequestContext) -> String {
        publicEndpoint ?? context.applicationURL
    }

    /// `{"versions": [...]}` as `cinder/api/views/versions.py` builds it: v3 (CURRENT) and, when
    /// served, v2 and v1 with the statuses cinder gave them before removing them.
    public func document(baseURL: String) -> JSONValue {
        switch onlyMajor {
        case 2: return ["versions": [Self.v2(baseURL: baseURL)]]
        case 1: return ["versions": [Self.v1(baseURL: baseURL)]]
        default: break
        }
        var versions: [JSONValue] = [
            Self.entry(
                id: "v3.0",
                status: "CURRENT",
                version: APIVersionRequest.maximum.description,
                minVersion: APIVersionRequest.minimum.description,
                updated: APIVersionRequest.maximumUpdated,
                major: 3,
                baseURL: baseURL
            )
        ]
        if servesV2 { versions.append(Self.v2(baseURL: baseURL)) }
        if servesV1 { versions.append(Self.v1(baseURL: baseURL)) }
        return ["versions": .array(versions)]
    }

    static func v2(baseURL: String) -> JSONValue {
        entry(
            id: "v2.0",
            status: "DEPRECATED",
            version: "",
            minVersion: "",
            updated: "2017-02-25T12:00:00Z",
            major: 2,
            baseURL: baseURL
        )
    }

    static func v1(baseURL: String) -> JSONValue {
        entry(
            id: "v1.0",
            status: "DEPRECATED",
            version: "",
            minVersion: "",
            updated: "2016-05-02T20:25:19Z",
            major: 1,
            baseURL: baseURL
        )
    }

    static func entry(
        id: String,
        status: String,
        version: String,
        minVersion: String,
        updated: String,
        major: Int,
        baseURL: String
    ) -> JSONValue {
        [
            "id": .string(id),
            "status": .string(status),
            "version": .string(version),
            "min_version": .string(minVersion),
            "updated": .string(updated),
            "links": [
                ["rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"],
                ["rel": "self", "href": .string(selfLink(baseURL: baseURL, major: major))],
            ],
            "media-types": [
                ["base": "application/json", "type": .string("application/vnd.openstack.volume+json;version=\(major)")]
            ],
        ]
    }

    /// cinder strips a trailing `vN` from the base URL and appends `vN/`.
    static func selfLink(baseURL: String, major: Int) -> String {
        var base = removingVersionSuffix(baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL)
        if !base.hasSuffix("/") { base += "/" }
        return base + "v\(major)/"
    }

    /// `path` without a last `/vN` segment (`/volume/v3` → `/volume/`), as cinder's view
    /// builders remove the version for bookmark links; anything else unchanged.
    public static func removingVersionSuffix(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        let last = path[path.index(after: slash)...]
        guard last.count > 1, last.first == "v", last.dropFirst().allSatisfy({ ("1"..."9").contains($0) }) else {
            return path
        }
        return String(path[...slash])
    }
}

/// `osvolumeversionapp` (`cinder.api.versions:Versions.factory`): `GET /` answers 300 with
/// the version document; an empty path redirects to `/`; anything else is webob's 404.
public struct VersionsApplication: WSGIApplication {
    public let catalog: VersionCatalog

    public init(catalog: VersionCatalog) {
        self.catalog = catalog
    }

    public func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        switch context.pathInfo {
        case "":
            return Redirect.found(to: context.requestURL + "/")
        case "/":
            let document = catalog.document(baseURL: catalog.baseURL(context: context))
            return await MicroversionedResponder.respond(to: request, context: context) { _ in
                WSGIResponses.json(document, status: .multipleChoices)
            }
        default:
            return WebObError.notFound.response(for: request)
        }
    }
}

/// The redirect Routes answers for a path that needs its trailing slash (`GET /v3` → `/v3/`).
public enum Redirect {
    public static func found(to location: String) -> Response {
        Response(
            status: .found,
            headers: [.location: location, .contentType: "text/plain; charset=utf8", .contentLength: "0"]
        )
    }
}

import EmberCore
import HTTPTypes
import Hummingbird

/// The version document of `cinder/api/versions.py` and `cinder/api/views/versions.py`.
public enum VersionDocument {
    /// `{"versions": [ … v3.0 … ]}` with the `self` link built from `baseURL`.
    ///
    /// cinder strips a trailing `vN` from the base URL and appends `v3/`.
    public static func document(baseURL: String) -> JSONValue {
        [
            "versions": [
                [
                    "id": "v3.0",
                    "status": "CURRENT",
                    "version": .string(APIVersionRequest.maximum.description),
                    "min_version": .string(APIVersionRequest.minimum.description),
                    "updated": .string(APIVersionRequest.maximumUpdated),
                    "links": [
                        ["rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"],
                        ["rel": "self", "href": .string(selfLink(baseURL: baseURL))],
                    ],
                    "media-types": [
                        ["base": "application/json", "type": "application/vnd.openstack.volume+json;version=3"]
                    ],
                ]
            ]
        ]
    }

    static func selfLink(baseURL: String) -> String {
        var base = baseURL
        if base.hasSuffix("/") { base.removeLast() }
        if let slash = base.lastIndex(of: "/") {
            let last = base[base.index(after: slash)...]
            if last.count > 1, last.first == "v", last.dropFirst().allSatisfy({ ("1"..."9").contains($0) }) {
                base = String(base[...slash])
            }
        }
        if !base.hasSuffix("/") { base += "/" }
        return base + "v3/"
    }

    /// The base for links: `[DEFAULT] public_endpoint` when set, else the request's application URL.
    public static func baseURL(context: WSGIRequestContext, publicEndpoint: String?) -> String {
        publicEndpoint ?? context.applicationURL
    }
}

/// `osvolumeversionapp` (`cinder.api.versions:Versions.factory`): `GET /` answers 300 with
/// the version document; an empty path redirects to `/`; anything else is webob's 404.
public struct VersionsApplication: WSGIApplication {
    public let publicEndpoint: String?

    public init(publicEndpoint: String?) {
        self.publicEndpoint = publicEndpoint
    }

    public func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        switch context.pathInfo {
        case "":
            return Redirect.found(to: context.requestURL + "/")
        case "/":
            let base = VersionDocument.baseURL(context: context, publicEndpoint: publicEndpoint)
            return await MicroversionedResponder.respond(to: request, context: context) { _ in
                WSGIResponses.json(VersionDocument.document(baseURL: base), status: .multipleChoices)
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

import EmberCore
import HTTPTypes
import Hummingbird
import NIOCore

/// How a `/v1` or `/v2` method reads an XML body (`@wsgi.deserializers(xml=…)`): the JSON
/// body it stands for, nil when the document is not the one the method reads (wrong root).
public typealias XMLBodyDeserializer = @Sendable (XMLBodyElement) -> JSONValue?

/// The seed's content negotiation (`Request.best_match_content_type` of the 2013
/// `cinder/api/openstack/wsgi.py`): a `.json` or `.xml` suffix on the path decides, else the
/// `Accept` header among the four types the seed served, else JSON.
public enum XMLNegotiation {
    /// The seed's `SUPPORTED_CONTENT_TYPES`, in its order (ties go to the first).
    public static let offers = [
        "application/json", "application/vnd.openstack.volume+json",
        "application/xml", "application/vnd.openstack.volume+xml",
    ]

    /// The XML content types a request body may have on `/v1` and `/v2`.
    public static let bodyTypes = ["application/xml", "application/vnd.openstack.volume+xml"]

    /// The negotiated response type; nil for JSON.
    public static func xmlContentType(path: String, accept: String?) -> String? {
        if let dot = path.lastIndex(of: "."), !path[dot...].contains("/") {
            let suffixType = "application/" + path[path.index(after: dot)...]
            if offers.contains(suffixType) { return suffixType.hasSuffix("xml") ? suffixType : nil }
        }
        guard let accept, let best = bestMatch(accept) else { return nil }
        return best.hasSuffix("xml") ? best : nil
    }

    /// webob's `MIMEAccept.best_match`: each offer's quality is the highest of the ranges
    /// that match it; the best quality wins, the earlier offer on a tie; q=0 refuses.
    static func bestMatch(_ accept: String) -> String? {
        var ranges: [(type: String, subtype: String, quality: Double)] = []
        for item in accept.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingWhitespace().lowercased() }
            guard let range = parts.first, let slash = range.firstIndex(of: "/") else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 1.0
            }
            ranges.append((String(range[..<slash]), String(range[range.index(after: slash)...]), quality))
        }
        var best: (offer: String, quality: Double)?
        for offer in offers {
            let slash = offer.firstIndex(of: "/")!
            let type = offer[..<slash]
            let subtype = offer[offer.index(after: slash)...]
            let quality = ranges.filter {
                ($0.type == "*" || $0.type == type) && ($0.subtype == "*" || $0.subtype == subtype)
            }.map(\.quality).max()
            if let quality, quality > 0, quality > (best?.quality ?? 0) { best = (offer, quality) }
        }
        return best?.offer
    }

    /// The seed's `Fault` in XML: `<itemNotFound code="404" xmlns="…/volume/api/v1">
    /// <message>…</message></itemNotFound>` (`XMLDictSerializer` with `code` as an attribute).
    public static func fault(_ error: EmberError, contentType: String, headers: HTTPFields = [:]) -> Response {
        var response = WSGIResponses.fault(error, headers: headers)
        var inner: JSONObject = ["code": .int(error.status), "message": .string(error.message)]
        if error.status == 413, let retryAfter = error.headers.first(where: { $0.name.lowercased() == "retry-after" }) {
            inner["retryAfter"] = .string(retryAfter.value)
        }
        let body = JSONValue.object([error.faultName: .object(inner)])
        let bytes =
            XMLDictSerializer.serialize(
                body,
                namespace: LegacyNamespaces.volumeV1,
                attributes: [error.faultName: ["code"]]
            ) ?? []
        response.headers[.contentType] = contentType
        response.headers[.contentLength] = String(bytes.count)
        response.body = .init(byteBuffer: ByteBuffer(bytes: bytes))
        return response
    }
}

/// cinder's `xmlutil` namespaces.
public enum LegacyNamespaces {
    public static let volumeV1 = "http://docs.openstack.org/volume/api/v1"
    public static let volumeV2 = "http://docs.openstack.org/api/openstack-volume/2.0/content"
    public static let commonV10 = "http://docs.openstack.org/common/api/v1.0"
    public static let computeV11 = "http://docs.openstack.org/compute/api/v1.1"
    public static let atom = "http://www.w3.org/2005/Atom"
}

/// cinder's `XMLDeserializer._from_xml`: the generic reading of an XML body for methods with
/// no deserializer of their own. `{root name: value}`, where an element holding one text node
/// is that text, and any other element an object of its attributes and child elements.
public enum XMLDictDeserializer {
    public static func deserialize(_ root: XMLBodyElement) -> JSONValue? {
        .object([root.name: value(of: root)])
    }

    static func value(of element: XMLBodyElement) -> JSONValue {
        if element.nodes.count == 1, case .text(let text) = element.nodes[0] { return .string(text) }
        var object = JSONObject()
        for attribute in element.attributes where !attribute.name.hasPrefix("xmlns") {
            object[attribute.name] = .string(attribute.value)
        }
        for child in element.elements { object[child.name] = value(of: child) }
        return .object(object)
    }
}

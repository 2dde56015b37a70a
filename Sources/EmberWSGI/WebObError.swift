import EmberCore
import HTTPTypes
import Hummingbird
import NIOCore

/// The error pages webob writes for `webob.exc.HTTP*` exceptions that reach the client
/// unconverted (a path nothing routes, the sizelimit 413, keystonecontext's 401).
///
/// The body format follows the request's `Accept` header exactly as webob 1.8 does: HTML when
/// `text/html` (or `*/*`) wins, webob's JSON (`{"message", "code", "title"}`) when
/// `application/json` wins, plain text otherwise (no `Accept` header at all).
public struct WebObError: Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var explanation: String
    public var detail: String?

    public init(status: HTTPResponse.Status, title: String? = nil, explanation: String, detail: String? = nil) {
        self.status = status
        self.title = title ?? status.reasonPhrase
        self.explanation = explanation
        self.detail = detail
    }

    public static let notFound = WebObError(status: .notFound, explanation: "The resource could not be found.")
    public static let unauthorized = WebObError(
        status: .unauthorized,
        explanation:
            "This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required."
    )

    var statusLine: String { "\(status.code) \(title)" }

    /// The body template before tags are stripped or escaped.
    func templateBody(escape: (String) -> String) -> String {
        "\(escape(explanation))<br /><br />\n\(escape(detail ?? ""))\n\n"
    }

    public func response(for request: Request, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        let text: String
        switch Self.negotiate(request.headers[.accept]) {
        case .html:
            headers[.contentType] = "text/html; charset=UTF-8"
            text =
                "<html>\n <head>\n  <title>\(statusLine)</title>\n </head>\n <body>\n  <h1>\(statusLine)</h1>\n  \(templateBody(escape: Self.htmlEscape))\n </body>\n</html>"
        case .json:
            headers[.contentType] = "application/json"
            let body: JSONValue = [
                "message": .string(templateBody { $0 }), "code": .string(statusLine), "title": .string(title),
            ]
            text = body.serialized()
        case .plain:
            headers[.contentType] = "text/plain; charset=UTF-8"
            text = "\(statusLine)\n\n\(Self.stripTags(templateBody { $0 }))"
        }
        if request.method == .head {
            headers[.contentLength] = String(text.utf8.count)
            return Response(status: status, headers: headers)
        }
        headers[.contentLength] = String(text.utf8.count)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    enum Format { case html, json, plain }

    /// webob's `acceptable_offers(['text/html', 'application/json'])`: highest quality wins,
    /// ties go to the earlier offer; no usable header means plain text.
    static func negotiate(_ accept: String?) -> Format {
        guard let accept, !accept.trimmingWhitespace().isEmpty else { return .plain }
        var ranges: [(type: String, subtype: String, quality: Double)] = []
        for item in accept.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingWhitespace() }
            guard let media = parts.first, let slash = media.firstIndex(of: "/") else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 1.0
            }
            ranges.append(
                (
                    String(media[..<slash]).lowercased(), String(media[media.index(after: slash)...]).lowercased(),
                    quality
                )
            )
        }
        func quality(_ type: String, _ subtype: String) -> Double {
            var best: (specificity: Int, quality: Double)?
            for range in ranges {
                let specificity: Int
                if range.type == type && range.subtype == subtype {
                    specificity = 2
                } else if range.type == type && range.subtype == "*" {
                    specificity = 1
                } else if range.type == "*" && range.subtype == "*" {
                    specificity = 0
                } else {
                    continue
                }
                if best == nil || specificity > best!.specificity { best = (specificity, range.quality) }
            }
            return best?.quality ?? 0
        }
        let html = quality("text", "html")
        let json = quality("application", "json")
        if html <= 0 && json <= 0 { return .plain }
        return json > html ? .json : .html
    }

    /// webob's `strip_tags`: newlines become spaces, `<br>` becomes a newline, tags vanish.
    static func stripTags(_ text: String) -> String {
        var value = text.replacingAll("\n", with: " ").replacingAll("\r", with: "")
        value = value.replacingAll("<br />", with: "\n").replacingAll("<br/>", with: "\n").replacingAll(
            "<br>",
            with: "\n"
        )
        var output = ""
        var inTag = false
        for character in value {
            if character == "<" {
                inTag = true
            } else if character == ">" && inTag {
                inTag = false
            } else if !inTag {
                output.append(character)
            }
        }
        return output
    }

    static func htmlEscape(_ text: String) -> String {
        text.replacingAll("&", with: "&amp;").replacingAll("<", with: "&lt;").replacingAll(">", with: "&gt;")
            .replacingAll("\"", with: "&quot;")
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

import EmberCore

/// One controller method, available in a microversion range (`@wsgi.Controller.api_version`).
public struct APIMethod: Sendable {
    public typealias Handler = @Sendable (APIRequest) async throws -> APIResponse

    public var minimum: APIVersionRequest
    public var maximum: APIVersionRequest
    public var handler: Handler

    /// A malformed version literal is a programming error in a route table: it stops the
    /// process while the routes are built at start-up, rather than serving the method from
    /// 3.0 (or to the latest version) without a word.
    public init(minimum: String = "3.0", maximum: String? = nil, handler: @escaping Handler) {
        self.minimum = Self.version(minimum)
        self.maximum = maximum.map(Self.version) ?? .maximum
        self.handler = handler
    }

    static func version(_ literal: String) -> APIVersionRequest {
        guard let version = APIVersionRequest(literal) else {
            preconditionFailure("Route table: '\(literal)' is not a microversion (MAJOR.MINOR)")
        }
        return version
    }

    public func accepts(_ version: APIVersionRequest) -> Bool {
        version >= minimum && version <= maximum
    }
}

/// A response extension (`@wsgi.extends`): runs after the core method and may add fields.
public typealias APIResponseExtension = @Sendable (APIRequest, inout APIResponse) async throws -> Void

/// cinder's `wsgi.Controller`, as tables instead of attribute lookup.
///
/// - `methods`: the routed actions (`index`, `detail`, `show`, `create`, `update`, `delete`,
///   and custom member or collection actions). Several entries for one name cover different
///   microversion ranges.
/// - `actions`: `@wsgi.action('os-extend')` handlers for `POST …/action` bodies, keyed by the
///   body's single key; `create`/`update`/`delete` here serve those verbs when `methods`
///   lacks them (how `os-types-manage` works).
/// - `extensions`: response extensions by method name (`show`, `detail`).
public struct APIController: Sendable {
    public var name: String
    public var methods: [String: [APIMethod]] = [:]
    public var actions: [String: [APIMethod]] = [:]
    public var extensions: [String: [APIResponseExtension]] = [:]
    /// `/v1` and `/v2`: the XML templates of methods by name (`@wsgi.serializers(xml=…)`);
    /// a method without one answers XML through the generic `XMLDictSerializer`.
    public var xmlTemplates: [String: XMLTemplate] = [:]
    /// `/v1` and `/v2`: the XML body readers of methods by name (`@wsgi.deserializers(xml=…)`);
    /// a method without one reads XML through the generic `XMLDeserializer`.
    public var xmlDeserializers: [String: XMLBodyDeserializer] = [:]

    public init(name: String) {
        self.name = name
    }

    /// Adds a routed method.
    public mutating func method(
        _ name: String,
        minimum: String = "3.0",
        maximum: String? = nil,
        _ handler: @escaping APIMethod.Handler
    ) {
        methods[name, default: []].append(APIMethod(minimum: minimum, maximum: maximum, handler: handler))
    }

    /// Adds a `POST …/action` handler for the body key `name`.
    public mutating func action(
        _ name: String,
        minimum: String = "3.0",
        maximum: String? = nil,
        _ handler: @escaping APIMethod.Handler
    ) {
        actions[name, default: []].append(APIMethod(minimum: minimum, maximum: maximum, handler: handler))
    }

    /// Adds a response extension to a routed method.
    public mutating func extend(_ method: String, _ extensionHandler: @escaping APIResponseExtension) {
        extensions[method, default: []].append(extensionHandler)
    }

    /// Merges a controller extension's actions and response extensions into this controller.
    public mutating func merge(_ other: APIController) {
        for (name, list) in other.actions { actions[name, default: []] += list }
        for (name, list) in other.extensions { extensions[name, default: []] += list }
        for (name, list) in other.methods where methods[name] == nil { methods[name] = list }
        for (name, template) in other.xmlTemplates where xmlTemplates[name] == nil { xmlTemplates[name] = template }
        for (name, reader) in other.xmlDeserializers where xmlDeserializers[name] == nil {
            xmlDeserializers[name] = reader
        }
    }
}

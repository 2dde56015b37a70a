import EmberCore
import HTTPTypes

/// cinder's `ProjectMapper` over Routes: resources with collection and member actions, parent
/// resources, and single routes, each registered twice, with and without a
/// `{project_id}` prefix (the prefixed form only matches ids that fit `project_id_regex`).
public struct APIMapper: Sendable {
    /// One path pattern segment.
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    struct Route: Sendable {
        var method: HTTPRequest.Method
        let segments: [Segment]
        var controller: String
        var action: String
        /// The pattern as text (`/{project_id}/volumes/{id}`), built once at registration so
        /// a match costs no string work.
        let template: String

        init(method: HTTPRequest.Method, segments: [Segment], controller: String, action: String) {
            self.method = method
            self.segments = segments
            self.controller = controller
            self.action = action
            template = segments.map { segment in
                switch segment {
                case .literal(let text): "/" + text
                case .parameter(let name): "/{" + name + "}"
                }
            }.joined()
        }
    }

    private(set) var routes: [Route] = []
    public let projectIDPattern: String
    private let projectIDAllowed: @Sendable (Substring) -> Bool

    /// - Parameter projectIDPattern: `[DEFAULT] project_id_regex`, default `[0-9a-f\-]+`.
    public init(projectIDPattern: String = "[0-9a-f\\-]+") {
        self.projectIDPattern = projectIDPattern
        let regex = try? Regex(projectIDPattern)
        nonisolated(unsafe) let compiled = regex
        self.projectIDAllowed = { candidate in
            guard let compiled else { return false }
            return (try? compiled.wholeMatch(in: candidate)) != nil
        }
    }

    /// `mapper.resource(member, collection, controller=…, collection={…}, member={…},
    /// parent_resource=…)` as Routes generates it: collection actions first, then
    /// index/create, then member actions, then show/update/delete.
    public mutating func resource(
        _ collection: String,
        controller: String,
        collectionActions: [(name: String, method: HTTPRequest.Method)] = [],
        memberActions: [(name: String, method: HTTPRequest.Method)] = [],
        parent: (memberName: String, collection: String)? = nil,
        idParameter: String = "id"
    ) {
        var base: [Segment] = []
        if let parent {
            base = [.literal(parent.collection), .parameter(parent.memberName + "_id")]
        }
        base.append(.literal(collection))
        for action in collectionActions {
            add(action.method, base + [.literal(action.name)], controller, action.name)
        }
        add(.get, base, controller, "index")
        add(.post, base, controller, "create")
        let member = base + [.parameter(idParameter)]
        for action in memberActions {
            add(action.method, member + [.literal(action.name)], controller, action.name)
        }
        add(.get, member, controller, "show")
        add(.put, member, controller, "update")
        add(.delete, member, controller, "delete")
    }

    /// `mapper.connect(path, controller=…, action=…, conditions={"method": …})`; `{name}`
    /// segments become parameters.
    public mutating func connect(_ path: String, method: HTTPRequest.Method, controller: String, action: String) {
        let segments = path.split(separator: "/").map { part -> Segment in
            if part.hasPrefix("{") && part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
            return .literal(String(part))
        }
        add(method, segments, controller, action)
    }

    private mutating func add(
        _ method: HTTPRequest.Method,
        _ segments: [Segment],
        _ controller: String,
        _ action: String
    ) {
        routes.append(
            Route(
                method: method,
                segments: [.parameter("project_id")] + segments,
                controller: controller,
                action: action
            )
        )
        routes.append(Route(method: method, segments: segments, controller: controller, action: action))
    }

    /// One registered route as the OpenAPI document lists it.
    public struct RouteDescription: Sendable, Equatable {
        public var method: HTTPRequest.Method
        /// `/{project_id}/volumes/{id}` or `/volumes/{id}`.
        public var template: String
        /// The `{name}` parameters of the template, in order.
        public var parameters: [String]
        public var controller: String
        public var action: String
    }

    /// Every registered route in registration (match) order, each with and without the
    /// `{project_id}` prefix, as the router matches them.
    public var routeDescriptions: [RouteDescription] {
        routes.map { route in
            RouteDescription(
                method: route.method,
                template: route.template,
                parameters: route.segments.compactMap { segment in
                    if case .parameter(let name) = segment { return name }
                    return nil
                },
                controller: route.controller,
                action: route.action
            )
        }
    }

    /// A matched route.
    public struct Match: Sendable, Equatable {
        public var controller: String
        public var action: String
        public var parameters: [String: String]
        /// The route's pattern, `/{project_id}/volumes/{id}` (for the metrics).
        public var template: String = ""
    }

    /// The first route matching the method and path, as Routes matches; a trailing `.json`
    /// on the last segment is accepted and dropped.
    public func match(method: HTTPRequest.Method, path: String) -> Match? {
        match(method: method, path: path, checkingProjectID: true)
    }

    /// The project id of `path` that `project_id_regex` refused, when the path would route
    /// with an id that fits (`GET /v3/demo/volumes`); nil otherwise. It lets the router say
    /// why such a path answers 404 instead of leaving the caller to guess.
    public func refusedProjectID(method: HTTPRequest.Method, path: String) -> String? {
        guard match(method: method, path: path) == nil,
            let relaxed = match(method: method, path: path, checkingProjectID: false),
            let projectID = relaxed.parameters["project_id"], !projectIDAllowed(Substring(projectID))
        else { return nil }
        return projectID
    }

    func match(method: HTTPRequest.Method, path: String, checkingProjectID: Bool) -> Match? {
        // Split on the scalar, not on characters: a character may join a `/` with what
        // follows it (an emoji modifier right after the slash is one grapheme with it).
        var parts = path.unicodeScalars.split(separator: "/", omittingEmptySubsequences: true).map(Substring.init)
        if let last = parts.last, last.hasSuffix(".json"), last.count > 5 {
            parts[parts.count - 1] = last.dropLast(5)
        }
        let matchMethod: HTTPRequest.Method = method == .head ? .get : method
        for route in routes where route.method == matchMethod && route.segments.count == parts.count {
            var parameters: [String: String] = [:]
            var matched = true
            for (segment, part) in zip(route.segments, parts) {
                switch segment {
                case .literal(let text):
                    if text != part { matched = false }
                case .parameter(let name):
                    if checkingProjectID && name == "project_id" && !projectIDAllowed(part) {
                        matched = false
                    } else {
                        parameters[name] = String(part)
                    }
                }
                if !matched { break }
            }
            if matched {
                return Match(
                    controller: route.controller,
                    action: route.action,
                    parameters: parameters,
                    template: route.template
                )
            }
        }
        return nil
    }
}

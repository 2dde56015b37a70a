import EmberCore
import EmberWSGI

/// `cinder/api/common.py`'s pagination, sorting and filter parsing for list requests.
struct ListParameters {
    var query: ListQuery
    /// The limit the page was asked for (capped), to decide whether a `next` link is due.
    var effectiveLimit: Int

    /// The REST names that map to other columns (`name` is `display_name`).
    static let columnNames = [
        "name": "display_name", "description": "display_description", "consumes_quota": "use_quota",
    ]

    /// Parses `limit`, `offset`, `marker`, `sort`/`sort_key`/`sort_dir`, `with_count` and the
    /// resource filters. Non-admins may only filter on what `resource_query_filters_file`
    /// configures for `resource` (``admits(_:request:resource:filters:invalid:)``); admins on
    /// any of `knownFilters`.
    static func parse(
        _ request: APIRequest,
        scope: ProjectScope,
        maxLimit: Int,
        resource: String,
        filters: ResourceFilters,
        knownFilters: Set<String>
    ) throws -> ListParameters {
        var query = ListQuery(scope: scope)
        try readPaging(request, into: &query, maxLimit: maxLimit)
        if request.supports("3.45"), let text = request.queryValue("with_count") {
            guard let flag = ParameterTypes.bool(.string(text)) else {
                throw EmberError.badRequest("Invalid input received: with_count must be a boolean value.")
            }
            query.withCount = flag
        }
        // Before 3.45 `with_count` is no parameter: cinder takes it as a filter.
        var reserved: Set<String> = ["limit", "offset", "marker", "sort", "sort_key", "sort_dir", "all_tenants"]
        if request.supports("3.45") { reserved.insert("with_count") }
        let keys = request.query.map(\.name).filter { !reserved.contains($0) }
        try checkASCII(keys, request: request)
        var invalid: [String] = []
        for (name, value) in request.query where !reserved.contains(name) {
            let inexact = name.hasSuffix("~")
            let base = inexact ? String(name.dropLast()) : name
            if request.identity.isAdmin {
                guard knownFilters.contains(base), !inexact || request.supports("3.34") else {
                    // cinder checks admins' filters against nothing: one naming no column makes
                    // its database filter match no row, so the list is empty.
                    query.filters.append(.equals("id", ""))
                    continue
                }
            } else if !admits(name, request: request, resource: resource, filters: filters, invalid: &invalid) {
                continue
            }
            query.filters.append(try filter(base, value: value, inexact: inexact))
        }
        try rejectInvalid(invalid)
        if !request.identity.isAdmin { query.filters.append(.excludeMigrationTargets) }
        return ListParameters(query: query, effectiveLimit: query.limit ?? maxLimit)
    }

    /// Whether a non-admin's query key `name` is kept, as cinder decides for `resource`:
    /// from 3.31 `reject_invalid_filters` (a key not configured, or from 3.34 not configured
    /// as `name~` either, joins `invalid` for the 400), before 3.31
    /// `remove_invalid_filter_options` (a key not configured is dropped silently).
    static func admits(
        _ name: String,
        request: APIRequest,
        resource: String,
        filters: ResourceFilters,
        invalid: inout [String]
    ) -> Bool {
        guard request.supports("3.31") else { return filters.filters(for: resource)?.contains(name) ?? false }
        if filters.allows(name, resource: resource, inexact: request.supports("3.34")) { return true }
        invalid.append(name)
        return false
    }

    /// From 3.31 every caller's filter keys must be ASCII (`reject_invalid_filters`).
    static func checkASCII(_ keys: [String], request: APIRequest) throws {
        guard request.supports("3.31") else { return }
        if keys.contains(where: { !$0.unicodeScalars.allSatisfy(\.isASCII) }) {
            throw EmberError.badRequest("Filter keys can only contain ASCII characters.")
        }
    }

    /// cinder's 400 for the keys `reject_invalid_filters` refused, in query order.
    static func rejectInvalid(_ invalid: [String]) throws {
        guard !invalid.isEmpty else { return }
        throw EmberError.badRequest("Invalid filters \(invalid.joined(separator: ",")) are found in query options.")
    }

    static func filter(_ name: String, value: String, inexact: Bool) throws -> ListFilter {
        let column = columnNames[name] ?? name
        if inexact { return .contains(column, value) }
        switch name {
        case "metadata":
            return .metadata(try pythonDict(value))
        case "glance_metadata", "image_metadata":
            return .imageMetadata(try pythonDict(value))
        case "bootable", "consumes_quota", "multiattach":
            guard let flag = ParameterTypes.bool(.string(value)) else {
                throw EmberError.badRequest("Invalid input received: \(name) must be a boolean value.")
            }
            return .equals(column, flag ? "1" : "0")
        case "created_at", "updated_at":
            for comparison in [FilterComparison.gte, .gt, .lte, .lt, .neq, .eq]
            where value.hasPrefix(comparison.rawValue + ":") {
                return .compare(column, comparison, String(value.dropFirst(comparison.rawValue.count + 1)))
            }
            return .compare(column, .eq, value)
        default:
            return .equals(column, value)
        }
    }

    /// The `sort` parameter, or the deprecated `sort_key`/`sort_dir` pair.
    static func sortKeys(_ request: APIRequest) throws -> [SortKey] {
        let sort = request.queryValues("sort")
        let keys = request.queryValues("sort_key")
        let dirs = request.queryValues("sort_dir")
        if !sort.isEmpty && (!keys.isEmpty || !dirs.isEmpty) {
            throw EmberError.badRequest(
                "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter."
            )
        }
        var result: [SortKey] = []
        if !sort.isEmpty {
            for item in sort.joined(separator: ",").split(separator: ",") {
                let parts = item.split(separator: ":", maxSplits: 1).map { $0.trimmingWhitespace() }
                guard let key = parts.first, !key.isEmpty else { continue }
                let direction = try parseDirection(parts.count > 1 ? parts[1] : "desc")
                result.append(SortKey(columnNames[key] ?? key, direction))
            }
        } else if !keys.isEmpty || !dirs.isEmpty {
            let directions = try dirs.map(parseDirection)
            for (index, key) in keys.enumerated() {
                result.append(
                    SortKey(
                        columnNames[key] ?? key,
                        index < directions.count ? directions[index] : directions.last ?? .desc
                    )
                )
            }
            if keys.isEmpty { result.append(SortKey("created_at", directions.first ?? .desc)) }
        }
        return result.isEmpty ? [SortKey("created_at", .desc)] : result
    }

    static func parseDirection(_ text: String) throws -> SortDirection {
        guard let direction = SortDirection(rawValue: text.lowercased()) else {
            throw EmberError.badRequest("Invalid input received: Unknown sort direction, must be 'desc' or 'asc'.")
        }
        return direction
    }

    /// cinder reads `metadata={'k': 'v'}` with `ast.literal_eval`; JSON objects work too.
    static func pythonDict(_ text: String) throws -> [String: String] {
        let json = text.replacingOccurrences(of: "'", with: "\"")
        guard case .object(let object)? = try? JSONValue.parse(json) else {
            throw EmberError.badRequest("Invalid input received: \(text) is not a valid dictionary.")
        }
        var result: [String: String] = [:]
        for entry in object.entries {
            switch entry.value {
            case .string(let value): result[entry.key] = value
            case .int(let value): result[entry.key] = String(value)
            case .bool(let value): result[entry.key] = value ? "True" : "False"
            default: result[entry.key] = entry.value.serialized()
            }
        }
        return result
    }
}

extension ListParameters {
    /// A list page of tree views: `{"<collection>": […]}`, the `<collection>_links` next link
    /// when the page is full, and `count` when asked for (3.45).
    func response(
        _ collection: String,
        items: [JSONValue],
        lastID: String?,
        count: Int?,
        request: APIRequest,
        detailed: Bool
    ) -> APIResponse {
        var body: JSONObject = [collection: .array(items)]
        if let lastID, items.count >= effectiveLimit {
            body[collection + "_links"] = Links.next(
                request: request,
                path: detailed ? collection + "/detail" : collection,
                marker: lastID
            )
        }
        if query.withCount, let count { body["count"] = .int(count) }
        return APIResponse(body: .object(body))
    }
}

extension ListParameters {
    /// cinder's paging parameters (`common.get_pagination_params` and `get_sort_params`):
    /// `limit` (capped at `osapi_max_limit`), `offset`, `marker` and the sort keys, checked
    /// with cinder's 400 texts.
    static func readPaging(_ request: APIRequest, into query: inout ListQuery, maxLimit: Int) throws {
        var limit = maxLimit
        if let text = request.queryValue("limit") {
            guard let value = Int(text) else { throw EmberError.badRequest("limit param must be an integer") }
            guard value >= 0 else { throw EmberError.badRequest("limit param must be positive") }
            limit = min(value, maxLimit)
        }
        query.limit = limit
        if let text = request.queryValue("offset") {
            guard let value = Int(text) else { throw EmberError.badRequest("offset must be an integer") }
            guard value >= 0 else { throw EmberError.badRequest("offset param must be positive") }
            query.offset = value
        }
        query.marker = request.queryValue("marker")
        query.sort = try sortKeys(request)
    }
}

/// Which rows a caller may see: one project's, or every project's (`all_tenants=1` for admins).
public enum ProjectScope: Sendable, Equatable {
    case project(String)
    case allProjects
}

/// A sort direction (`sort=key:asc|desc`).
public enum SortDirection: String, Sendable, Equatable {
    case asc
    case desc
}

/// One sort key on a database column (`display_name`, not the REST `name`).
public struct SortKey: Sendable, Equatable {
    public var column: String
    public var direction: SortDirection

    public init(_ column: String, _ direction: SortDirection = .desc) {
        self.column = column
        self.direction = direction
    }
}

/// A comparison for time and number filters (`created_at=gt:2024-01-01T00:00:00`).
public enum FilterComparison: String, Sendable, Equatable {
    case eq, neq, gt, gte, lt, lte
}

/// One list filter on a database column. Values are strings as they come from the query
/// string; the store converts them to the column's type (a value that cannot be converted
/// matches nothing, as cinder's database layer does).
public enum ListFilter: Sendable, Equatable {
    /// `column = value`.
    case equals(String, String)
    /// `column IS NULL`.
    case isNull(String)
    /// `column IN (values)`.
    case oneOf(String, [String])
    /// Inexact match (`name~=abc`, 3.34): the column contains the value, case-insensitively.
    case contains(String, String)
    /// `column <op> value`, for times and numbers.
    case compare(String, FilterComparison, String)
    /// Every pair must be present in the user metadata (or the admin metadata, as cinder does).
    case metadata([String: String])
    /// Every pair must be present in the image (glance) metadata.
    case imageMetadata([String: String])
    /// Leaves out migration target volumes (`migration_status` `target:…`), as cinder does for
    /// non-admins (`no_migration_targets`).
    case excludeMigrationTargets
}

/// A list request: cinder's `marker`/`limit`/`offset`/`sort`/filters/`with_count`.
///
/// Sort keys are completed with `created_at` and `id` (in the first key's direction) so the
/// order is total, as cinder's `process_sort_params` does; the default is
/// `created_at:desc, id:desc`.
public struct ListQuery: Sendable, Equatable {
    public var scope: ProjectScope
    public var filters: [ListFilter]
    public var sort: [SortKey]
    /// The id of the last item of the previous page.
    public var marker: String?
    /// At most this many items; `nil` means no limit (the API caps it at `osapi_max_limit`).
    public var limit: Int?
    /// Items to skip after the marker (or from the start).
    public var offset: Int?
    /// Also count every row that matches the filters (ignoring marker, limit and offset).
    public var withCount: Bool

    public init(
        scope: ProjectScope,
        filters: [ListFilter] = [],
        sort: [SortKey] = [],
        marker: String? = nil,
        limit: Int? = nil,
        offset: Int? = nil,
        withCount: Bool = false
    ) {
        self.scope = scope
        self.filters = filters
        self.sort = sort
        self.marker = marker
        self.limit = limit
        self.offset = offset
        self.withCount = withCount
    }
}

/// One page of a list.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Set when the query asked for `withCount`.
    public var count: Int?

    public init(items: [Item], count: Int? = nil) {
        self.items = items
        self.count = count
    }
}

extension Page: Equatable where Item: Equatable {}

import EmberCore
import EmberVolume
import EmberWSGI

/// The read side of `/types` (`cinder/api/v3/types.py`); managing types is the
/// `os-types-manage` extension.
struct TypesController {
    let api: VolumeAPI
    var flavor: APIFlavor = .v3

    func controller() -> APIController {
        var controller = APIController(name: "types")
        controller.method("index") { request in
            try request.authorize(.volumeExtensionTypeGetAll)
            let query = try listQuery(request)
            guard let query else { return APIResponse(body: ["volume_types": []]) }
            let types = try await api.types.page(query).items
            var body: JSONObject = ["volume_types": .array(types.map { Self.view($0, request: request) })]
            // cinder's v3 types view adds the next link when the page is full.
            if flavor == .v3, let last = types.last, types.count >= query.limit ?? api.configuration.maxLimit {
                body["volume_type_links"] = Links.next(request: request, path: "types", marker: last.id)
            }
            return APIResponse(body: .object(body))
        }
        controller.method("show") { request in
            try request.authorize(.volumeExtensionTypeGet)
            let id = try request.id()
            let type: VolumeType
            do {
                type =
                    id == "default"
                    ? try await api.types.defaultType(projectID: request.identity.projectID)
                    : try await api.types.resolve(id)
            } catch let error as EmberError where error.status == 404 && id != "default" {
                // cinder's show looks the type up by id: VolumeTypeNotFound.
                throw EmberError.notFound("Volume type \(id) could not be found.")
            }
            return APIResponse(body: [
                "volume_type": Self.view(type, request: request, accessAttribute: id != "default")
            ])
        }
        return controller
    }

    /// `cinder/policies/type_extra_specs.py:USER_VISIBLE_EXTRA_SPECS`.
    static let userVisibleExtraSpecs: Set<String> = ["RESKEY:availability_zones", "multiattach", "replication_enabled"]

    /// `accessAttribute`: false for `GET /types/default`, which the access extension cannot
    /// look up by the id `default` and so leaves alone.
    static func view(_ type: VolumeType, request: APIRequest, accessAttribute: Bool = true) -> JSONValue {
        var view: JSONObject = [
            "id": .string(type.id),
            "name": .string(type.name),
            "is_public": .bool(type.isPublic),
            "description": .optional(type.description),
        ]
        // cinder's v3 types view: callers allowed access_types_extra_specs see the specs, all
        // of them with types_extra_specs:read_sensitive (admins by default), else only the
        // user-visible ones.
        if request.allows(.volumeExtensionAccessTypesExtraSpecs) {
            let sensitive = request.allows(.volumeExtensionTypesExtraSpecsReadSensitive)
            view["extra_specs"] = .object(
                JSONObject(
                    type.extraSpecs.filter { sensitive || Self.userVisibleExtraSpecs.contains($0.key) }
                        .sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }
                )
            )
        }
        if request.allows(.volumeExtensionAccessTypesQosSpecsId) {
            view["qos_specs_id"] = .optional(type.qosSpecsID)
        }
        // `os-volume-type-access` extends show and index for callers its rule allows
        // (system_admin_or_project_member: not readers).
        if accessAttribute && request.allows(.volumeExtensionVolumeTypeAccess) {
            view["os-volume-type-access:is_public"] = .bool(type.isPublic)
        }
        return .object(view)
    }

    /// The filters an admin may name: the type columns and `extra_specs`.
    static let adminFilters: Set<String> = [
        "id", "name", "description", "is_public", "qos_specs_id", "extra_specs", "created_at", "updated_at",
    ]

    /// `_get_volume_types`: pagination and sort as every list; the filters (from 3.52 a
    /// non-admin's must be the `volume_type` ones of `resource_query_filters_file`, else 400;
    /// before 3.52 only `is_public` is kept); `is_public` for admins (absent or true: the
    /// public types and the private ones their project may use; `none`: every type; false:
    /// the private ones; anything else 400), forced to true for everyone else; `extra_specs`
    /// a dictionary matched key by key. Nil when nothing can match (a sensitive extra spec
    /// named by a caller who may not read it).
    func listQuery(_ request: APIRequest) throws -> ListQuery? {
        let ownProject = ProjectScope.project(request.identity.projectID ?? "")
        var query = ListQuery(scope: ownProject)
        try ListParameters.readPaging(request, into: &query, maxLimit: api.configuration.maxLimit)
        // A type's `name` is its column (volumes and snapshots keep theirs in `display_name`).
        query.sort = query.sort.map { $0.column == "display_name" ? SortKey("name", $0.direction) : $0 }
        let paging: Set<String> = ["limit", "offset", "marker", "sort", "sort_key", "sort_dir"]
        let isAdmin = request.identity.isAdmin
        var invalid: [String] = []
        var filters: [(name: String, value: String)] = []
        if request.supports("3.52") {
            try ListParameters.checkASCII(request.query.map(\.name).filter { !paging.contains($0) }, request: request)
        }
        for (name, value) in request.query where !paging.contains(name) {
            if !isAdmin {
                if request.supports("3.52") {
                    if name == "all_tenants" { continue }
                    let admitted = ListParameters.admits(
                        name,
                        request: request,
                        resource: "volume_type",
                        filters: api.configuration.resourceFilters,
                        invalid: &invalid
                    )
                    if !admitted { continue }
                } else if name != "is_public" {
                    continue
                }
            }
            filters.append((name, value))
        }
        try ListParameters.rejectInvalid(invalid)
        for (name, value) in filters {
            switch name {
            case "is_public":
                // Non-admins always list public types (and their project's private ones).
                guard isAdmin else { continue }
                let text = value.trimmingWhitespace().lowercased()
                if text == "none" {
                    query.scope = .allProjects
                } else if let flag = ParameterTypes.bool(.string(text)) {
                    if !flag {
                        query.scope = .allProjects
                        query.filters.append(.equals("is_public", "0"))
                    }
                } else {
                    throw EmberError.badRequest("Invalid is_public filter [\(value)]")
                }
            case "extra_specs":
                let specs = try ListParameters.pythonDict(value)
                if !request.allows(.volumeExtensionTypesExtraSpecsReadSensitive),
                    specs.keys.contains(where: { !Self.userVisibleExtraSpecs.contains($0) })
                {
                    return nil
                }
                query.filters.append(.metadata(specs))
            default:
                let inexact = name.hasSuffix("~") && request.supports("3.34")
                let base = inexact ? String(name.dropLast()) : name
                guard Self.adminFilters.contains(base) else {
                    // A key naming no column of volume_types matches nothing, as cinder's.
                    return nil
                }
                query.filters.append(inexact ? .contains(base, value) : .equals(base, value))
            }
        }
        return query
    }
}

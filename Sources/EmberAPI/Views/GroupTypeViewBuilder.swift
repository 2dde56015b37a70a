import EmberCore
import EmberWSGI

/// `cinder/api/v3/views/group_types.py`: `id`, `name`, `description`, `is_public`, and
/// `group_specs` for callers `group:access_group_types_specs` allows (admins by default).
enum GroupTypeViewBuilder {
    static let collection = "group_types"

    static func entry(_ type: GroupType, request: APIRequest) -> JSONValue {
        var view: JSONObject = [
            "id": .string(type.id),
            "name": .string(type.name),
            "description": .optional(type.description),
            "is_public": .bool(type.isPublic),
        ]
        if request.allows(.groupAccessGroupTypesSpecs) {
            view["group_specs"] = specs(type.groupSpecs)
        }
        return .object(view)
    }

    static func show(_ type: GroupType, request: APIRequest) -> JSONValue {
        ["group_type": entry(type, request: request)]
    }

    static func specs(_ specs: [String: String?]) -> JSONValue {
        .object(JSONObject(uniqueEntries: specs.sorted { $0.key < $1.key }.map { ($0.key, .optional($0.value)) }))
    }
}

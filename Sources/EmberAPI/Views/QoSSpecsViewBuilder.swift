import EmberCore
import EmberWSGI

/// `cinder/api/views/qos_specs.py`: specs are shown as `id`, `name`, `consumer` and `specs`
/// (`{"qos_specs": …, "links": …}` for one; lists carry the entries without links and a
/// `qos_specs_links` next link when the page is full).
enum QoSSpecsViewBuilder {
    static let collection = "qos-specs"

    static func entry(_ specs: QoSSpecs) -> JSONValue {
        let values = specs.specs.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.optional($0.value)) }
        return [
            "id": .string(specs.id),
            "name": .string(specs.name),
            "consumer": .string(specs.consumer.rawValue),
            "specs": .object(JSONObject(uniqueEntries: values)),
        ]
    }

    static func detail(_ specs: QoSSpecs, request: APIRequest) -> JSONValue {
        ["qos_specs": entry(specs), "links": Links.make(request: request, collection: collection, id: specs.id)]
    }

    /// `associations`: `{"qos_associations": [{association_type, name, id}]}`.
    static func associations(_ types: [VolumeType]) -> JSONValue {
        let entries: [JSONValue] = types.map {
            ["association_type": "volume_type", "name": .string($0.name), "id": .string($0.id)]
        }
        return ["qos_associations": .array(entries)]
    }
}

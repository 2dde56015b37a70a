import EmberCore

/// An image as Glance v2 returns it, split as cinder's `_translate_from_glance` splits it: the
/// base properties of Glance's image schema, and the others (`properties`).
public struct GlanceImage: Sendable, Equatable {
    /// Everything Glance returned.
    public var fields: JSONObject
    /// The keys that are not base properties of the image schema (custom properties).
    public var propertyKeys: [String]

    public init(fields: JSONObject, baseProperties: Set<String>) {
        self.fields = fields
        propertyKeys = fields.keys.filter { !baseProperties.contains($0) }
    }

    public var id: String { fields["id"]?.stringValue ?? "" }
    public var name: String? { fields["name"]?.stringValue }
    public var status: String? { fields["status"]?.stringValue }
    public var diskFormat: String? { fields["disk_format"]?.stringValue }
    public var containerFormat: String? { fields["container_format"]?.stringValue }
    public var checksum: String? { fields["checksum"]?.stringValue }
    public var visibility: String? { fields["visibility"]?.stringValue }
    /// Bytes of image data (nil while the image has none).
    public var size: Int? { Self.int(fields["size"]) }
    public var virtualSize: Int? { Self.int(fields["virtual_size"]) }
    public var minDisk: Int { Self.int(fields["min_disk"]) ?? 0 }
    public var minRAM: Int { Self.int(fields["min_ram"]) ?? 0 }

    /// The custom properties.
    public var properties: JSONObject {
        JSONObject(propertyKeys.compactMap { key in fields[key].map { (key, $0) } })
    }

    /// cinder's `get_volume_image_metadata`: what a volume created from this image records in
    /// `volume_glance_metadata` (custom properties, then `image_id`, `image_name` and the
    /// `IMAGE_ATTRIBUTES` over them), as the text cinder's column holds.
    public var volumeImageMetadata: [String: String] {
        var metadata: [String: String] = [:]
        for key in propertyKeys {
            guard let value = fields[key], value != .null else { continue }
            metadata[key] = Self.text(value)
        }
        metadata["image_id"] = id
        if let name, !name.isEmpty { metadata["image_name"] = name }
        for key in ["checksum", "container_format", "disk_format", "min_disk", "min_ram", "size"] {
            guard let value = fields[key], value != .null else { continue }
            metadata[key] = Self.text(value)
        }
        return metadata
    }

    /// A value as Python's `str()` writes it into cinder's text column.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "True" : "False"
        default: value.serialized()
        }
    }

    static func int(_ value: JSONValue?) -> Int? {
        switch value {
        case .int(let number)?: number
        case .double(let number)?: Int(number)
        case .string(let text)?: Int(text)
        default: nil
        }
    }
}

import Foundation

/// One backend object a volume service could bring under management: an entry of cinder's
/// `get_manageable_volumes` / `get_manageable_snapshots` (`ManageableVolume`,
/// `ManageableSnapshot`), as the driver lists it and the API shows it.
public struct ManageableResource: Sendable, Equatable, Codable {
    /// How to name the object to `manage_existing` (`{"source-name": "…"}`).
    public var reference: JSONValue
    /// GiB, rounded up.
    public var size: Int
    public var safeToManage: Bool
    public var reasonNotSafe: String?
    /// The volume (or snapshot) that owns it, when one does.
    public var cinderID: String?
    public var extraInfo: JSONValue?
    /// For a snapshot: the volume it is a snapshot of (`{"source-name": "…"}`); nil for volumes.
    public var sourceReference: JSONValue?

    public init(
        reference: JSONValue,
        size: Int,
        safeToManage: Bool,
        reasonNotSafe: String? = nil,
        cinderID: String? = nil,
        extraInfo: JSONValue? = nil,
        sourceReference: JSONValue? = nil
    ) {
        self.reference = reference
        self.size = size
        self.safeToManage = safeToManage
        self.reasonNotSafe = reasonNotSafe
        self.cinderID = cinderID
        self.extraInfo = extraInfo
        self.sourceReference = sourceReference
    }

    enum CodingKeys: String, CodingKey {
        case reference
        case size
        case safeToManage = "safe_to_manage"
        case reasonNotSafe = "reason_not_safe"
        case cinderID = "cinder_id"
        case extraInfo = "extra_info"
        case sourceReference = "source_reference"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        reference = try container.decode(JSONValue.self, forKey: .reference)
        size = try container.decode(Int.self, forKey: .size)
        safeToManage = try container.decode(Bool.self, forKey: .safeToManage)
        reasonNotSafe = try container.decodeIfPresent(String.self, forKey: .reasonNotSafe)
        cinderID = try container.decodeIfPresent(String.self, forKey: .cinderID)
        extraInfo = try container.decodeIfPresent(JSONValue.self, forKey: .extraInfo)
        sourceReference = try container.decodeIfPresent(JSONValue.self, forKey: .sourceReference)
        if extraInfo == .null { extraInfo = nil }
        if sourceReference == .null { sourceReference = nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(reference, forKey: .reference)
        try container.encode(size, forKey: .size)
        try container.encode(safeToManage, forKey: .safeToManage)
        try container.encode(reasonNotSafe.map(JSONValue.string) ?? .null, forKey: .reasonNotSafe)
        try container.encode(cinderID.map(JSONValue.string) ?? .null, forKey: .cinderID)
        try container.encode(extraInfo ?? .null, forKey: .extraInfo)
        try container.encode(sourceReference ?? .null, forKey: .sourceReference)
    }
}

/// The paging of a manageable list (cinder's `volume_utils.paginate_entries_list`): sorted by
/// `reference` and/or `size` in each key's direction, then `offset` entries after the
/// `marker` entry (a reference, as JSON) are skipped and `limit` returned.
public struct ManageablePaging: Sendable, Equatable, Codable {
    /// The `reference` of the last entry seen, as the client sent it (JSON text or an object).
    public var marker: JSONValue?
    public var limit: Int
    public var offset: Int
    /// `reference` or `size`.
    public var sortKeys: [String]
    /// `asc` or `desc`, one per key.
    public var sortDirs: [String]

    public init(marker: JSONValue?, limit: Int, offset: Int, sortKeys: [String], sortDirs: [String]) {
        self.marker = marker
        self.limit = limit
        self.offset = offset
        self.sortKeys = sortKeys
        self.sortDirs = sortDirs
    }

    /// The keys a manageable list sorts by.
    public static let validSortKeys: Set<String> = ["reference", "size"]

    /// Why cinder would refuse the page (its `InvalidInput`), or the page of `entries`.
    public func page(_ entries: [ManageableResource]) throws(ManageablePagingError) -> [ManageableResource] {
        let sorted = entries.sorted { left, right in
            for (key, direction) in zip(sortKeys, sortDirs) {
                let order = Self.compare(left, right, key: key)
                if order == .orderedSame { continue }
                return direction == "asc" ? order == .orderedAscending : order == .orderedDescending
            }
            return false
        }
        var start = 0
        if let marker {
            let wanted: JSONValue
            switch marker {
            case .string(let text):
                guard let parsed = try? JSONValue.parse(text) else {
                    throw .invalidInput("marker \(text) can not be analysed, please use json like format")
                }
                wanted = parsed
            default:
                wanted = marker
            }
            guard let index = sorted.firstIndex(where: { $0.reference == wanted }) else {
                throw .invalidInput("marker not found: \(Self.pythonRepr(wanted))")
            }
            start = index + 1
        }
        let from = min(sorted.count, start + offset)
        let to = min(sorted.count, max(from, start + limit + offset))
        return Array(sorted[from..<to])
    }

    /// cinder compares a dict reference by its smallest value.
    static func compare(_ left: ManageableResource, _ right: ManageableResource, key: String) -> ComparisonResult {
        if key == "size" {
            return left.size == right.size
                ? .orderedSame : left.size < right.size ? .orderedAscending : .orderedDescending
        }
        let l = sortText(left.reference)
        let r = sortText(right.reference)
        return l == r ? .orderedSame : l < r ? .orderedAscending : .orderedDescending
    }

    static func sortText(_ reference: JSONValue) -> String {
        if case .object(let object) = reference {
            return object.entries.compactMap { $0.value.stringValue }.sorted().first ?? ""
        }
        return reference.stringValue ?? reference.serialized()
    }

    /// Python's repr of a reference dict, as cinder's message prints the marker.
    static func pythonRepr(_ value: JSONValue) -> String {
        switch value {
        case .object(let object):
            let items = object.entries.map { "'\($0.key)': \(pythonRepr($0.value))" }
            return "{" + items.joined(separator: ", ") + "}"
        case .string(let text): return "'" + text + "'"
        default: return value.serialized()
        }
    }
}

/// A manageable list's paging that cinder refuses.
public enum ManageablePagingError: Error, Sendable, Equatable {
    /// cinder's `InvalidInput`: "Invalid input received: …".
    case invalidInput(String)
}

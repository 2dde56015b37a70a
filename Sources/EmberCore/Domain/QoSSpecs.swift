import Foundation

/// Quality-of-service specs (`quality_of_service_specs`): a named set of key/value limits
/// with the side that enforces them, associated with volume types.
///
/// cinder stores one root row per specs (key `QoS_Specs_Name`, value the name) and one row
/// per spec pointing at it (`specs_id`), the consumer among them; this is that set read back.
public struct QoSSpecs: Sendable, Equatable {
    /// Who enforces the specs (`objects/fields.py:QoSConsumerValues`).
    public enum Consumer: String, Sendable, CaseIterable {
        case backEnd = "back-end"
        case frontEnd = "front-end"
        case both
    }

    public var id: String
    public var name: String
    public var consumer: Consumer
    /// The specs without the consumer; a value may be null (`DictOfNullableStringsField`).
    public var specs: [String: String?]
    public var createdAt: Date
    public var updatedAt: Date?

    public init(
        id: String = UUID().uuidString.lowercased(),
        name: String,
        consumer: Consumer = .backEnd,
        specs: [String: String?] = [:],
        createdAt: Date = Date(),
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.consumer = consumer
        self.specs = specs
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The key of the root row whose value is the name (cinder's reserved key).
    public static let nameKey = "QoS_Specs_Name"
    /// The key of the child row that holds the consumer.
    public static let consumerKey = "consumer"

    /// Whether the volume's host passes the specs to the hypervisor (`front-end` or `both`):
    /// cinder's `_parse_connection_options` puts only those in `connection_info`.
    public var reachesFrontEnd: Bool { consumer != .backEnd }
}

import EmberCore
import EmberStore
import Foundation
import Logging

/// `cinder/volume/qos_specs.py` with the rules of `objects/qos_specs.py`: QoS specs, their
/// keys and their association with volume types, behind `/qos-specs`. The store's faults
/// (`No such QoS spec …`, `Volume type … could not be found.`) are cinder's 404s as they are.
public struct QoSSpecsAPI: Sendable {
    let store: any QoSSpecsStore
    let types: VolumeTypeAPI
    let logger: Logger

    init(store: any QoSSpecsStore, types: VolumeTypeAPI, logger: Logger) {
        self.store = store
        self.types = types
        self.logger = logger
    }

    /// cinder's text for a consumer outside `QoSConsumerValues` (it prints the field's repr).
    public static let invalidConsumer =
        "Invalid qos specs: Valid consumer of QoS specs are: QoSConsumerValues(default=<class "
        + "'oslo_versionedobjects.fields.UnspecifiedDefault'>,nullable=False,valid_values=('back-end', "
        + "'front-end', 'both'))"

    /// A consumer as the request gives it: absent or null is `back-end` (the field's
    /// default); anything outside the three values is cinder's 400.
    public static func consumer(_ value: JSONValue?) throws -> QoSSpecs.Consumer {
        switch value {
        case nil, .null?: return .backEnd
        case .string(let text)?:
            guard let consumer = QoSSpecs.Consumer(rawValue: text) else { throw EmberError.badRequest(invalidConsumer) }
            return consumer
        default: throw EmberError.badRequest(invalidConsumer)
        }
    }

    /// `utils.validate_dictionary_string_length`: keys of 1–255 characters, values strings
    /// (or null) of at most 255, as cinder's `InvalidInput`.
    public static func validateStrings(_ specs: JSONObject) throws -> [String: String?] {
        var result: [String: String?] = [:]
        for (key, value) in specs.entries {
            let keyName = "Key \"\(key)\""
            if key.isEmpty {
                throw EmberError.badRequest("Invalid input received: \(keyName) has 0 characters, less than 1.")
            }
            if key.count > 255 {
                throw EmberError.badRequest(
                    "Invalid input received: \(keyName) has \(key.count) characters, more than 255."
                )
            }
            switch value {
            case .null:
                result[key] = .some(nil)
            case .string(let text):
                if text.count > 255 {
                    throw EmberError.badRequest(
                        "Invalid input received: Value for key \"\(key)\" has \(text.count) characters, more than 255."
                    )
                }
                result[key] = .some(text)
            default:
                throw EmberError.badRequest(
                    "Invalid input received: Value for key \"\(key)\" is not a string or unicode"
                )
            }
        }
        return result
    }

    /// `qos_specs.create`: `specs` is the request's `qos_specs` without `name` (the consumer
    /// among them, taken out here; keys whose value is null are not stored). Live specs with
    /// the name are cinder's 409.
    public func create(name: String, specs request: JSONObject) async throws -> QoSSpecs {
        var specs = try Self.validateStrings(request)
        let consumer = try Self.consumer(request["consumer"])
        specs.removeValue(forKey: "consumer")
        // cinder's object saves only the keys that changed from nothing: a null one is dropped.
        specs = specs.filter { $0.value != nil }
        guard let created = try await store.createQoSSpecs(QoSSpecs(name: name, consumer: consumer, specs: specs))
        else { throw EmberError.conflict("QoS Specs \(name) already exists.") }
        logger.info("Created QoS specs", metadata: ["qos_specs.id": .string(created.id), "name": .string(name)])
        return created
    }

    /// `get_qos_specs`.
    public func get(id: String) async throws -> QoSSpecs {
        try await store.qosSpecs(id: id)
    }

    /// `get_all_specs`: a page of specs; an unknown marker is cinder's 404.
    public func list(_ query: ListQuery) async throws -> Page<QoSSpecs> {
        do {
            return try await store.listQoSSpecs(query)
        } catch .markerNotFound(let marker) {
            throw EmberError.notFound("No such QoS spec \(marker).")
        }
    }

    /// `qos_specs.update`: sets the given keys (`consumer` moves the consumer, null meaning
    /// `back-end`); the others stay. A null value clears a key that is set and adds none.
    public func update(id: String, specs request: JSONObject) async throws -> QoSSpecs {
        let current = try await store.qosSpecs(id: id)
        var specs = try Self.validateStrings(request)
        var consumer: QoSSpecs.Consumer?
        if let given = request["consumer"] {
            consumer = try Self.consumer(given)
            specs.removeValue(forKey: "consumer")
        }
        // cinder's object saves only what changed: null for a key not set (or already null)
        // is no change; null for a set key stores null.
        specs = specs.filter { key, value in value != nil || (current.specs[key] ?? nil) != nil }
        return try await store.updateQoSSpecs(id: id, consumer: consumer, specs: specs)
    }

    /// `qos_specs.delete`: while volume types use the specs, cinder's 400 unless `force`
    /// (which lets the types go first).
    public func delete(id: String, force: Bool) async throws {
        let associations = (try? await store.qosSpecsAssociations(id: id)) ?? []
        guard try await store.deleteQoSSpecs(id: id, force: force) else {
            throw EmberError.badRequest("Qos specs still in use.")
        }
        for type in associations { types.forget(id: type.id) }
        logger.info("Deleted QoS specs", metadata: ["qos_specs.id": .string(id), "force": "\(force)"])
    }

    /// `qos_specs.delete_keys`: the keys go in order until one is not set, which is cinder's
    /// 404 (the keys before it stay deleted).
    public func deleteKeys(id: String, keys: [String]) async throws {
        if let missing = try await store.deleteQoSSpecsKeys(id: id, keys: keys) {
            throw EmberError.notFound("QoS spec \(id) has no spec with key \(missing).")
        }
    }

    /// `get_associations`: the volume types using the specs.
    public func associations(id: String) async throws -> [VolumeType] {
        try await store.qosSpecsAssociations(id: id)
    }

    /// `associate_qos_with_type`: a type with other specs is cinder's 400.
    public func associate(id: String, volumeTypeID: String) async throws {
        if let other = try await store.associateQoSSpecs(id: id, volumeTypeID: volumeTypeID) {
            throw EmberError.badRequest(
                "Invalid volume type: Type \(volumeTypeID) is already associated with another qos specs: \(other)"
            )
        }
        types.forget(id: volumeTypeID)
    }

    /// `disassociate_qos_specs`.
    public func disassociate(id: String, volumeTypeID: String) async throws {
        try await store.disassociateQoSSpecs(id: id, volumeTypeID: volumeTypeID)
        types.forget(id: volumeTypeID)
    }

    /// `disassociate_all`.
    public func disassociateAll(id: String) async throws {
        let associations = try await store.qosSpecsAssociations(id: id)
        try await store.disassociateAllQoSSpecs(id: id)
        for type in associations { types.forget(id: type.id) }
    }

    /// cinder's `volume_qos_allows_retype` for an in-use volume: the new type has the same
    /// specs as the volume's type, or neither type's specs are for the front end (nothing
    /// would have to change on the hypervisor, which cinder cannot ask Nova to do).
    public func allowsInUseRetype(fromType oldTypeID: String, to newType: VolumeType) async throws -> Bool {
        let old = try await existing { () async throws(StoreError) in try await store.qosSpecs(ofVolumeType: oldTypeID)
        }
        if let old, old.id == newType.qosSpecsID { return true }
        var new: QoSSpecs?
        if let newID = newType.qosSpecsID {
            new = try await existing { () async throws(StoreError) in try await store.qosSpecs(id: newID) }
        }
        return !(old?.reachesFrontEnd ?? false) && !(new?.reachesFrontEnd ?? false)
    }

    /// What `read` finds, nil when the store says there is no such row.
    private func existing(_ read: () async throws(StoreError) -> QoSSpecs?) async throws -> QoSSpecs? {
        do {
            return try await read()
        } catch {
            if case .notFound = error { return nil }
            throw error
        }
    }
}

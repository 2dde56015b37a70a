import EmberCore
import Foundation

/// The subset of JSON Schema cinder's request schemas use (`cinder/api/schemas`), with
/// jsonschema's error messages wrapped the way `cinder/api/validation` wraps them, so a bad
/// body gets the same 400 text as from cinder.
indirect enum Schema: Sendable {
    enum Kind: String, Sendable {
        case string, integer, number, boolean, object, array, null
    }

    /// A scalar or untyped value with jsonschema keywords.
    case value(
        types: [Kind],
        minLength: Int? = nil,
        maxLength: Int? = nil,
        pattern: String? = nil,
        minimum: Int? = nil,
        maximum: Int? = nil,
        choices: [JSONValue]? = nil,
        format: String? = nil
    )
    /// An object; `patternKey` validates the keys of `additional` entries.
    case object(
        nullable: Bool = false,
        properties: [(String, Schema)],
        required: [String] = [],
        additionalProperties: Bool = true,
        patternKey: String? = nil,
        additional: Schema? = nil,
        anyOfRequired: [String]? = nil,
        minProperties: Int? = nil,
        maxProperties: Int? = nil
    )
    case oneOf([Schema])

    /// The first violation as cinder reports it, or nil.
    func validate(_ value: JSONValue) -> String? {
        check(value, path: [])
    }

    private func check(_ value: JSONValue, path: [String]) -> String? {
        switch self {
        case .value(
            let types,
            let minLength,
            let maxLength,
            let pattern,
            let minimum,
            let maximum,
            let choices,
            let format
        ):
            if !types.isEmpty && !types.contains(where: { Self.matches(value, $0) }) {
                return Self.wrap(
                    path,
                    value,
                    "\(value.pythonRepr) is not of type \(types.map { "'\($0.rawValue)'" }.joined(separator: ", "))"
                )
            }
            if let choices, !choices.contains(value) {
                return Self.wrap(
                    path,
                    value,
                    "\(value.pythonRepr) is not one of [\(choices.map(\.pythonRepr).joined(separator: ", "))]"
                )
            }
            switch value {
            case .string(let text):
                if let minLength, text.count < minLength {
                    let message = minLength == 1 ? "should be non-empty" : "is too short"
                    return Self.wrap(path, value, "\(value.pythonRepr) \(message)")
                }
                if let maxLength, text.count > maxLength {
                    let message = maxLength == 0 ? "is expected to be empty" : "is too long"
                    return Self.wrap(path, value, "\(value.pythonRepr) \(message)")
                }
                if let pattern, (try? Regex(pattern).firstMatch(in: text)) == nil {
                    // The pattern as Python's repr shows it: backslashes doubled.
                    let shown = pattern.replacingOccurrences(of: "\\", with: "\\\\")
                    return Self.wrap(path, value, "\(value.pythonRepr) does not match '\(shown)'")
                }
                // cinder's `name` format checker raises InvalidName, whose text replaces the wrapper.
                if format == "name", text.allSatisfy(\.isWhitespace) {
                    return "An invalid 'name' value was provided. The 'name' can not be empty."
                }
                // cinder's `name_non_mandatory_remove_white_spaces` and `description_…` format
                // checkers: oslo's check_string_length on the stripped text, as InvalidInput.
                for field in ["name", "description"] where format == "\(field)_non_mandatory_remove_white_spaces" {
                    let length = text.trimmingCharacters(in: .whitespacesAndNewlines).count
                    if length > 255 {
                        return "Invalid input received: \(field) has \(length) characters, more than 255."
                    }
                }
                // cinder's `name_skip_leading_trailing_spaces` (transfer and QoS specs names): InvalidName when
                // the text is empty (None), the stripped text is empty, or longer than 255 characters.
                if format == "name_skip_leading_trailing_spaces" {
                    let length = text.trimmingCharacters(in: .whitespacesAndNewlines).count
                    // An empty string is falsy in Python: the checker's first test.
                    if text.isEmpty { return "An invalid 'name' value was provided. The 'name' can not be None." }
                    if length == 0 { return "An invalid 'name' value was provided. The 'name' can not be empty." }
                    if length > 255 {
                        return
                            "An invalid 'name' value was provided. The 'name' can not be greater than 255 characters."
                    }
                }
                if format == "uuid", !Self.isUUID(text) {
                    return Self.wrap(path, value, "\(value.pythonRepr) is not a 'uuid'")
                }
                // cinder's validator compares numeric strings with minimum/maximum too.
                if let number = Int(text) {
                    if let minimum, number < minimum {
                        return Self.wrap(path, value, "\(number) is less than the minimum of \(minimum)")
                    }
                    if let maximum, number > maximum {
                        return Self.wrap(path, value, "\(number) is greater than the maximum of \(maximum)")
                    }
                }
            case .int(let number):
                if let minimum, number < minimum {
                    return Self.wrap(path, value, "\(number) is less than the minimum of \(minimum)")
                }
                if let maximum, number > maximum {
                    return Self.wrap(path, value, "\(number) is greater than the maximum of \(maximum)")
                }
            default:
                break
            }
            // cinder's `key_size` format checker (`strutils.is_int_like`) raises InvalidInput,
            // whose text replaces the wrapper; it runs after `minimum` and `maximum`.
            if format == "key_size", value != .null, !Self.isIntLike(value) {
                return "Invalid input received: key_size must be an integer."
            }
            return nil
        case .object(
            let nullable,
            let properties,
            let required,
            let additionalProperties,
            let patternKey,
            let additional,
            let anyOfRequired,
            let minProperties,
            let maxProperties
        ):
            if nullable, value == .null { return nil }
            guard case .object(let object) = value else {
                return Self.wrap(
                    path,
                    value,
                    "\(value.pythonRepr) is not of type 'object'\(nullable ? ", 'null'" : "")"
                )
            }
            // jsonschema's keyword order in cinder's schemas: properties (and
            // patternProperties), required, additionalProperties, anyOf, min/maxProperties.
            let known = Set(properties.map(\.0))
            var unexpected: [String] = []
            for entry in object.entries {
                if let schema = properties.first(where: { $0.0 == entry.key })?.1 {
                    if let error = schema.check(entry.value, path: path + [entry.key]) { return error }
                } else if let patternKey, let additional {
                    guard (try? Regex(patternKey).wholeMatch(in: entry.key)) != nil else {
                        unexpected.append(entry.key)
                        continue
                    }
                    if let error = additional.check(entry.value, path: path + [entry.key]) { return error }
                } else if !additionalProperties && !known.contains(entry.key) {
                    unexpected.append(entry.key)
                }
            }
            for name in required where object[name] == nil {
                return Self.wrap(path, value, "'\(name)' is a required property")
            }
            if !unexpected.isEmpty, let patternKey {
                let names = unexpected.sorted().map { JSONValue.string($0).pythonRepr }.joined(separator: ", ")
                return Self.wrap(
                    path,
                    value,
                    "\(names) \(unexpected.count == 1 ? "does" : "do") not match any of the regexes: '\(patternKey)'"
                )
            }
            if !unexpected.isEmpty {
                let names = unexpected.sorted().map { "'\($0)'" }.joined(separator: ", ")
                return Self.wrap(
                    path,
                    value,
                    "Additional properties are not allowed (\(names) \(unexpected.count == 1 ? "was" : "were") unexpected)"
                )
            }
            // jsonschema's best_match ranks anyOf ("weak") below every other error of the same
            // depth, so it is reported only when nothing else failed.
            if let anyOfRequired, !anyOfRequired.contains(where: { object[$0] != nil }) {
                return Self.wrap(path, value, "\(value.pythonRepr) is not valid under any of the given schemas")
            }
            if let minProperties, object.count < minProperties {
                let message = minProperties == 1 ? "should be non-empty" : "does not have enough properties"
                return Self.wrap(path, value, "\(value.pythonRepr) \(message)")
            }
            if let maxProperties, object.count > maxProperties {
                let message = maxProperties == 0 ? "is expected to be empty" : "has too many properties"
                return Self.wrap(path, value, "\(value.pythonRepr) \(message)")
            }
            return nil
        case .oneOf(let schemas):
            let passing = schemas.filter { $0.check(value, path: path) == nil }.count
            if passing == 1 { return nil }
            return Self.wrap(path, value, "\(value.pythonRepr) is not valid under any of the given schemas")
        }
    }

    static func matches(_ value: JSONValue, _ kind: Kind) -> Bool {
        switch (value, kind) {
        case (.string, .string), (.int, .integer), (.int, .number), (.double, .number), (.bool, .boolean),
            (.object, .object), (.array, .array), (.null, .null):
            true
        case (.double(let number), .integer): number == number.rounded()
        default: false
        }
    }

    /// oslo's `strutils.is_int_like`: an integer, or text that is an integer's exact spelling.
    static func isIntLike(_ value: JSONValue) -> Bool {
        switch value {
        case .int: true
        case .string(let text): Int(text).map { String($0) == text } ?? false
        default: false
        }
    }

    static func isUUID(_ text: String) -> Bool {
        let hex = text.filter { $0 != "-" }
        return hex.count == 32 && hex.allSatisfy(\.isHexDigit) && (text.count == 32 || text.count == 36)
    }

    /// cinder: "Invalid input for field/attribute <last path element>. Value: <value>. <message>",
    /// or the bare message at the top level.
    static func wrap(_ path: [String], _ value: JSONValue, _ message: String) -> String {
        guard let field = path.last else { return message }
        return "Invalid input for field/attribute \(field). Value: \(value.pythonStr). \(message)"
    }
}

extension JSONValue {
    /// Python's `repr` of the decoded value, as jsonschema messages print it.
    var pythonRepr: String {
        switch self {
        case .null: "None"
        case .bool(let value): value ? "True" : "False"
        case .int(let value): String(value)
        case .double(let value): JSONValue.double(value).serialized()
        case .string(let value): "'" + value.replacingOccurrences(of: "'", with: "\\'") + "'"
        case .array(let values): "[" + values.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .object(let object):
            "{" + object.entries.map { "'\($0.key)': \($0.value.pythonRepr)" }.joined(separator: ", ") + "}"
        }
    }

    /// Python's `str` of the value (strings unquoted).
    var pythonStr: String {
        if case .string(let value) = self { return value }
        return pythonRepr
    }
}

/// The parameter types of `cinder/api/validation/parameter_types.py` that the volume schemas use.
enum ParameterTypes {
    static let nullableString255 = Schema.value(types: [.string, .null], minLength: 0, maxLength: 255)
    static let name = Schema.value(types: [.string, .null], maxLength: 255)
    /// The volume schemas' name and description (`…_non_mandatory_remove_white_spaces`).
    static let volumeName = Schema.value(types: [.string, .null], format: "name_non_mandatory_remove_white_spaces")
    static let volumeDescription = Schema.value(
        types: [.string, .null],
        format: "description_non_mandatory_remove_white_spaces"
    )
    static let description = Schema.value(types: [.string, .null], maxLength: 255)
    static let volumeSizeAllowsNull = Schema.value(
        types: [.integer, .string, .null],
        pattern: "^[0-9]+$",
        minimum: 1,
        maximum: 2_147_483_647
    )
    static let availabilityZone = Schema.value(types: [.string, .null], minLength: 1, maxLength: 255)
    static let optionalUUID = Schema.oneOf([.value(types: [.null]), .value(types: [.string], format: "uuid")])
    static let booleanChoices: [JSONValue] = [
        true, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes", "y", "t", false, "False", "FALSE",
        "false", "0", "OFF", "Off", "off", "NO", "No", "no", "n", "f",
    ]
    static let boolean = Schema.value(types: [.boolean, .string], choices: booleanChoices)
    static let optionalBoolean = Schema.oneOf([.value(types: [.null]), boolean])
    /// `extra_specs`: keys `^[a-zA-Z0-9-_:. /]{1,255}$`, string values up to 255 characters.
    static func metadata(nullable: Bool) -> Schema {
        .object(
            nullable: nullable,
            properties: [],
            additionalProperties: false,
            patternKey: "^[a-zA-Z0-9-_:. /]{1,255}$",
            additional: .value(types: [.string], minLength: 0, maxLength: 255)
        )
    }

    /// Parses cinder's boolean spellings.
    static func bool(_ value: JSONValue?) -> Bool? {
        switch value {
        case .bool(let flag)?: return flag
        case .string(let text)?:
            if ["true", "1", "on", "yes", "y", "t"].contains(text.lowercased()) { return true }
            if ["false", "0", "off", "no", "n", "f"].contains(text.lowercased()) { return false }
            return nil
        default: return nil
        }
    }
}

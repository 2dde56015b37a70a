/// A value in policy credentials or a policy target, as oslo.policy sees Python values.
///
/// Checks compare text: a generic check `kind:match` compares `match` (after `%(key)s`
/// interpolation from the target) with `str()` of the credential, so booleans read `True` and
/// `False` and a missing value reads `None`.
public enum PolicyValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    case string(String)
    case bool(Bool)
    case int(Int)
    case none
    case list([PolicyValue])
    case dictionary([String: PolicyValue])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    /// An optional string: `.none` when absent.
    public init(_ value: String?) {
        self = value.map(PolicyValue.string) ?? .none
    }

    /// Python's `str()` of the value.
    public var pythonString: String {
        switch self {
        case .string(let text): text
        case .bool(let value): value ? "True" : "False"
        case .int(let value): String(value)
        case .none: "None"
        case .list(let items): "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .dictionary(let entries):
            "{"
                + entries.sorted { $0.key < $1.key }.map { "'\($0.key)': \($0.value.pythonRepr)" }
                .joined(separator: ", ") + "}"
        }
    }

    var pythonRepr: String {
        if case .string(let text) = self { return "'\(text)'" }
        return pythonString
    }
}

/// What a policy is checked against: the target of the action (`project_id`, `user_id` and the
/// object's fields) and the caller's credentials (oslo.context's `to_policy_values`).
public typealias PolicyTarget = [String: PolicyValue]
public typealias PolicyCredentials = [String: PolicyValue]

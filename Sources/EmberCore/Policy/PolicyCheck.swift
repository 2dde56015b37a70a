/// A parsed oslo.policy check string.
///
/// The grammar is oslo.policy's: `@` (always), `!` (never), `kind:match` checks (`role:`,
/// `rule:`, and generic checks such as `project_id:%(project_id)s` or `is_admin:True`), `not`,
/// `and` (binding tighter than `or`) and parentheses. An empty check string allows everyone.
public indirect enum PolicyCheck: Sendable, Equatable, CustomStringConvertible {
    case always
    case never
    /// `role:NAME`: the caller has the role (case-insensitive); `NAME` may use `%(key)s`.
    case role(String)
    /// `rule:NAME`: the named rule; an unknown rule fails closed.
    case rule(String)
    /// `kind:match`: `match`, interpolated from the target, equals `str()` of the credential
    /// `kind` (a dotted path into the credentials), or of `kind` itself when it is a literal
    /// (`True`, `'Member'`, `42`).
    case generic(kind: String, match: String)
    case not(PolicyCheck)
    case and([PolicyCheck])
    case or([PolicyCheck])

    public var description: String {
        switch self {
        case .always: "@"
        case .never: "!"
        case .role(let match): "role:\(match)"
        case .rule(let match): "rule:\(match)"
        case .generic(let kind, let match): "\(kind):\(match)"
        case .not(let check): "not \(check)"
        case .and(let checks): "(" + checks.map(\.description).joined(separator: " and ") + ")"
        case .or(let checks): "(" + checks.map(\.description).joined(separator: " or ") + ")"
        }
    }

    /// Evaluates the check; `rules` resolves `rule:` references (depth-limited, so a rule that
    /// refers to itself fails closed instead of recursing forever).
    public func evaluate(
        target: PolicyTarget,
        credentials: PolicyCredentials,
        rules: [String: PolicyCheck],
        depth: Int = 0
    ) -> Bool {
        switch self {
        case .always:
            return true
        case .never:
            return false
        case .role(let match):
            guard let wanted = Self.interpolate(match, target: target)?.lowercased() else { return false }
            guard case .list(let roles)? = credentials["roles"] else { return false }
            return roles.contains { $0.pythonString.lowercased() == wanted }
        case .rule(let name):
            guard depth < 32, let rule = rules[name] else { return false }
            return rule.evaluate(target: target, credentials: credentials, rules: rules, depth: depth + 1)
        case .generic(let kind, let match):
            guard let wanted = Self.interpolate(match, target: target) else { return false }
            if let literal = Self.literal(kind) { return wanted == literal }
            return Self.find(
                in: .dictionary(credentials),
                path: kind.split(separator: ".").map(String.init)[...],
                wanted
            )
        case .not(let check):
            return !check.evaluate(target: target, credentials: credentials, rules: rules, depth: depth)
        case .and(let checks):
            return checks.allSatisfy {
                $0.evaluate(target: target, credentials: credentials, rules: rules, depth: depth)
            }
        case .or(let checks):
            return checks.contains { $0.evaluate(target: target, credentials: credentials, rules: rules, depth: depth) }
        }
    }

    /// Python's `match % target` for `%(key)s` and `%%`; nil when a key is missing (the check
    /// then fails, as in oslo.policy).
    static func interpolate(_ text: String, target: PolicyTarget) -> String? {
        guard text.contains("%") else { return text }
        var output = ""
        var rest = Substring(text)
        while let percent = rest.firstIndex(of: "%") {
            output += rest[..<percent]
            let after = rest[rest.index(after: percent)...]
            if after.hasPrefix("%") {
                output += "%"
                rest = after.dropFirst()
            } else if after.hasPrefix("("), let close = after.firstIndex(of: ")"),
                after[after.index(after: close)...].hasPrefix("s")
            {
                let key = String(after[after.index(after: after.startIndex)..<close])
                guard let value = target[key] else { return nil }
                output += value.pythonString
                rest = after[after.index(close, offsetBy: 2)...]
            } else {
                output += "%"
                rest = after
            }
        }
        return output + rest
    }

    /// `ast.literal_eval(kind)` for the literals policy files use: booleans, `None`, integers
    /// and quoted strings.
    static func literal(_ kind: String) -> String? {
        switch kind {
        case "True", "False", "None": return kind
        default: break
        }
        if let number = Int(kind) { return String(number) }
        if kind.count >= 2, let first = kind.first, first == "'" || first == "\"", kind.last == first {
            return String(kind.dropFirst().dropLast())
        }
        return nil
    }

    /// oslo.policy's `_find_in_dict`: follows the dotted path; a list on the way matches when any
    /// element matches.
    static func find(in value: PolicyValue, path: ArraySlice<String>, _ wanted: String) -> Bool {
        guard let key = path.first else { return value.pythonString == wanted }
        guard case .dictionary(let entries) = value, let next = entries[key] else { return false }
        if case .list(let items) = next {
            return items.contains { find(in: $0, path: path.dropFirst(), wanted) }
        }
        return find(in: next, path: path.dropFirst(), wanted)
    }
}

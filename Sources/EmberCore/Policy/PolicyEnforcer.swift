import Synchronization

/// oslo.policy's `Enforcer` for cinder: the registered defaults (``CinderPolicies``) with the
/// rules of a policy file on top, checked against a caller's credentials.
///
/// One enforcer serves every request. Its rules are an immutable snapshot behind a `Mutex`, so
/// a check copies the snapshot under the lock and evaluates outside it; ``replaceOverrides(_:)``
/// (SIGHUP) swaps the snapshot.
public final class PolicyEnforcer: Sendable {
    /// The rules in effect: defaults overridden and extended by the file's rules.
    public struct Snapshot: Sendable {
        public var rules: [String: PolicyCheck]
        /// The rule names the file set.
        public var overridden: Set<String>
    }

    public let defaults: [String: String]
    private let snapshot: Mutex<Snapshot>

    /// An enforcer with cinder's defaults and no policy file, shared by what is built without
    /// one (tests, the WSGI layer's defaults); parsing the 167 rules happens once.
    public static let cinderDefaults = PolicyEnforcer()

    /// - Parameters:
    ///   - defaults: rule name → check string (cinder's registered defaults).
    ///   - overrides: rule name → check string from a policy file.
    public init(defaults: [String: String] = CinderPolicies.defaults, overrides: [String: String] = [:]) {
        self.defaults = defaults
        self.snapshot = Mutex(Self.makeSnapshot(defaults: defaults, overrides: overrides))
    }

    /// Replaces the policy file's rules (an empty dictionary goes back to the defaults).
    public func replaceOverrides(_ overrides: [String: String]) {
        let next = Self.makeSnapshot(defaults: defaults, overrides: overrides)
        snapshot.withLock { $0 = next }
    }

    public var current: Snapshot { snapshot.withLock { $0 } }

    /// Whether `credentials` may perform `action` on `target` (`Enforcer.authorize`). A rule
    /// that is neither registered nor in the file is refused.
    public func isAllowed(_ action: PolicyAction, target: PolicyTarget, credentials: PolicyCredentials) -> Bool {
        let rules = snapshot.withLock { $0.rules }
        guard let check = rules[action.name] else { return false }
        return check.evaluate(target: target, credentials: credentials, rules: rules)
    }

    /// `context.authorize(action, target=…)`: throws cinder's 403 `PolicyNotAuthorized`
    /// ("Policy doesn't allow volume:create to be performed.") when refused.
    ///
    /// The target starts as the caller's `project_id` and `user_id` and is updated with
    /// `target` (the object's fields), as cinder's `RequestContext.authorize` builds it.
    public func authorize(_ action: PolicyAction, identity: Identity, target: PolicyTarget = [:]) throws(EmberError) {
        guard allows(action, identity: identity, target: target) else {
            throw EmberError.forbidden("Policy doesn't allow \(action.name) to be performed.")
        }
    }

    /// The non-fatal form (`fatal=False`): used for optional response fields.
    public func allows(_ action: PolicyAction, identity: Identity, target: PolicyTarget = [:]) -> Bool {
        var full = Self.callerTarget(identity)
        full.merge(target) { $1 }
        return isAllowed(action, target: full, credentials: identity.policyCredentials)
    }

    /// ``allows(_:identity:target:)`` for several actions with an empty target, the caller's
    /// credentials built once (a view asks one per optional field group).
    public func allows(_ actions: [PolicyAction], identity: Identity) -> [Bool] {
        let target = Self.callerTarget(identity)
        let credentials = identity.policyCredentials
        return actions.map { isAllowed($0, target: target, credentials: credentials) }
    }

    /// The target every check starts from: the caller's `project_id` and `user_id`.
    private static func callerTarget(_ identity: Identity) -> PolicyTarget {
        ["project_id": PolicyValue(identity.projectID), "user_id": .string(identity.userID)]
    }

    /// `policy.check_is_admin`: the `context_is_admin` rule with the credentials as the target.
    public func isAdmin(_ credentials: PolicyCredentials) -> Bool {
        isAllowed(.contextIsAdmin, target: credentials, credentials: credentials)
    }

    static func makeSnapshot(defaults: [String: String], overrides: [String: String]) -> Snapshot {
        var rules: [String: PolicyCheck] = [:]
        for (name, text) in defaults { rules[name] = PolicyParser.check(text) }
        for (name, text) in overrides { rules[name] = PolicyParser.check(text) }
        return Snapshot(rules: rules, overridden: Set(overrides.keys))
    }
}

extension Identity {
    /// oslo.context's `to_policy_values()` plus cinder's `is_admin`.
    public var policyCredentials: PolicyCredentials {
        [
            "user_id": .string(userID),
            "user_domain_id": PolicyValue(userDomainID),
            "project_id": PolicyValue(projectID),
            "project_domain_id": PolicyValue(projectDomainID),
            "domain_id": PolicyValue(domainID),
            "system_scope": PolicyValue(systemScope),
            "roles": .list(roles.map(PolicyValue.string)),
            "is_admin_project": .bool(isAdminProject),
            "is_admin": .bool(isAdmin),
            "service_user_id": PolicyValue(serviceUserID),
            "service_project_id": PolicyValue(serviceProjectID),
            "service_roles": .list(serviceRoles.map(PolicyValue.string)),
        ]
    }
}

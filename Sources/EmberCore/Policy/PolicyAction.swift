/// The name of a policy rule an API operation is checked against (`volume:create`).
///
/// Every cinder 29.0.0 rule has a constant (``CinderPolicies``): `.volumeCreate`,
/// `.volumeExtensionVolumeAdminActionsResetStatus`, … named after the rule.
public struct PolicyAction: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let name: String

    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { self.name = value }

    public var description: String { name }
}

import Foundation
import Yams

/// `[oslo_policy]`: where the policy file is and how it is read.
///
/// - `policy_file` (`policy.yaml`): the rules that override cinder's defaults, a YAML (or JSON)
///   mapping of rule name to check string. A relative path is looked up next to the
///   configuration files, in the working directory, `/etc/ember` and `/etc/cinder`. With the
///   default name a missing file means "defaults only"; a file named explicitly must exist.
/// - `enforce_new_defaults` (`true`) and `enforce_scope` (`true`): oslo.policy's defaults,
///   which cinder keeps. No cinder 29.0.0 default declares `scope_types`, so `enforce_scope`
///   changes nothing; `enforce_new_defaults = false` (the deprecated pre-Xena rules) is not
///   supported and is refused at start-up.
/// - `policy_dirs` (`policy.d`): not read; a warning names it when the directory exists.
///
/// SIGHUP reads the file again (``PolicyEnforcer/replaceOverrides(_:)``).
public struct PolicyConfiguration: Sendable, Equatable {
    public var policyFile: String = "policy.yaml"
    public var policyFileExplicit = false

    public init() {}

    public init(files: ConfigFiles) throws(ConfigurationError) {
        if let file = files.optionalString("oslo_policy", "policy_file") {
            policyFile = file
            policyFileExplicit = true
        }
        if try files.bool("oslo_policy", "enforce_new_defaults", default: true) == false {
            throw .malformedValue(
                path: files.lookup("oslo_policy", "enforce_new_defaults")?.path ?? "",
                section: "oslo_policy",
                option: "enforce_new_defaults",
                value: "false",
                expected: "true (Ember enforces cinder's current defaults only)"
            )
        }
    }

    /// The file to read, or nil when the default-named file does not exist.
    public func resolvedPath(in configuration: EmberConfiguration) throws(ConfigurationError) -> String? {
        if let path = configuration.findConfigFile(policyFile) { return path }
        if policyFileExplicit {
            throw .unreadable(path: policyFile, reason: "[oslo_policy] policy_file names a file that does not exist")
        }
        return nil
    }

    /// The overrides the configured file holds (empty without a file).
    public func loadOverrides(in configuration: EmberConfiguration) throws(ConfigurationError) -> [String: String] {
        guard let path = try resolvedPath(in: configuration) else { return [:] }
        return try PolicyFile.read(path)
    }
}

/// Reads a policy file: a YAML mapping (JSON is YAML too) of rule name to check string.
public enum PolicyFile {
    public static func read(_ path: String) throws(ConfigurationError) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw .unreadable(path: path, reason: "no such file or not readable UTF-8 text")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(ConfigurationError) -> [String: String] {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw .unreadable(path: path, reason: "not a YAML policy file: \(error)")
        }
        guard let node else { return [:] }
        guard let mapping = node.mapping else {
            throw .unreadable(path: path, reason: "a policy file is a mapping of rule name to check string")
        }
        var rules: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = key.string else {
                throw .unreadable(path: path, reason: "rule names must be strings")
            }
            guard let check = value.scalar?.string else {
                throw .unreadable(path: path, reason: "the rule '\(name)' is not a check string")
            }
            rules[name] = check
        }
        return rules
    }
}

import ArgumentParser
import EmberCore
import EmberStore
import Foundation
import Logging

/// `ember status upgrade check`: `cinder-status upgrade check` (`cinder/cmd/status.py` over
/// oslo.upgradecheck): cinder 29.0.0's checks, read from Ember's configuration and database,
/// printed as its one-column table (or `--json`); the exit code is the worst result
/// (0 success, 1 warning, 2 failure; 255 when a check could not run).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Upgrade readiness checks (cinder-status).",
        subcommands: [Upgrade.self]
    )

    struct Upgrade: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "upgrade",
            abstract: "Upgrade checks.",
            subcommands: [Check.self]
        )
    }

    /// oslo.upgradecheck's `Code`.
    enum Code: Int, Comparable, Sendable {
        case success = 0
        case warning = 1
        case failure = 2

        var text: String {
            switch self {
            case .success: "Success"
            case .warning: "Warning"
            case .failure: "Failure"
            }
        }

        static func < (lhs: Code, rhs: Code) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    struct Result: Sendable, Equatable {
        var code: Code
        var details: String?

        static let success = Result(code: .success, details: nil)
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check whether the deployment is ready for an upgrade."
        )
        @OptionGroup var config: ConfigOptions
        @Flag(name: .customLong("json"), help: "Print the results as JSON.") var json = false

        func run() async throws {
            let results: [(String, Result)]
            do {
                let configuration = try config.load()
                let volumesWithoutService = try await Manage.withStore(config) { store, _ in
                    try await StatusCommand.volumesWithoutServiceUUID(store)
                }
                results = StatusCommand.checks(
                    files: configuration.files,
                    volumesWithoutServiceUUID: volumesWithoutService
                )
            } catch let error as ExitCode {
                throw error
            } catch {
                print("Error:\n\(error)")
                throw ExitCode(255)
            }
            print(json ? StatusCommand.json(results) : StatusCommand.table(results), terminator: json ? "\n" : "")
            let worst = results.map(\.1.code).max() ?? .success
            if worst != .success { throw ExitCode(Int32(worst.rawValue)) }
        }
    }

    /// The drivers cinder removed (`REMOVED_DRVRS`).
    static let removedDrivers = [
        "coprhd", "drbdmanage", "disco", "hgst", "hpe_lefthand", "sheepdog", "zfssa", "windows",
    ]

    /// Whether any live volume has no `service_uuid` (cinder's Queens online migration).
    static func volumesWithoutServiceUUID(_ store: SQLStore) async throws -> Bool {
        var marker: String?
        while true {
            let page = try await store.listVolumes(
                ListQuery(scope: .allProjects, sort: [SortKey("id", .asc)], marker: marker, limit: 500)
            )
            if page.items.contains(where: { $0.serviceUUID == nil }) { return true }
            guard page.items.count == 500, let last = page.items.last else { return false }
            marker = last.id
        }
    }

    /// The checks, in cinder's order.
    static func checks(files: ConfigFiles, volumesWithoutServiceUUID: Bool) -> [(String, Result)] {
        [
            ("Backup Driver Path", backupDriver(files)),
            ("Use of Policy File", policyFile(files)),
            ("Removed Drivers", removedDrivers(files)),
            ("Periodic Interval Use", periodicInterval(files)),
            (
                "Service UUIDs",
                volumesWithoutServiceUUID
                    ? Result(
                        code: .failure,
                        details:
                            "Services and volumes must have a service UUID. Please fix this issue by running Queens online data migrations."
                    ) : .success
            ),
            // Ember has no attachment specs table: nothing can be left in it.
            ("Attachment specs", .success),
            ("Use of Nested Quota Driver", nestedQuota(files)),
        ]
    }

    static func backupDriver(_ files: ConfigFiles) -> Result {
        let driver = files.string("DEFAULT", "backup_driver", default: "cinder.backup.drivers.posix.PosixBackupDriver")
        guard driver != driver.lowercased() else {
            return Result(
                code: .failure,
                details:
                    "Backup driver configuration requires the full path to the driver, but current setting is using only the module path."
            )
        }
        return .success
    }

    static func policyFile(_ files: ConfigFiles) -> Result {
        guard let configPath = files.paths.first else {
            return Result(
                code: .warning,
                details:
                    "Cannot locate your cinder configuration directory. Please re-run using the --config-dir <dirname> option."
            )
        }
        let directory = (configPath as NSString).deletingLastPathComponent
        let policy = files.string("oslo_policy", "policy_file", default: "policy.yaml")
        if policy == "policy.yaml" {
            if FileManager.default.fileExists(atPath: directory + "/policy.json") {
                return Result(
                    code: .warning,
                    details:
                        "policy.json file is present. Make sure any changes from the default policies are present in a policy.yaml file instead. If you really intend to use a policy.json file, make sure that its absolute path is set as the value of the 'policy_file' configuration option in the [oslo_policy] section of your cinder.conf file."
                )
            }
            return .success
        }
        let path = policy.hasPrefix("/") ? policy : directory + "/" + policy
        if !FileManager.default.fileExists(atPath: path) {
            return Result(
                code: .warning,
                details:
                    "Configured policy file '\(path)' does not exist. This may be expected, but default policies will be used until any desired overrides are added to the configured file."
            )
        }
        return .success
    }

    static func removedDrivers(_ files: ConfigFiles) -> Result {
        var found: [String] = []
        for backend in files.list("DEFAULT", "enabled_backends", default: []) where !backend.isEmpty {
            let driver = files.string(backend, "volume_driver", default: "ember.volume.drivers.file.FileDriver")
            for removed in removedDrivers where driver.contains(removed) { found.append(driver) }
        }
        if found.count > 1 {
            return Result(
                code: .failure,
                details:
                    "The following drivers, which no longer exist, were found configured in your cinder.conf file:\n\(found.joined(separator: ",\n")).\nThese drivers have been removed and all data should be migrated off of the associated backends before upgrading Cinder."
            )
        }
        if let driver = found.first {
            return Result(
                code: .failure,
                details:
                    "Found driver \(driver) configured in your cinder.conf file. This driver has been removed and all data should be migrated off of this backend before upgrading Cinder."
            )
        }
        return .success
    }

    static func periodicInterval(_ files: ConfigFiles) -> Result {
        let value = files.lookup("DEFAULT", "periodic_interval").map { files.interpolate($0.value, section: "DEFAULT") }
        guard let value, Int(value.trimmingWhitespace()) != 60 else { return .success }
        return Result(
            code: .warning,
            details:
                "Detected non-default value for the 'periodic_interval' option.  New configuration options have been introduced to replace the use of 'periodic_interval' for some purposes.  Please consult the 'Upgrade' section of the Train release notes for more information."
        )
    }

    static func nestedQuota(_ files: ConfigFiles) -> Result {
        guard files.lookup("DEFAULT", "quota_driver")?.value == "cinder.quota.NestedDbQuotaDriver" else {
            return .success
        }
        return Result(
            code: .failure,
            details: "The NestedDbQuotaDriver was deprecated in Train release and is removed in Wallaby release."
        )
    }

    /// Python's `textwrap.wrap(text, 60, subsequent_indent='  ')`, joined by newlines.
    static func wrap(_ text: String, width: Int = 60) -> String {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        var lines: [String] = []
        var current = ""
        for word in words {
            let indent = lines.isEmpty ? "" : "  "
            if current.isEmpty {
                current = indent + word
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = "  " + word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.joined(separator: "\n")
    }

    /// prettytable with one left-aligned column and a rule under every row.
    static func table(_ results: [(String, Result)]) -> String {
        let title = "Upgrade Check Results"
        let cells = results.map { name, result in
            "Check: \(name)\nResult: \(result.code.text)\nDetails: \(result.details.map { wrap($0) } ?? "None")"
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        let width = ([title] + cells.flatMap { $0 }).map(\.count).max() ?? 0
        let rule = "+" + String(repeating: "-", count: width + 2) + "+"
        func line(_ text: String) -> String { "| " + text + String(repeating: " ", count: width - text.count) + " |" }
        var lines = [rule, line(title), rule]
        for cell in cells {
            lines += cell.map(line)
            lines.append(rule)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `json.dumps({"name": …, "checks": [{"check", "result", "details"}]})`.
    static func json(_ results: [(String, Result)]) -> String {
        func quoted(_ text: String) -> String { JSONValue.string(text).serialized() }
        let checks = results.map { name, result in
            "{\"check\": \(quoted(name)), \"result\": \(result.code.rawValue), \"details\": \(result.details.map(quoted) ?? "null")}"
        }
        return "{\"name\": \"Upgrade Check Results\", \"checks\": [" + checks.joined(separator: ", ") + "]}"
    }
}

import ArgumentParser
import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import EmberVolume
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The operator's categories of `cinder-manage` (`cinder/cmd/manage.py`), with its output
/// formats (the same `%`-padded columns, so scripts that read them keep working) and exit
/// codes. Each command opens the database of `[database] connection` and leaves the schema
/// as it finds it.
extension Manage {
    /// Runs `body` over the configured store (no migration).
    static func withStore<T: Sendable>(
        _ options: ConfigOptions,
        _ body: @escaping @Sendable (SQLStore, EmberConfiguration) async throws -> T
    ) async throws -> T {
        let configuration = try options.load()
        var database = try DatabaseConfiguration(files: configuration.files, statePath: configuration.statePath)
        database.syncOnStartup = false
        return try await EmberDatabase.withDatabase(
            configuration: database,
            logger: Logger(label: "ember.manage")
        ) { db in
            try await body(db.store, configuration)
        }
    }

    /// Python's `%-Ns`: left-justified in `width` (never cut).
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// Python's `str()` of a naive UTC datetime (`2026-12-06 09:34:32.123456`), `None` for none.
    static func pythonTime(_ date: Date?) -> String {
        guard let date else { return "None" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let micro = ((parts.nanosecond ?? 0) + 500) / 1000
        var text = String(
            format: "%04d-%02d-%02d %02d:%02d:%02d",
            parts.year ?? 0,
            parts.month ?? 0,
            parts.day ?? 0,
            parts.hour ?? 0,
            parts.minute ?? 0,
            parts.second ?? 0
        )
        if micro > 0 { text += String(format: ".%06d", min(micro, 999_999)) }
        return text
    }

    /// Ends the command with `code` (cinder-manage's `sys.exit`).
    static func exit(_ code: Int32) -> ExitCode { ExitCode(code) }

    // MARK: - service

    /// `ember manage service list|remove`.
    struct Services: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "service",
            abstract: "Methods for managing services.",
            subcommands: [List.self, Remove.self]
        )

        /// `service list`: every service, as cinder-manage's table.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show a list of all cinder services.")
            @OptionGroup var config: ConfigOptions

            func run() async throws {
                let output = try await Manage.withStore(config) { store, configuration in
                    let downTime = try VolumeServiceConfiguration(files: configuration.files).serviceDownTime
                    let services = try await store.listServices(host: nil, binary: nil, topic: nil, disabled: nil)
                    return Self.table(services, downTime: downTime, now: Date())
                }
                print(output, terminator: "")
            }

            static let widths = [16, 36, 16, 10, 5, 20, 12, 15, 36]

            static func row(_ cells: [String]) -> String {
                zip(cells, widths).map { Manage.pad($0, $1) }.joined(separator: " ")
            }

            static func table(_ services: [ServiceRecord], downTime: Int, now: Date) -> String {
                var lines = [
                    row([
                        "Binary", "Host", "Zone", "Status", "State", "Updated At", "RPC Version", "Object Version",
                        "Cluster",
                    ])
                ]
                for service in services {
                    let up = abs(now.timeIntervalSince(service.updatedAt ?? service.createdAt)) <= Double(downTime)
                    lines.append(
                        row([
                            service.binary, service.host, service.availabilityZone,
                            service.disabled ? "disabled" : "enabled", up ? ":-)" : "XXX",
                            Manage.pythonTime(service.updatedAt), service.rpcCurrentVersion ?? "None",
                            service.objectCurrentVersion ?? "None", service.clusterName ?? "",
                        ])
                    )
                }
                return lines.joined(separator: "\n") + "\n"
            }
        }

        /// `service remove BINARY HOST_NAME`: removes the service row. A missing one is
        /// reported, and (as cinder-manage, whose return value is dropped) exits 0.
        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Completely removes a service.")
            @OptionGroup var config: ConfigOptions
            @Argument(help: "Service to delete from the host.") var binary: String
            @Argument(help: "Host from which to remove the service.") var hostName: String

            func run() async throws {
                let binary = self.binary
                let host = hostName
                let removed = try await Manage.withStore(config) { store, _ in
                    do {
                        let service = try await store.service(host: host, binary: binary)
                        try await store.deleteService(id: service.id)
                        return true
                    } catch StoreError.notFound {
                        return false
                    }
                }
                if removed {
                    print("Service \(binary) on host \(host) removed.")
                } else {
                    print("Host not found. Failed to remove \(binary) on \(host).")
                    print("Service \(binary) could not be found on host \(host).")
                }
            }
        }
    }

    // MARK: - host

    /// `ember manage host list [ZONE]`.
    struct Hosts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "host",
            abstract: "List hosts.",
            subcommands: [List.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show a list of all physical hosts, optionally of one availability zone."
            )
            @OptionGroup var config: ConfigOptions
            @Argument(help: "Availability Zone (default: None)") var zone: String?

            func run() async throws {
                let zone = self.zone
                let services = try await Manage.withStore(config) { store, _ in
                    try await store.listServices(host: nil, binary: nil, topic: nil, disabled: nil)
                }
                print(Self.table(services, zone: zone), terminator: "")
            }

            static func table(_ services: [ServiceRecord], zone: String?) -> String {
                var lines = [Manage.pad("host", 25) + "\t" + Manage.pad("zone", 15)]
                var seen: Set<String> = []
                for service in services where zone.map({ $0.isEmpty || service.availabilityZone == $0 }) ?? true {
                    guard seen.insert(service.host).inserted else { continue }
                    lines.append(Manage.pad(service.host, 25) + "\t" + Manage.pad(service.availabilityZone, 15))
                }
                return lines.joined(separator: "\n") + "\n"
            }
        }
    }

    // MARK: - volume

    /// `ember manage volume delete|update_host`.
    struct Volumes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "volume",
            abstract: "Methods for dealing with a cloud in an odd state.",
            subcommands: [Delete.self, UpdateHost.self]
        )

        /// `volume delete VOLUME_ID`: bypasses the API's status checks. A volume never
        /// scheduled is removed from the database; an `in-use` one is refused; any other is
        /// handed to its backend's `delete_volume` over the bus.
        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Delete a volume, bypassing the check that it must be available."
            )
            @OptionGroup var config: ConfigOptions
            @Argument(help: "Volume ID to be deleted") var volumeID: String

            func run() async throws {
                let id = volumeID
                let outcome: String = try await Manage.withStore(config) { store, configuration in
                    let volume: Volume
                    do {
                        volume = try await store.volume(id: id, scope: .allProjects)
                    } catch StoreError.notFound {
                        return "missing"
                    }
                    guard let host = volume.host else {
                        try await store.deleteVolume(id: id)
                        return "unscheduled"
                    }
                    if volume.status == .inUse { return "in-use" }
                    try await Manage.cast(
                        VolumeRPC.DeleteVolume(volumeID: id, cascade: false),
                        host: host,
                        files: configuration.files
                    )
                    return "cast"
                }
                switch outcome {
                case "missing":
                    FileHandle.standardError.write(Data("Volume \(id) could not be found.\n".utf8))
                    throw Manage.exit(1)
                case "unscheduled":
                    print("Volume not yet assigned to host.")
                    print("Deleting volume from database and skipping rpc.")
                case "in-use":
                    print("Volume is in-use.")
                    print("Detach volume from instance and then try again.")
                default:
                    break
                }
            }
        }

        /// `volume update_host --currenthost HOST --newhost HOST`.
        struct UpdateHost: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "update_host",
                abstract: "Modify the host name associated with a volume."
            )
            @OptionGroup var config: ConfigOptions
            @Option(name: .customLong("currenthost"), help: "Existing volume host name in the format host@backend#pool")
            var currentHost: String
            @Option(name: .customLong("newhost"), help: "New volume host name in the format host@backend#pool")
            var newHost: String

            func run() async throws {
                let current = currentHost
                let new = newHost
                _ = try await Manage.withStore(config) { store, _ in
                    try await store.moveVolumes(fromHost: current, toHost: new)
                }
            }
        }
    }

    /// Sends one cast to a volume backend over the configured bus (`[DEFAULT]
    /// transport_url`); the in-process bus of `ember all` cannot be reached from here.
    static func cast<Message: RPCMessage>(_ message: Message, host: String, files: ConfigFiles) async throws {
        let transport = try TransportConfiguration(files: files)
        guard case .postgresql = transport.transport else {
            FileHandle.standardError.write(
                Data(
                    "The volume services use the in-process message bus of their own process; set [DEFAULT] transport_url (postgresql://…) to reach them.\n"
                        .utf8
                )
            )
            throw Manage.exit(1)
        }
        let bus = transport.makeBus(logger: Logger(label: "ember.manage.bus"))
        let running = Task { try await bus.run() }
        defer { running.cancel() }
        try await VolumeRPC.client(bus: bus, host: host).cast(
            message,
            context: RPCContext(
                requestID: "req-" + UUID().uuidString.lowercased(),
                userID: "ember-manage",
                roles: ["admin"],
                isAdmin: true
            )
        )
        running.cancel()
        _ = try? await running.value
    }

    // MARK: - backup

    /// `ember manage backup list`.
    struct Backups: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Methods for managing backups.",
            subcommands: [List.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "List all backups (including ones in progress) and the host on which the backup operation is running."
            )
            @OptionGroup var config: ConfigOptions

            func run() async throws {
                let backups = try await Manage.withStore(config) { store, _ in
                    var all: [Backup] = []
                    var marker: String?
                    while true {
                        let page = try await store.listBackups(
                            ListQuery(
                                scope: .allProjects,
                                sort: [SortKey("created_at", .asc), SortKey("id", .asc)],
                                marker: marker,
                                limit: 1000
                            )
                        )
                        all += page.items
                        guard page.items.count == 1000, let last = page.items.last else { break }
                        marker = last.id
                    }
                    return all
                }
                print(Self.table(backups), terminator: "")
            }

            static func table(_ backups: [Backup]) -> String {
                let widths = [32, 32, 32, 24, 24, 12, 12, 12, 12]
                func row(_ cells: [String]) -> String {
                    zip(cells, widths).map { Manage.pad($0, $1) }.joined(separator: "\t")
                }
                var lines = [
                    row(["ID", "User ID", "Project ID", "Host", "Name", "Container", "Status", "Size", "Object Count"])
                ]
                for backup in backups {
                    lines.append(
                        row([
                            backup.id, backup.userID ?? "None", backup.projectID ?? "None", backup.host ?? "None",
                            backup.displayName ?? "None", backup.container ?? "None", backup.status.rawValue,
                            String(backup.size ?? 0), String(backup.objectCount ?? 0),
                        ])
                    )
                }
                return lines.joined(separator: "\n") + "\n"
            }
        }
    }

    // MARK: - db purge, db online_data_migrations

    /// `db purge AGE_IN_DAYS`: removes rows soft-deleted more than that many days ago.
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Purge deleted rows older than a given age from the tables."
        )
        @OptionGroup var config: ConfigOptions
        @Argument(help: "Purge deleted rows older than age in days") var ageInDays: Int

        func run() async throws {
            if ageInDays < 0 {
                print("Must supply a positive value for age")
                throw Manage.exit(1)
            }
            if Double(ageInDays) >= Date().timeIntervalSince1970 / 86_400 {
                print("Maximum age is count of days since epoch.")
                throw Manage.exit(1)
            }
            let cutoff = Date().addingTimeInterval(-Double(ageInDays) * 86_400)
            do {
                _ = try await Manage.withStore(config) { store, _ in
                    try await store.purgeDeletedRows(before: cutoff)
                }
            } catch let error as StoreError {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                print("Purge command failed, check cinder-manage logs for more details.")
                throw Manage.exit(1)
            }
        }
    }

    /// `db online_data_migrations [--max_count N]`: cinder 29.0.0's one online migration
    /// (`remove_temporary_admin_metadata_data_migration`), in batches, with its summary table.
    struct OnlineDataMigrations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "online_data_migrations",
            abstract: "Perform online data migrations for the release in batches."
        )
        @OptionGroup var config: ConfigOptions
        @Option(
            name: .customLong("max_count"),
            help: ArgumentHelp("Maximum number of objects to consider.", valueName: "number")
        )
        var maxCount: Int?

        static let migration = "remove_temporary_admin_metadata_data_migration"

        func run() async throws {
            var limit = 50
            let unlimited = maxCount == nil
            if let maxCount {
                guard maxCount >= 1 else {
                    print("Must supply a positive value for max_count.")
                    throw Manage.exit(127)
                }
                limit = maxCount
            } else {
                print("Running batches of \(limit) until complete.")
            }
            let batch = limit
            let (found, done, lastRan) = try await Manage.withStore(config) { store, _ in
                var found = 0
                var done = 0
                var ran = 0
                repeat {
                    let result = try await store.removeTemporaryAdminMetadata(maxCount: batch)
                    if result.found > 0 {
                        print("\(result.found) rows matched query \(Self.migration), \(result.done) migrated")
                    }
                    found = max(found, result.found)
                    done += result.done
                    ran = result.done
                } while unlimited && ran != 0
                return (found, done, ran)
            }
            print(Self.table([(Self.migration, found, done)]), terminator: "")
            if lastRan > 0 { throw Manage.exit(1) }
        }

        /// `tabulate(rows, headers, tablefmt='psql')`: text left, numbers right.
        static func table(_ rows: [(String, Int, Int)]) -> String {
            let headers = ["Migration", "Total Needed", "Completed"]
            let cells = rows.map { [$0.0, String($0.1), String($0.2)] }
            // tabulate's minimum padding: every column is at least its header plus 2 wide.
            let widths = (0..<3).map { column in
                ([headers[column].count + 2] + cells.map { $0[column].count }).max() ?? 0
            }
            func line(_ left: String, _ fill: String, _ middle: String, _ right: String) -> String {
                left + widths.map { String(repeating: fill, count: $0 + 2) }.joined(separator: middle) + right
            }
            func row(_ values: [String]) -> String {
                let padded = values.enumerated().map { column, value in
                    let gap = String(repeating: " ", count: widths[column] - value.count)
                    return column == 0 ? value + gap : gap + value
                }
                return "| " + padded.joined(separator: " | ") + " |"
            }
            var lines = [line("+", "-", "+", "+"), row(headers), line("|", "-", "+", "|")]
            lines += cells.map(row)
            lines.append(line("+", "-", "+", "+"))
            return lines.joined(separator: "\n") + "\n"
        }
    }

    // MARK: - quota

    /// `ember manage quota check|sync [--project-id ID]`.
    struct Quota: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "quota",
            abstract: "Class for managing quota issues.",
            subcommands: [Check.self, Sync.self]
        )

        struct Check: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check if quotas and reservations are correct."
            )
            @OptionGroup var config: ConfigOptions
            @Option(
                name: .customLong("project-id"),
                help: "The ID of the project where we want to check the quotas (defaults to all projects)."
            )
            var projectID: String?

            func run() async throws {
                try await Quota.run(config, projectID: projectID, fix: false)
            }
        }

        struct Sync: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Fix quotas and reservations.")
            @OptionGroup var config: ConfigOptions
            @Option(
                name: .customLong("project-id"),
                help: "The ID of the project where we want to sync the quotas (defaults to all projects)."
            )
            var projectID: String?

            func run() async throws {
                try await Quota.run(config, projectID: projectID, fix: true)
            }
        }

        /// cinder's `_check_sync`. Its discrepancy flag starts false and is and-ed with each
        /// project's, so `check` exits 0 whatever it finds; Ember keeps that exit code.
        static func run(_ config: ConfigOptions, projectID: String?, fix: Bool) async throws {
            let checks = try await Manage.withStore(config) { store, _ in
                try await store.checkQuotaUsage(projectID: projectID, fix: fix)
            }
            print(report(checks, projectID: projectID, fix: fix), terminator: "")
        }

        static func report(_ checks: [QuotaProjectCheck]?, projectID: String?, fix: Bool) -> String {
            var lines: [String] = []
            if let checks {
                for check in checks {
                    lines.append("Processing quota usage for project \(check.projectID)")
                    for found in check.discrepancies {
                        lines.append(
                            "\t\(found.resource): invalid \(found.field) saved=\(found.saved) actual=\(found.actual)\(fix ? " - fixed" : "")"
                        )
                    }
                }
            } else {
                lines.append("Project id \(projectID ?? "") has no quota usage. Nothing to do.")
            }
            lines.append("Action successfully completed")
            return lines.joined(separator: "\n") + "\n"
        }
    }

    // MARK: - config, version

    /// `ember manage config list [PARAM]`: `[DEFAULT]` options as `name = value`.
    struct Config: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config",
            abstract: "Class for exposing the flags defined by flag_file(s).",
            subcommands: [List.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List parameters configured, or the one named."
            )
            @OptionGroup var config: ConfigOptions
            @Argument(help: "Configuration parameter to display (default: None)") var param: String?

            func run() async throws {
                let files = try config.load().files
                let param = self.param?.trimmingWhitespace()
                let options = OptionCatalog.all.filter { $0.section == "DEFAULT" }
                if let param, !param.isEmpty {
                    guard let option = options.first(where: { $0.name == param }) else {
                        FileHandle.standardError.write(Data("no such option \(param) in group [DEFAULT]\n".utf8))
                        throw Manage.exit(1)
                    }
                    print("\(param) = \(Self.value(option, files))")
                    return
                }
                for option in options {
                    print("\(option.name) = \(Self.value(option, files))")
                }
            }

            /// The value in effect (secrets masked), the default, or `None`.
            static func value(_ option: ConfigOption, _ files: ConfigFiles) -> String {
                let value: String
                if let (raw, _) = files.lookup("DEFAULT", option.name) {
                    value = files.interpolate(raw, section: "DEFAULT")
                } else {
                    value = option.defaultValue ?? "None"
                }
                return option.secret ? ConfigCommand.mask(value) : value
            }
        }
    }

    /// `ember manage version [list]`.
    struct VersionCommands: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "version",
            abstract: "Class for exposing the codebase version.",
            subcommands: [List.self],
            defaultSubcommand: List.self
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print the version.")
            // Accepted as by every cinder-manage command; the version needs no configuration.
            @OptionGroup var config: ConfigOptions

            func run() async throws {
                print(EmberVersion.string)
            }
        }
    }
}

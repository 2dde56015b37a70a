import ArgumentParser
import EmberCore
import EmberService
import EmberWSGI
import Logging

/// `ember`: the Block Storage service. With no subcommand it runs `ember all`.
@main
struct EmberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ember",
        abstract: "A Cinder-compatible block-storage service.",
        version: EmberVersion.string,
        subcommands: [
            All.self, API.self, SchedulerCommand.self, VolumeCommand.self, BackupCommand.self, Manage.self,
            ConfigCommand.self, StatusCommand.self,
        ],
        defaultSubcommand: All.self
    )
}

enum EmberVersion {
    static let string = "0.1.0 (Block Storage API 3.0-\(APIVersionRequest.maximum))"
}

/// A command that runs one process role: it reads `--config-file`/`--config-dir` and hands
/// the role to ``ServiceRunner``.
protocol RoleCommand: AsyncParsableCommand {
    static var role: Role { get }
    var config: ConfigOptions { get }
}

extension RoleCommand {
    func run() async throws {
        try await ServiceRunner(options: config, role: Self.role).run()
    }
}

/// `ember all`: every service in one process (the embedded mode).
struct All: RoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run the API and its services in one process (the embedded default)."
    )
    static let role = Role.all
    @OptionGroup var config: ConfigOptions
}

/// `ember api`: the REST API only (`cinder-api`).
struct API: RoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Run the Block Storage REST API (cinder-api)."
    )
    static let role = Role.api
    @OptionGroup var config: ConfigOptions
}

/// `ember scheduler`: the scheduler only (`cinder-scheduler`).
struct SchedulerCommand: RoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Run the Block Storage scheduler (cinder-scheduler)."
    )
    static let role = Role.scheduler
    @OptionGroup var config: ConfigOptions
}

/// `ember volume`: the volume backends of `enabled_backends` (`cinder-volume`).
struct VolumeCommand: RoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "volume",
        abstract: "Run the Block Storage volume service for the enabled backends (cinder-volume)."
    )
    static let role = Role.volume
    @OptionGroup var config: ConfigOptions
}

/// `ember backup`: the backup service (`cinder-backup`), POSIX chunked driver.
struct BackupCommand: RoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Run the Block Storage backup service (cinder-backup)."
    )
    static let role = Role.backup
    @OptionGroup var config: ConfigOptions
}

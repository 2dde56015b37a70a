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
        subcommands: [All.self, API.self, SchedulerCommand.self, VolumeCommand.self, Manage.self],
        defaultSubcommand: All.self
    )
}

enum EmberVersion {
    static let string = "0.1.0 (Block Storage API 3.0-\(APIVersionRequest.maximum))"
}

/// `ember all`: every service in one process (the embedded mode).
struct All: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run the API and its services in one process (the embedded default)."
    )

    @OptionGroup var config: ConfigOptions

    func run() async throws {
        try await ServiceRunner(options: config, role: .all).run()
    }
}

/// `ember api`: the REST API only (`cinder-api`).
struct API: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Run the Block Storage REST API (cinder-api)."
    )

    @OptionGroup var config: ConfigOptions

    func run() async throws {
        try await ServiceRunner(options: config, role: .api).run()
    }
}

/// `ember scheduler`: the scheduler only (`cinder-scheduler`).
struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Run the Block Storage scheduler (cinder-scheduler)."
    )

    @OptionGroup var config: ConfigOptions

    func run() async throws {
        try await ServiceRunner(options: config, role: .scheduler).run()
    }
}

/// `ember volume`: the volume backends of `enabled_backends` (`cinder-volume`).
struct VolumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "volume",
        abstract: "Run the Block Storage volume service for the enabled backends (cinder-volume)."
    )

    @OptionGroup var config: ConfigOptions

    func run() async throws {
        try await ServiceRunner(options: config, role: .volume).run()
    }
}

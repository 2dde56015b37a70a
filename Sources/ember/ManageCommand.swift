import ArgumentParser
import EmberCore
import EmberStore
import Logging

/// `ember manage …`: administrative commands, as `cinder-manage` offers them.
struct Manage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manage",
        abstract: "Administrative commands (cinder-manage).",
        subcommands: [
            Database.self, Services.self, Hosts.self, Volumes.self, Backups.self, Clusters.self, Quota.self,
            Config.self, VersionCommands.self,
        ]
    )

    /// `ember manage db …`.
    struct Database: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "db",
            abstract: "Database schema commands.",
            subcommands: [Sync.self, Version.self, Purge.self, OnlineDataMigrations.self]
        )
    }

    /// `ember manage db sync [VERSION]`: applies pending migrations (safe to repeat).
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or upgrade the database schema ([database] connection)."
        )

        @OptionGroup var config: ConfigOptions

        @Argument(help: "Schema version to migrate to (default: the latest).")
        var version: Int?

        func run() async throws {
            let database = try Manage.databaseConfiguration(config)
            let target = version
            if let target, target < 0 || target > EmberDatabase.latestVersion {
                throw ValidationError("Version must be between 0 and \(EmberDatabase.latestVersion).")
            }
            let logger = Logger(label: "ember.manage")
            let (before, applied, after) = try await EmberDatabase.withDatabase(
                configuration: database,
                logger: logger
            ) { db in
                let before = try await db.currentVersion()
                if let target, target < before {
                    throw ValidationError("Database is at version \(before); downgrades are not supported.")
                }
                let applied = try await db.migrate(to: target)
                return (before, applied, try await db.currentVersion())
            }
            if applied.isEmpty {
                print("Database already at version \(after); nothing to do.")
            } else {
                print("Migrated database from version \(before) to \(after).")
            }
        }
    }

    /// `ember manage db version`: prints the schema version recorded in the database.
    struct Version: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the database schema version.")

        @OptionGroup var config: ConfigOptions

        func run() async throws {
            let database = try Manage.databaseConfiguration(config)
            let version = try await EmberDatabase.withDatabase(
                configuration: database,
                logger: Logger(label: "ember.manage")
            ) { db in
                try await db.currentVersion()
            }
            print(version)
        }
    }

    static func databaseConfiguration(_ options: ConfigOptions) throws -> DatabaseConfiguration {
        let configuration = try options.load()
        return try DatabaseConfiguration(files: configuration.files, statePath: configuration.statePath)
    }
}

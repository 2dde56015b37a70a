import Foundation

/// One schema change. Versions start at 1 and never change once released.
struct Migration: Sendable {
    var version: Int
    var name: String
    var statements: @Sendable (SQLDialect) -> [String]

    /// Every migration, in order.
    static let all: [Migration] = [
        Migration(version: 1, name: "initial cinder schema") { dialect in
            EmberSchema.initialTables.flatMap { $0.createStatements(dialect) }
        },
        Migration(version: 2, name: "keyset pagination indexes") { _ in
            EmberSchema.paginationIndexes.map { $0.index.render(table: $0.table) }
        },
        Migration(version: 3, name: "backup metadata") { dialect in
            EmberSchema.backupMetadata.createStatements(dialect)
        },
        Migration(version: 4, name: "default volume types per project") { dialect in
            EmberSchema.defaultVolumeTypes.createStatements(dialect)
        },
        Migration(version: 5, name: "generic volume groups") { dialect in
            EmberSchema.groupTables.flatMap { $0.createStatements(dialect) }
                + EmberSchema.defaultCGSnapshotTypeStatements(
                    id: UUID().uuidString.lowercased(),
                    now: SQLTimestamp.format(Date())
                )
        },
        Migration(version: 6, name: "volume type encryption") { dialect in
            EmberSchema.encryption.createStatements(dialect)
        },
        Migration(version: 7, name: "clusters and workers") { dialect in
            EmberSchema.clusters.createStatements(dialect) + EmberSchema.workers.createStatements(dialect)
        },
    ]

    static var latestVersion: Int { all.last?.version ?? 0 }
}

/// Applies migrations and records them, as `cinder-manage db sync` does.
///
/// The version lives in a `migrate_version` table (sqlalchemy-migrate's layout:
/// `repository_id`, `repository_path`, `version`), and each applied migration is also listed
/// in `ember_migration_history`. Each migration runs in its own transaction together with its
/// version bump; concurrent `sync` calls serialise (an advisory lock on PostgreSQL, `BEGIN
/// IMMEDIATE` on SQLite), so running `sync` twice, or from two processes, is safe.
struct Migrator: Sendable {
    static let repositoryID = "ember"
    let driver: any SQLDriver

    /// The recorded schema version; 0 for an empty database.
    func currentVersion() async throws -> Int {
        try await driver.read { executor in
            try await Self.readVersion(executor)
        }
    }

    private static func readVersion(_ executor: any SQLExecutor) async throws -> Int {
        let exists: SQL =
            switch executor.dialect {
            case .sqlite: "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'migrate_version'"
            case .postgresql:
                "SELECT COUNT(*) AS n FROM pg_tables WHERE tablename = 'migrate_version' AND schemaname = current_schema()"
            }
        guard let row = try await executor.first(exists), try row["n"] as Int > 0 else { return 0 }
        let version = try await executor.first(
            "SELECT version FROM migrate_version WHERE repository_id = \(Migrator.repositoryID)"
        )
        return try version?["version"] ?? 0
    }

    /// Applies every migration above the current version, up to `target` (default: the latest).
    /// Returns the versions applied.
    @discardableResult
    func sync(to target: Int? = nil) async throws -> [Int] {
        let target = target ?? Migration.latestVersion
        var applied: [Int] = []
        for migration in Migration.all where migration.version <= target {
            let didApply = try await driver.write { executor in
                let dialect = executor.dialect
                if dialect == .postgresql {
                    try await executor.execute("SELECT pg_advisory_xact_lock(4245766978)")
                }
                try await executor.execute(
                    """
                    CREATE TABLE IF NOT EXISTS migrate_version (
                        repository_id VARCHAR(250) PRIMARY KEY,
                        repository_path TEXT,
                        version INTEGER NOT NULL)
                    """
                )
                try await executor.execute(
                    """
                    CREATE TABLE IF NOT EXISTS ember_migration_history (
                        version INTEGER PRIMARY KEY,
                        name VARCHAR(255) NOT NULL,
                        applied_at \(raw: ColumnType.timestamp.render(dialect)) NOT NULL)
                    """
                )
                let current = try await Self.readVersion(executor)
                guard current < migration.version else { return false }
                for statement in migration.statements(dialect) {
                    try await executor.execute(SQL.raw(statement))
                }
                if current == 0 {
                    try await executor.execute(
                        """
                        INSERT INTO migrate_version (repository_id, repository_path, version)
                        VALUES (\(Migrator.repositoryID), \("EmberStore/Schema"), \(migration.version))
                        """
                    )
                } else {
                    try await executor.execute(
                        "UPDATE migrate_version SET version = \(migration.version) WHERE repository_id = \(Migrator.repositoryID)"
                    )
                }
                try await executor.execute(
                    """
                    INSERT INTO ember_migration_history (version, name, applied_at)
                    VALUES (\(migration.version), \(migration.name), \(SQLTimestamp.truncated(Date())))
                    """
                )
                return true
            }
            if didApply { applied.append(migration.version) }
        }
        return applied
    }
}

import EmberCore
import Foundation

/// `default_volume_types` (cinder's `project_default_volume_type_*` and
/// `get_all_projects_with_default_type`).
extension SQLStore {
    public func setProjectDefaultVolumeType(
        projectID: String,
        volumeTypeID: String
    ) async throws(StoreError) -> ProjectDefaultVolumeType {
        try await writing { executor in
            try await Self.requireVolumeType(volumeTypeID, executor: executor)
            let now = self.now()
            // One statement, so two concurrent setters of one project cannot both insert.
            let row = try await executor.first(
                """
                INSERT INTO default_volume_types (project_id, volume_type_id, created_at, deleted) \
                VALUES (\(projectID), \(volumeTypeID), \(now), FALSE) \
                ON CONFLICT (project_id) DO UPDATE SET volume_type_id = \(volumeTypeID), updated_at = \(now) \
                RETURNING *
                """
            )
            guard let row else { throw StoreError.internalError("INSERT returned no row") }
            return try Self.projectDefault(from: row)
        }
    }

    public func projectDefaultVolumeType(projectID: String) async throws(StoreError) -> ProjectDefaultVolumeType? {
        try await reading { executor in
            try await executor.first(
                "SELECT * FROM default_volume_types WHERE project_id = \(projectID) AND deleted = FALSE"
            ).map(Self.projectDefault(from:))
        }
    }

    public func listProjectDefaultVolumeTypes() async throws(StoreError) -> [ProjectDefaultVolumeType] {
        try await reading { executor in
            try await executor.query(
                "SELECT * FROM default_volume_types WHERE deleted = FALSE ORDER BY created_at, project_id"
            ).map(Self.projectDefault(from:))
        }
    }

    public func unsetProjectDefaultVolumeType(projectID: String) async throws(StoreError) {
        try await writing { executor in
            try await executor.execute("DELETE FROM default_volume_types WHERE project_id = \(projectID)")
        }
    }

    static func projectDefault(from row: SQLRow) throws(StoreError) -> ProjectDefaultVolumeType {
        ProjectDefaultVolumeType(
            projectID: try row["project_id"],
            volumeTypeID: try row["volume_type_id"] ?? "",
            createdAt: try row["created_at"],
            updatedAt: try row["updated_at"]
        )
    }
}

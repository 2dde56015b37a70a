import EmberCore
import EmberTesting
import Foundation
import Testing

@testable import EmberStore

/// `ember manage cluster list|remove|rename` (cinder-manage's `ClusterCommands`): output as
/// cinder-manage 29.0.0 prints it (its `%-Ns` columns, `str()` of a naive UTC datetime),
/// exit status 0 also when a cluster cannot be removed or renamed, and what changed in the
/// database.
extension ManageCommandTests {
    /// `2026-12-06 10:33:36`: Python's `str()` of a datetime without microseconds.
    static func pythonSeconds(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    static func clusterOf(_ store: SQLStore, _ id: String) async throws -> String? {
        try await store.volume(id: id, scope: .allProjects).clusterName
    }

    @Test(arguments: TestBackend.all)
    func clusterListRemoveAndRename(_ backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let conf = try Self.configuration(database, directory)

            // Three clusters: one with an up and a down host, a disabled one whose only host is
            // down, and one without hosts. A service of `cl1@alphabet` is not in `cl1@alpha`.
            let recent = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let old = recent.addingTimeInterval(-7200)
            let alpha = try await store.ensureCluster(name: "cl1@alpha", binary: "cinder-volume")
            let beta = try await store.ensureCluster(name: "cl2@beta", binary: "cinder-volume")
            let empty = try await store.ensureCluster(name: "empty", binary: "cinder-volume")
            let other = try await store.ensureCluster(name: "cl1@alphabet", binary: "cinder-volume")
            for (host, cluster) in [
                ("h1@alpha", "cl1@alpha"), ("h2@alpha", "cl1@alpha"), ("h3@beta", "cl2@beta"),
                ("h4@alphabet", "cl1@alphabet"),
            ] {
                _ = try await store.createService(
                    ServiceRecord(host: host, binary: "cinder-volume", topic: "cinder-volume", clusterName: cluster)
                )
            }
            try await store.writing { executor in
                try await executor.execute("UPDATE services SET updated_at = \(recent) WHERE host <> 'h2@alpha'")
                try await executor.execute(
                    "UPDATE services SET updated_at = \(old) WHERE host IN ('h2@alpha', 'h3@beta')"
                )
                try await executor.execute(
                    "UPDATE clusters SET disabled = TRUE, updated_at = \(recent) WHERE id = \(beta.id)"
                )
            }

            // cluster list: cinder-manage's columns.
            let list = try await Self.ember(["manage", "cluster", "list"], conf)
            #expect(list.status == 0, "\(list.output)")
            let r = Self.pythonSeconds(recent)
            let o = Self.pythonSeconds(old)
            let lines = [
                "Name                                 Binary           Status     State Heartbeat            Hosts   Down Hosts   Updated At          ",
                "cl1@alpha                            cinder-volume    enabled    :-)   \(r)  2       1            None                ",
                "cl2@beta                             cinder-volume    disabled   XXX   \(o)  1       1            \(r) ",
                "empty                                cinder-volume    enabled    XXX   None                 0       0            None                ",
                "cl1@alphabet                         cinder-volume    enabled    :-)   \(r)  1       0            None                ",
            ]
            #expect(list.output == lines.joined(separator: "\n") + "\n")

            // cluster remove: missing (also under another binary) and still in use are
            // reported with exit status 0, as cinder-manage; nothing changes.
            let missing = try await Self.ember(["manage", "cluster", "remove", "cinder-volume", "nothere"], conf)
            #expect(missing.status == 0)
            #expect(missing.output == "Couldn't remove cluster nothere because it doesn't exist.\n")
            let otherBinary = try await Self.ember(
                ["manage", "cluster", "remove", "cinder-backup", "cl1@alpha"],
                conf
            )
            #expect(otherBinary.output == "Couldn't remove cluster cl1@alpha because it doesn't exist.\n")
            let inUse = try await Self.ember(["manage", "cluster", "remove", "cinder-volume", "cl1@alpha"], conf)
            #expect(inUse.status == 0)
            #expect(inUse.output == "Couldn't remove cluster cl1@alpha because it still has hosts.\n")
            #expect(try await store.listClusters(name: "cl1@alpha", binary: nil).map(\.id) == [alpha.id])

            // A cluster without hosts goes; its name can be used again (race_preventer = id).
            let removed = try await Self.ember(["manage", "cluster", "remove", "cinder-volume", "empty"], conf)
            #expect(removed.status == 0, "\(removed.output)")
            #expect(removed.output == "Cluster empty successfully removed.\n")
            #expect(try await store.listClusters(name: "empty", binary: nil).isEmpty)
            let again = try await store.ensureCluster(name: "empty", binary: "cinder-volume")
            #expect(again.id != empty.id)

            // --recursive: the services go with it; a bare host name finds `cl2@beta`.
            let recursive = try await Self.ember(
                ["manage", "cluster", "remove", "--recursive", "cinder-volume", "cl2"],
                conf
            )
            #expect(recursive.status == 0, "\(recursive.output)")
            #expect(
                recursive.output
                    == "Cluster cl2 successfully removed. And 1 services from the cluster were also removed.\n"
            )
            #expect(try await store.listClusters(name: "cl2@beta", binary: nil).isEmpty)
            let services = try await store.listServices(host: nil, binary: nil, topic: nil, disabled: nil)
            #expect(services.map(\.host).sorted() == ["h1@alpha", "h2@alpha", "h4@alphabet"])
            #expect(try await store.listClusters(name: "cl1@alphabet", binary: nil).map(\.id) == [other.id])

            // cluster rename: the volumes of the cluster, at the level its name gives.
            let type = try await store.createVolumeType(VolumeType(name: "c-\(backend)"))
            var created: [String: String] = [:]
            for (key, cluster) in [
                ("pool", "cl1@alpha#alpha"), ("pool2", "cl1@alpha#pool2"), ("prefix", "cl1x@alpha#alpha"),
                ("backend", "cl1@alpha"), ("alphabet", "cl1@alphabet#x"), ("none", nil), ("deleted", "cl1@alpha"),
            ] as [(String, String?)] {
                let volume = try await store.createVolume(
                    Volume(
                        userID: "u",
                        projectID: Self.project,
                        size: 1,
                        volumeTypeID: type.id,
                        status: .available,
                        host: "h1@alpha#alpha",
                        clusterName: cluster
                    )
                )
                created[key] = volume.id
            }
            let ids = created
            try await store.deleteVolume(id: try #require(ids["deleted"]))
            func clusters() async throws -> [String: String?] {
                var result: [String: String?] = [:]
                for (key, id) in ids where key != "deleted" { result[key] = try await Self.clusterOf(store, id) }
                return result
            }

            // Partial: the backend keeps its pools; `cl1x@…` and `cl1@alphabet#…` are others.
            let partial = try await Self.ember(["manage", "cluster", "rename", "cl1@alpha", "cl9@alpha"], conf)
            #expect(partial.status == 0, "\(partial.output)")
            #expect(
                partial.output
                    == "Successfully renamed 3 volumes and 0 consistency groups from cluster cl1@alpha to cl9@alpha\n"
            )
            #expect(
                try await clusters() == [
                    "pool": "cl9@alpha#alpha", "pool2": "cl9@alpha#pool2", "prefix": "cl1x@alpha#alpha",
                    "backend": "cl9@alpha", "alphabet": "cl1@alphabet#x", "none": nil,
                ]
            )
            let deletedID = try #require(ids["deleted"])
            let deleted: String? = try await store.reading { executor in
                try await executor.first("SELECT cluster_name FROM volumes WHERE id = \(deletedID)")?["cluster_name"]
            }
            #expect(deleted == "cl1@alpha", "a deleted volume keeps its cluster")
            // Partial at host level replaces every occurrence of the name (SQL REPLACE, as cinder).
            let host = try await Self.ember(["manage", "cluster", "rename", "cl1", "a"], conf)
            #expect(host.output == "Successfully renamed 1 volumes and 0 consistency groups from cluster cl1 to a\n")
            #expect(try await Self.clusterOf(store, ids["alphabet", default: ""]) == "a@alphabet#x")
            // Full: the whole name is replaced.
            let full = try await Self.ember(["manage", "cluster", "rename", "--full-rename", "cl9", "zz"], conf)
            #expect(full.output == "Successfully renamed 3 volumes and 0 consistency groups from cluster cl9 to zz\n")
            #expect(try await Self.clusterOf(store, ids["pool2", default: ""]) == "zz")
            #expect(try await Self.clusterOf(store, ids["prefix", default: ""]) == "cl1x@alpha#alpha")
            // A backend name: itself and its pools.
            let pool = try await Self.ember(["manage", "cluster", "rename", "cl1x@alpha", "q@alpha"], conf)
            #expect(pool.output.hasPrefix("Successfully renamed 1 volumes"))
            #expect(try await Self.clusterOf(store, ids["prefix", default: ""]) == "q@alpha#alpha")
            // Nothing in the cluster: reported, exit status 0.
            let nothing = try await Self.ember(["manage", "cluster", "rename", "nothere", "x"], conf)
            #expect(nothing.status == 0)
            #expect(nothing.output == "No volumes or consistency groups exist in cluster nothere.\n")
            // An empty current name takes every live volume; an empty new name clears them.
            let all = try await Self.ember(["manage", "cluster", "rename", "", "one"], conf)
            #expect(all.output == "Successfully renamed 6 volumes and 0 consistency groups from cluster None to one\n")
            #expect(Set(try await clusters().values) == ["one"])
            let cleared = try await Self.ember(["manage", "cluster", "rename", "one", ""], conf)
            #expect(
                cleared.output == "Successfully renamed 6 volumes and 0 consistency groups from cluster one to None\n"
            )
            #expect(Set(try await clusters().values) == [nil])

            // The clusters and services rows are not renamed (as cinder).
            #expect(try await store.listClusters(name: "cl1@alpha", binary: nil).count == 1)
            #expect(
                try await store.service(host: "h1@alpha", binary: "cinder-volume").clusterName == "cl1@alpha"
            )
        }
    }
}

import ArgumentParser
import EmberCore
import EmberStore
import EmberVolume
import Foundation

extension Manage {
    /// `ember manage cluster list|remove|rename` (cinder-manage's `ClusterCommands`). As
    /// cinder-manage, whose `main` drops a command's return value, a cluster that cannot be
    /// removed or renamed is reported on standard output and the exit status is 0.
    struct Clusters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cluster",
            abstract: "Methods for managing clusters.",
            subcommands: [List.self, Remove.self, Rename.self]
        )

        /// `cluster list`: every cluster with its services summary, as cinder-manage's table.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show a list of all clusters.")
            @OptionGroup var config: ConfigOptions

            func run() async throws {
                let output = try await Manage.withStore(config) { store, configuration in
                    let downTime = try VolumeServiceConfiguration(files: configuration.files).serviceDownTime
                    let clusters = try await store.listClusters(name: nil, binary: nil)
                    let services = try await store.listServices(host: nil, binary: nil, topic: nil, disabled: nil)
                    return Self.table(clusters, services: services, downTime: downTime, now: Date())
                }
                print(output, terminator: "")
            }

            static let widths = [36, 16, 10, 5, 20, 7, 12, 20]

            static func row(_ cells: [String]) -> String {
                zip(cells, widths).map { Manage.pad($0, $1) }.joined(separator: " ")
            }

            /// cinder's `services_summary`: the cluster's live services (same `cluster_name`),
            /// those whose last report is older than `service_down_time`, and the newest report
            /// (the heartbeat; the cluster is up when it is within `service_down_time`).
            static func table(
                _ clusters: [ClusterRecord],
                services: [ServiceRecord],
                downTime: Int,
                now: Date
            ) -> String {
                let expired = now.addingTimeInterval(-Double(downTime))
                var lines = [
                    row(["Name", "Binary", "Status", "State", "Heartbeat", "Hosts", "Down Hosts", "Updated At"])
                ]
                for cluster in clusters {
                    let members = services.filter { $0.clusterName == cluster.name }
                    let reports = members.compactMap(\.updatedAt)
                    let heartbeat = reports.max()
                    let up = heartbeat.map { $0 >= expired } ?? false
                    lines.append(
                        row([
                            cluster.name, cluster.binary, cluster.disabled ? "disabled" : "enabled",
                            up ? ":-)" : "XXX", Manage.pythonTime(heartbeat), String(members.count),
                            String(reports.filter { $0 < expired }.count), Manage.pythonTime(cluster.updatedAt),
                        ])
                    )
                }
                return lines.joined(separator: "\n") + "\n"
            }
        }

        /// `cluster remove [--recursive] BINARY CLUSTER_NAME`.
        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Completely removes a cluster.")
            @OptionGroup var config: ConfigOptions
            @Flag(help: "Delete associated hosts.") var recursive = false
            @Argument(help: "Service to delete from the cluster.") var binary: String
            @Argument(help: "Cluster to delete.") var clusterName: String

            func run() async throws {
                let binary = self.binary
                let name = clusterName
                let recursive = self.recursive
                let outcome = try await Manage.withStore(config) { store, _ in
                    try await store.removeCluster(name: name, binary: binary, recursive: recursive)
                }
                print(Self.message(outcome, recursive: recursive))
            }

            static func message(_ outcome: ClusterRemoval, recursive: Bool) -> String {
                switch outcome {
                case .notFound(let name):
                    return "Couldn't remove cluster \(name) because it doesn't exist."
                case .hasHosts(let name):
                    return "Couldn't remove cluster \(name) because it still has hosts."
                case .removed(let name, let services):
                    let message = "Cluster \(name) successfully removed."
                    guard recursive else { return message }
                    return "\(message) And \(services) services from the cluster were also removed."
                }
            }
        }

        /// `cluster rename [--full-rename] CURRENT NEW`: the volumes of cluster `CURRENT` move to
        /// `NEW` (cinder renames volumes and consistency groups; Ember has no consistency
        /// groups, so their count is always 0). The clusters and services rows are not
        /// changed: a service takes its cluster from `[DEFAULT] cluster` when it starts.
        struct Rename: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Rename cluster name for Volumes and Consistency Groups.",
                discussion: """
                    Useful when you want to rename a cluster, particularly when the backend_name has \
                    been modified in a multi-backend config or we have moved from a single backend to \
                    multi-backend. An empty CURRENT takes every volume; an empty NEW clears their cluster.
                    """
            )
            @OptionGroup var config: ConfigOptions
            @Flag(
                name: .customLong("full-rename"),
                help: """
                    Do full cluster rename instead of just replacing provided current cluster name and \
                    preserving backend and/or pool info.
                    """
            )
            var fullRename = false
            @Argument(help: "Current cluster name.") var current: String
            @Argument(help: "New cluster name.") var new: String

            func run() async throws {
                // cinder-manage: empty strings mean None.
                let current = self.current.isEmpty ? nil : self.current
                let new = self.new.isEmpty ? nil : self.new
                let partial = !fullRename
                let volumes = try await Manage.withStore(config) { store, _ in
                    try await store.includeVolumesInCluster(new, partialRename: partial, clusterName: current)
                }
                if volumes > 0 {
                    print(
                        "Successfully renamed \(volumes) volumes and 0 consistency groups from cluster \(current ?? "None") to \(new ?? "None")"
                    )
                } else {
                    print("No volumes or consistency groups exist in cluster \(current ?? "None").")
                }
            }
        }
    }
}

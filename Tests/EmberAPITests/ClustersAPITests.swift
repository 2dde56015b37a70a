import EmberCore
import EmberStore
import EmberTesting
import EmberWSGI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// `/clusters` (3.7) as cinder 29.0.0's `api/v3/clusters.py` serves it: the view aggregated
/// from the services, the filters, enable and disable, and freeze by cluster (3.26).
@Suite struct ClustersAPITests {
    static let name = "c1@file"

    /// Cluster `c1@file` with two volume services: `a@file` (heartbeat now) and `b@file`
    /// (its heartbeat older than `service_down_time`, 2 s here).
    static func seed(_ api: VolumeAPI, clock: ManualClock) async throws {
        _ = try await api.store.ensureCluster(name: name, binary: "cinder-volume")
        let down = try await api.store.createService(
            ServiceRecord(host: "b@file", binary: "cinder-volume", topic: "cinder-volume", clusterName: name)
        )
        _ = try await api.store.recordHeartbeat(serviceID: down.id)
        clock.advance(by: .seconds(3))
        let up = try await api.store.createService(
            ServiceRecord(host: "a@file", binary: "cinder-volume", topic: "cinder-volume", clusterName: name)
        )
        _ = try await api.store.recordHeartbeat(serviceID: up.id)
    }

    @Test func listDetailAndShowAggregateTheServices() async throws {
        let clock = ManualClock()
        try await APIHarness.run(conf: "service_down_time = 2\n", clock: clock) { client, _, api in
            try await Self.seed(api, clock: clock)
            #expect(try await client.send(.get, "/clusters", version: "3.6").status == .notFound)
            let index = try await client.send(.get, "/clusters", version: "3.7")
            #expect(
                index.json
                    == [
                        "clusters": [
                            ["name": "c1@file", "binary": "cinder-volume", "state": "up", "status": "enabled"]
                        ]
                    ]
            )
            let detail = try await client.send(.get, "/clusters/detail", version: "3.7")
            let entry = try #require(detail.json?["clusters"]?.arrayValue.first)
            #expect(entry["num_hosts"] == 2)
            #expect(entry["num_down_hosts"] == 1)
            #expect(entry["disabled_reason"] == .null)
            #expect(entry["last_heartbeat"]?.stringValue?.isEmpty == false)
            #expect(entry["frozen"] == nil)
            #expect(
                entry.keys == [
                    "name", "binary", "state", "status", "num_hosts", "num_down_hosts", "last_heartbeat", "created_at",
                    "updated_at", "disabled_reason",
                ]
            )
            let replicated = try await client.send(.get, "/clusters/detail", version: "3.26")
            let withReplication = try #require(replicated.json?["clusters"]?.arrayValue.first)
            #expect(withReplication["replication_status"] == "not-capable")
            #expect(withReplication["frozen"] == false)
            #expect(withReplication["active_backend_id"] == .null)

            let shown = try await client.send(.get, "/clusters/c1", version: "3.7")
            #expect(shown.json?["cluster"]?["name"] == "c1@file")
            #expect(shown.json?["cluster"]?["num_hosts"] == 2)
            let missing = try await client.send(.get, "/clusters/nowhere", version: "3.7")
            #expect(missing.status == .notFound)
            #expect(
                missing.json?["itemNotFound"]?["message"]
                    == "Cluster {'binary': 'cinder-volume', 'name': 'nowhere'} could not be found."
            )

            // Every heartbeat ages past service_down_time: the cluster is down.
            clock.advance(by: .seconds(3))
            let down = try await client.send(.get, "/clusters/detail?is_up=false", version: "3.7")
            #expect(down.json?["clusters"]?.arrayValue.first?["state"] == "down")
            #expect(down.json?["clusters"]?.arrayValue.first?["num_down_hosts"] == 2)
        }
    }

    @Test(arguments: [
        ("name=c1", 1), ("name=c1@file", 1), ("name=c2", 0), ("binary=cinder-volume", 1), ("binary=cinder-backup", 0),
        ("is_up=true", 1), ("is_up=0", 0), ("disabled=false", 1), ("disabled=yes", 0), ("num_hosts=2", 1),
        ("num_hosts=3", 0), ("num_down_hosts=1", 1), ("num_down_hosts=0", 0),
    ])
    func filters(query: String, count: Int) async throws {
        let clock = ManualClock()
        try await APIHarness.run(conf: "service_down_time = 2\n", clock: clock) { client, _, api in
            try await Self.seed(api, clock: clock)
            let listed = try await client.send(.get, "/clusters?\(query)", version: "3.7")
            #expect(listed.status == .ok, "\(listed.text)")
            #expect(listed.json?["clusters"]?.arrayValue.count == count, "\(query)")
        }
    }

    @Test(arguments: [
        ("/clusters?bogus=1", "3.7", "Invalid input received: Invalid filter keys: bogus"),
        ("/clusters?frozen=true", "3.25", "Invalid input received: Invalid filter keys: frozen"),
        ("/clusters/detail?is_up=maybe", "3.7", "Value 'maybe' for 'is_up' is not a boolean."),
        ("/clusters?disabled=2", "3.7", "Value '2' for 'disabled' is not a boolean."),
    ])
    func badFilters(path: String, version: String, message: String) async throws {
        try await APIHarness.run { client, _, _ in
            let response = try await client.send(.get, path, version: version)
            #expect(response.status == .badRequest)
            #expect(response.json?["badRequest"]?["message"] == .string(message))
        }
    }

    @Test func disableThenEnable() async throws {
        let clock = ManualClock()
        try await APIHarness.run(conf: "service_down_time = 2\n", clock: clock) { client, _, api in
            try await Self.seed(api, clock: clock)
            let disabled = try await client.send(
                .put,
                "/clusters/disable",
                #"{"name": "c1@file", "disabled_reason": "  maintenance "}"#,
                version: "3.7"
            )
            #expect(
                disabled.json
                    == [
                        "cluster": [
                            "name": "c1@file", "binary": "cinder-volume", "state": "up", "status": "disabled",
                            "disabled_reason": "maintenance",
                        ]
                    ]
            )
            let row = try #require(try await api.store.listClusters(name: Self.name, binary: nil).first)
            #expect(row.disabled && row.disabledReason == "maintenance")
            let enabled = try await client.send(.put, "/clusters/enable", #"{"name": "c1@file"}"#, version: "3.26")
            #expect(enabled.json?["cluster"]?["status"] == "enabled")
            #expect(enabled.json?["cluster"]?["replication_status"] == "not-capable")
            #expect(enabled.json?["cluster"]?["disabled_reason"] == .null)
            let missing = try await client.send(.put, "/clusters/enable", #"{"name": "c9"}"#, version: "3.7")
            #expect(missing.status == .notFound)
            let wrongBinary = try await client.send(
                .put,
                "/clusters/disable",
                #"{"name": "c1@file", "binary": "cinder-backup"}"#,
                version: "3.7"
            )
            #expect(wrongBinary.status == .notFound)
            let noName = try await client.send(
                .put,
                "/clusters/disable",
                #"{"binary": "cinder-volume"}"#,
                version: "3.7"
            )
            #expect(noName.json?["badRequest"]?["message"] == "'name' is a required property")
            #expect(try await api.store.listClusters(name: Self.name, binary: nil).first?.disabled == false)
        }
    }

    /// The call × role table: clusters are the admin's (`rule:admin_api`).
    @Test(arguments: [
        ("GET", "/clusters", "", 200), ("GET", "/clusters/detail", "", 200), ("GET", "/clusters/c1@file", "", 200),
        ("PUT", "/clusters/disable", #"{"name": "c1@file"}"#, 200),
        ("PUT", "/clusters/enable", #"{"name": "c1@file"}"#, 200),
    ])
    func roleTable(method: String, path: String, body: String, adminStatus: Int) async throws {
        for (role, headers) in Callers.roles {
            try await RoleClient.run { c in
                _ = try await c.api.store.ensureCluster(name: Self.name, binary: "cinder-volume")
                let response = try await c.send(
                    HTTPRequest.Method(method)!,
                    path,
                    body.isEmpty ? nil : body,
                    as: headers,
                    version: "3.7"
                )
                #expect(response.status.code == (role == "admin" ? adminStatus : 403), "\(role): \(response.text)")
                let row = try await c.api.store.listClusters(name: Self.name, binary: nil).first
                #expect(row?.disabled == (role == "admin" && path.hasSuffix("disable")))
            }
        }
    }

    /// Freeze by cluster (3.26): the cluster and all its services are frozen; a clustered
    /// volume then refuses deletion; the cast goes to the cluster's queue.
    @Test func freezeAndThawByCluster() async throws {
        let clock = ManualClock()
        try await APIHarness.run(conf: "service_down_time = 2\n", clock: clock) { client, recorder, api in
            try await Self.seed(api, clock: clock)
            let id = try await client.createVolume()
            _ = try await api.store.updateVolume(
                id: id,
                [.host("a@file#file"), .clusterName("c1@file#file"), .status(.available)]
            )
            let frozen = try await client.send(.put, "/os-services/freeze", #"{"cluster": "c1@file"}"#, version: "3.26")
            #expect(frozen.status == .ok, "\(frozen.text)")
            #expect(try await api.store.listClusters(name: Self.name, binary: nil).first?.frozen == true)
            let services = try await api.store.listServices(
                host: nil,
                binary: "cinder-volume",
                topic: nil,
                disabled: nil
            )
            #expect(services.allSatisfy { $0.frozen })
            #expect(recorder.casts.contains("freeze_host:c1@file"))
            let delete = try await client.send(.delete, "/volumes/\(id)")
            #expect(
                delete.json?["badRequest"]?["message"]
                    == "Invalid input received: Modification operations are not allowed on frozen storage backends."
            )
            let again = try await client.send(.put, "/os-services/freeze", #"{"host": "a@file"}"#, version: "3.26")
            #expect(
                again.json?["badRequest"]?["message"]
                    == "Invalid input received: frozen in c1@file must be False to failover."
            )
            let thawed = try await client.send(.put, "/os-services/thaw", #"{"host": "a@file"}"#, version: "3.26")
            #expect(thawed.status == .ok)
            #expect(try await api.store.listClusters(name: Self.name, binary: nil).first?.frozen == false)
            let after = try await api.store.listServices(host: nil, binary: "cinder-volume", topic: nil, disabled: nil)
            #expect(after.allSatisfy { !$0.frozen })
            let failover = try await client.send(
                .put,
                "/os-services/failover_host",
                #"{"cluster": "c1@file"}"#,
                version: "3.26"
            )
            #expect(
                failover.json?["badRequest"]?["message"]
                    == "Invalid input received: replication_status in c1@file must be ['enabled', 'failed-over'] and must be up to failover."
            )
        }
    }
}

/// `POST /workers/cleanup` (3.24) as cinder's `api/v3/workers.py` answers it.
@Suite struct WorkersAPITests {
    @Test func cleanupCallsTheSchedulerAndAnswersItsLists() async throws {
        try await APIHarness.run { client, recorder, api in
            #expect(try await client.send(.post, "/workers/cleanup", "{}", version: "3.23").status == .notFound)
            let response = try await client.send(.post, "/workers/cleanup", "{}", version: "3.24")
            #expect(response.status == .accepted)
            #expect(response.json == ["cleaning": [], "unavailable": []])
            #expect(recorder.casts == ["work_cleanup:-:-"])

            // A resource named alone: the API finds its service in `workers`.
            let service = try await api.store.createService(
                ServiceRecord(host: "gone@file", binary: "cinder-volume", topic: "cinder-volume")
            )
            let id = UUID().uuidString.lowercased()
            try await api.store.setWorker(
                resourceType: "Volume",
                resourceID: id,
                status: "creating",
                serviceID: service.id
            )
            let byResource = try await client.send(
                .post,
                "/workers/cleanup",
                #"{"resource_id": "\#(id)"}"#,
                version: "3.24"
            )
            #expect(byResource.status == .accepted)
            #expect(recorder.casts.last == "work_cleanup:\(service.id):Volume")

            let unknown = UUID().uuidString.lowercased()
            let none = try await client.send(
                .post,
                "/workers/cleanup",
                #"{"resource_id": "\#(unknown)"}"#,
                version: "3.24"
            )
            #expect(
                none.json?["badRequest"]?["message"]
                    == .string(
                        "Invalid input received: ('There is no resource with UUID %s pending cleanup.', '\(unknown)')"
                    )
            )
            let type = try await client.send(
                .post,
                "/workers/cleanup",
                #"{"resource_type": "backup"}"#,
                version: "3.24"
            )
            #expect(
                type.json?["badRequest"]?["message"]
                    == "Invalid input received: Resource type Backup not valid, must be Volume or Snapshot"
            )
        }
    }

    @Test func cleanupIsTheAdminsOnly() async throws {
        for (role, headers) in Callers.roles {
            try await RoleClient.run { c in
                let response = try await c.send(.post, "/workers/cleanup", "{}", as: headers, version: "3.24")
                #expect(response.status.code == (role == "admin" ? 202 : 403), "\(role): \(response.text)")
            }
        }
    }
}

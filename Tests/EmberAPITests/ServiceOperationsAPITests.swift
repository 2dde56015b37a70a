import EmberCore
import EmberStore
import EmberTesting
import EmberWSGI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import EmberVolume

/// `os-services` freeze, thaw, failover_host and the log levels (3.32), as cinder 29.0.0's
/// `api/v3/services.py` and `volume/api.py` answer them for a backend without replication.
@Suite struct ServiceOperationsAPITests {
    static let host = "node@alpha"

    static func register(_ api: VolumeAPI, host: String = host, binary: String = "cinder-volume") async throws {
        let service = try await api.store.createService(ServiceRecord(host: host, binary: binary, topic: binary))
        _ = try await api.store.recordHeartbeat(serviceID: service.id)
    }

    /// The call × role table: every route is the admin's (cinder's `rule:admin_api`); the
    /// others get 403 and change nothing.
    @Test(arguments: [
        ("freeze", #"{"host": "node@alpha"}"#, "3.0", 200),
        ("thaw", #"{"host": "node@alpha"}"#, "3.0", 400),
        ("failover_host", #"{"host": "node@alpha"}"#, "3.0", 400),
        ("set-log", #"{"binary": "cinder-volume", "level": "DEBUG", "prefix": "ember.role"}"#, "3.32", 202),
        ("get-log", #"{"binary": "cinder-volume"}"#, "3.32", 200),
    ])
    func roleTable(action: String, body: String, version: String, adminStatus: Int) async throws {
        for (role, headers) in Callers.roles {
            try await RoleClient.run { c in
                try await Self.register(c.api)
                let response = try await c.send(.put, "/os-services/\(action)", body, as: headers, version: version)
                let expected = role == "admin" ? adminStatus : 403
                #expect(response.status.code == expected, "\(role) \(action): \(response.text)")
                let service = try await c.api.store.service(host: Self.host, binary: "cinder-volume")
                #expect(service.frozen == (role == "admin" && action == "freeze"), "\(role) \(action)")
                #expect(service.replicationStatus == "not-capable")
            }
        }
    }

    @Test func freezeThenThawAsCinder() async throws {
        try await APIHarness.run { client, recorder, api in
            try await Self.register(api)
            let id = try await client.createVolume()
            _ = try await api.store.updateVolume(id: id, [.host("node@alpha#alpha"), .status(.available)])

            let frozen = try await client.send(.put, "/os-services/freeze", #"{"host": "node@alpha"}"#)
            #expect(frozen.status == .ok)
            #expect(frozen.text.isEmpty)
            #expect(frozen.headers[.contentType] == "application/json")
            #expect(try await api.store.service(host: Self.host, binary: "cinder-volume").frozen)
            #expect(recorder.casts.contains("freeze_host:node@alpha"))
            let listed = try await client.send(.get, "/os-services?binary=cinder-volume")
            #expect(listed.json?["services"]?.arrayValue.first?["frozen"] == true)

            // A frozen backend refuses what cinder's assert_not_frozen refuses.
            let refusal = "Invalid input received: Modification operations are not allowed on frozen storage backends."
            let delete = try await client.send(.delete, "/volumes/\(id)")
            #expect(delete.status == .badRequest)
            #expect(delete.json?["badRequest"]?["message"]?.stringValue == refusal)
            #expect(try await api.store.volume(id: id, scope: .allProjects).status == .available)
            let snapshot = try await client.send(.post, "/snapshots", #"{"snapshot": {"volume_id": "\#(id)"}}"#)
            #expect(snapshot.json?["badRequest"]?["message"]?.stringValue == refusal)

            let again = try await client.send(.put, "/os-services/freeze", #"{"host": "node@alpha"}"#)
            #expect(
                again.json?["badRequest"]?["message"]
                    == "Invalid input received: No service could be changed: frozen in ['node@alpha'] must be False to failover."
            )

            let thawed = try await client.send(.put, "/os-services/thaw", #"{"host": "node"}"#)
            #expect(thawed.status == .ok)
            #expect(try await api.store.service(host: Self.host, binary: "cinder-volume").frozen == false)
            #expect(recorder.casts.contains("thaw_host:node@alpha"))
            let thawAgain = try await client.send(.put, "/os-services/thaw", #"{"host": "node@alpha"}"#)
            #expect(
                thawAgain.json?["badRequest"]?["message"]
                    == "Invalid input received: No service could be changed: frozen in ['node@alpha'] must be True to failover."
            )
            #expect(try await client.send(.delete, "/volumes/\(id)").status == .accepted)
        }
    }

    @Test func failoverOfABackendWithoutReplication() async throws {
        try await APIHarness.run { client, recorder, api in
            try await Self.register(api)
            let refused = try await client.send(
                .put,
                "/os-services/failover_host",
                #"{"host": "node@alpha", "backend_id": "secondary"}"#
            )
            #expect(
                refused.json?["badRequest"]?["message"]
                    == "Invalid input received: No service could be changed: replication_status in ['node@alpha'] must be ['enabled', 'failed-over'] and must be up to failover."
            )
            #expect(!recorder.casts.contains { $0.hasPrefix("failover") })
            let service = try await api.store.service(host: Self.host, binary: "cinder-volume")
            #expect(service.replicationStatus == "not-capable")
            #expect(!service.disabled)

            // A replicating service (as a driver that reports it would be) fails over: the
            // status goes to failing-over and the backend is cast.
            _ = try await api.store.updateService(id: service.id, [.replicationStatus("enabled")])
            let accepted = try await client.send(.put, "/os-services/failover_host", #"{"host": "node@alpha"}"#)
            #expect(accepted.status == .accepted)
            #expect(
                try await api.store.service(host: Self.host, binary: "cinder-volume").replicationStatus
                    == "failing-over"
            )
            #expect(recorder.casts.contains("failover:node@alpha:None"))

            let unknown = try await client.send(.put, "/os-services/freeze", #"{"host": "nowhere"}"#)
            #expect(
                unknown.json?["badRequest"]?["message"] == "No service found with host=nowhere"
            )
        }
    }

    /// cinder's `get_cluster_host`: before 3.26 only `host`; from 3.26 exactly one of the two.
    @Test func hostOrClusterRules() async throws {
        try await APIHarness.run { client, _, api in
            try await Self.register(api)
            let legacy = try await client.send(.put, "/os-services/freeze", #"{"cluster": "c1"}"#)
            #expect(legacy.json?["badRequest"]?["message"] == "Invalid input received: Host field is missing.")
            let both = try await client.send(
                .put,
                "/os-services/freeze",
                #"{"cluster": "c1", "host": "node@alpha"}"#,
                version: "3.26"
            )
            #expect(
                both.json?["badRequest"]?["message"]
                    == "Invalid input received: One and only one of cluster and host must be set."
            )
            let neither = try await client.send(.put, "/os-services/thaw", "{}", version: "3.26")
            #expect(neither.status == .badRequest)
            let noCluster = try await client.send(.put, "/os-services/freeze", #"{"cluster": "c1"}"#, version: "3.26")
            #expect(
                noCluster.json?["badRequest"]?["message"] == "No service found with cluster=c1"
            )
        }
    }

    @Test func setAndGetLogLevels() async throws {
        // A logger of this process under a prefix no other test uses.
        LogLevels.register("ember.testlevels.api")
        try await APIHarness.run { client, recorder, api in
            try await Self.register(api)
            try await Self.register(api, host: "node", binary: "cinder-scheduler")
            #expect(try await client.send(.put, "/os-services/get-log", "{}").status == .notFound)
            #expect(
                try await client.send(.put, "/os-services/set-log", #"{"level": "DEBUG"}"#, version: "3.31").status
                    == .notFound
            )

            let set = try await client.send(
                .put,
                "/os-services/set-log",
                #"{"binary": "cinder-api", "prefix": "ember.testlevels", "level": "debug"}"#,
                version: "3.32"
            )
            #expect(set.status == .accepted)
            #expect(LogLevels.level(for: "ember.testlevels.api") == .debug)
            #expect(!recorder.casts.contains { $0.hasPrefix("set_log_levels") })

            let apiLevels = try await client.send(
                .put,
                "/os-services/get-log",
                #"{"binary": "cinder-api", "prefix": "ember.testlevels"}"#,
                version: "3.32"
            )
            #expect(
                apiLevels.json
                    == [
                        "log_levels": [
                            [
                                "host": .string(api.services.host), "binary": "cinder-api",
                                "levels": ["ember.testlevels.api": "DEBUG"],
                            ]
                        ]
                    ]
            )

            // Every binary: the API itself, then each service that is up, by its host.
            let all = try await client.send(
                .put,
                "/os-services/set-log",
                #"{"prefix": "ember.testlevels", "level": "WARNING"}"#,
                version: "3.32"
            )
            #expect(all.status == .accepted)
            #expect(LogLevels.level(for: "ember.testlevels.api") == .warning)
            #expect(recorder.casts.contains("set_log_levels:cinder-volume:node@alpha:ember.testlevels:WARNING"))
            #expect(recorder.casts.contains("set_log_levels:cinder-scheduler:node:ember.testlevels:WARNING"))

            let volumes = try await client.send(
                .put,
                "/os-services/get-log",
                #"{"binary": "cinder-volume", "server": "node@alpha"}"#,
                version: "3.32"
            )
            #expect(
                volumes.json
                    == [
                        "log_levels": [
                            [
                                "host": "node@alpha", "binary": "cinder-volume",
                                "levels": ["ember.volume.manager": "INFO"],
                            ]
                        ]
                    ]
            )
            let elsewhere = try await client.send(
                .put,
                "/os-services/get-log",
                #"{"server": "other-node"}"#,
                version: "3.32"
            )
            #expect(elsewhere.json == ["log_levels": []])

            let badLevel = try await client.send(
                .put,
                "/os-services/set-log",
                #"{"binary": "cinder-api", "level": "LOUD"}"#,
                version: "3.32"
            )
            #expect(
                badLevel.json?["badRequest"]?["message"] == "Invalid input received: LOUD is not a valid log level."
            )
            #expect(LogLevels.level(for: "ember.testlevels.api") == .warning)
        }
    }
}

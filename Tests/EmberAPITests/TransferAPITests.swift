import EmberCore
import EmberStore
import EmberWSGI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// Volume transfers through the paste pipeline (`/volume-transfers` and the legacy
/// `/os-volume-transfer`), with two projects of two members each, a reader in each and an
/// admin: who may do what, the volume's status, the auth key, the quota moved exactly, and
/// racing accepts.
@Suite struct TransferAPITests {
    static let projectA = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
    static let projectB = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"

    static func caller(_ user: String, project: String, roles: String, version: String = "3.71") -> HTTPFields {
        [
            .named("X-User-Id"): user, .named("X-Project-Id"): project, .named("X-Roles"): roles,
            .contentType: "application/json", .openStackAPIVersion: "volume \(version)",
        ]
    }

    static let alice = caller("alice", project: projectA, roles: "member,reader")
    static let amy = caller("amy", project: projectA, roles: "member,reader")
    static let ann = caller("ann", project: projectA, roles: "reader")
    static let bob = caller("bob", project: projectB, roles: "member,reader")
    static let bea = caller("bea", project: projectB, roles: "member,reader")
    static let betty = caller("betty", project: projectB, roles: "reader")
    static let admin = caller("root", project: "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3", roles: "admin,member,reader")

    static func at(_ headers: HTTPFields, _ version: String) -> HTTPFields {
        var headers = headers
        headers[.openStackAPIVersion] = "volume \(version)"
        return headers
    }

    static func send(
        _ client: any TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ path: String,
        as headers: HTTPFields,
        project: String,
        body: String? = nil
    ) async throws -> TestResponse {
        try await client.execute(
            uri: "/v3/\(project)\(path)",
            method: method,
            headers: headers,
            body: body.map { ByteBuffer(string: $0) }
        )
    }

    /// A volume of project A made by alice through the API, then `available` on a backend.
    static func volume(_ client: any TestClientProtocol, _ api: VolumeAPI, size: Int = 1) async throws -> String {
        let id = try await client.createVolume(
            #"{"volume": {"size": \#(size)}}"#,
            headers: alice,
            project: projectA
        )
        _ = try await api.store.updateVolume(id: id, [.status(.available), .host("node@alpha#alpha")])
        return id
    }

    static func offer(
        _ client: any TestClientProtocol,
        _ volumeID: String,
        as headers: HTTPFields = alice,
        route: String = "/volume-transfers",
        extra: String = ""
    ) async throws -> (id: String, key: String) {
        let response = try await send(
            client,
            .post,
            route,
            as: headers,
            project: projectA,
            body: #"{"transfer": {"volume_id": "\#(volumeID)", "name": " gift "\#(extra)}}"#
        )
        guard response.status == .accepted, let transfer = response.json?["transfer"],
            let id = transfer["id"]?.stringValue, let key = transfer["auth_key"]?.stringValue
        else { throw APITestError.unexpected(response.status.code, response.text) }
        return (id, key)
    }

    static func accept(
        _ client: any TestClientProtocol,
        _ transferID: String,
        key: String,
        as headers: HTTPFields,
        project: String = projectB,
        route: String = "/volume-transfers"
    ) async throws -> TestResponse {
        try await send(
            client,
            .post,
            "\(route)/\(transferID)/accept",
            as: headers,
            project: project,
            body: #"{"accept": {"auth_key": "\#(key)"}}"#
        )
    }

    @Test func aTransferMovesTheVolumeItsSnapshotsAndItsQuotaToTheAcceptingProject() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, recorder, api in
            let volumeID = try await Self.volume(client, api, size: 2)
            // A snapshot made through the API, so A's usage counts it as cinder's would.
            let snapped = try await Self.send(
                client,
                .post,
                "/snapshots",
                as: Self.alice,
                project: Self.projectA,
                body: #"{"snapshot": {"volume_id": "\#(volumeID)"}}"#
            )
            let snapshotID = try #require(snapped.json?["snapshot"]?["id"]?.stringValue)
            let snapshot = try await api.store.updateSnapshot(id: snapshotID, [.status(.available)])
            let usageBeforeA = try await api.store.quotaUsages(projectID: Self.projectA)

            let created = try await Self.send(
                client,
                .post,
                "/volume-transfers",
                as: Self.alice,
                project: Self.projectA,
                body: #"{"transfer": {"volume_id": "\#(volumeID)", "name": " gift "}}"#
            )
            #expect(created.status == .accepted)
            let transfer = try #require(created.json?["transfer"])
            let transferID = try #require(transfer["id"]?.stringValue)
            let key = try #require(transfer["auth_key"]?.stringValue)
            #expect(key.count == 16 && key.allSatisfy(\.isHexDigit))
            #expect(transfer["name"] == "gift")
            #expect(transfer["volume_id"] == .string(volumeID))
            #expect(transfer["no_snapshots"] == false)
            #expect(transfer["source_project_id"] == .string(Self.projectA))
            #expect(transfer["destination_project_id"] == .null)
            #expect(transfer["accepted"] == false)
            #expect(
                transfer["links"]?.arrayValue.first?["href"]
                    == .string("http://localhost/v3/\(Self.projectA)/os-volume-transfer/\(transferID)")
            )
            // Stored salted and hashed: the key is nowhere in the row.
            let row = try await api.store.transfer(id: transferID, scope: .allProjects)
            #expect(row.salt.count == 8)
            #expect(row.cryptHash == TransferKey.cryptHash(salt: row.salt, authKey: key))
            #expect(row.cryptHash != key && row.salt != key)
            #expect(try await api.store.volume(id: volumeID, scope: .allProjects).status == .awaitingTransfer)

            // The other member and the reader of A see it, without the key; B does not.
            for headers in [Self.amy, Self.ann] {
                let shown = try await Self.send(
                    client,
                    .get,
                    "/volume-transfers/\(transferID)",
                    as: headers,
                    project: Self.projectA
                )
                #expect(shown.status == .ok)
                #expect(shown.json?["transfer"]?["auth_key"] == nil)
                #expect(shown.json?["transfer"]?["created_at"]?.stringValue != nil)
            }
            let hidden = try await Self.send(
                client,
                .get,
                "/volume-transfers/\(transferID)",
                as: Self.bob,
                project: Self.projectB
            )
            #expect(hidden.status == .notFound)
            #expect(hidden.json?["itemNotFound"]?["message"] == .string("Transfer \(transferID) could not be found."))
            let listedB = try await Self.send(client, .get, "/volume-transfers", as: Self.bea, project: Self.projectB)
            #expect(listedB.json?["transfers"]?.arrayValue.isEmpty == true)

            // A wrong key is cinder's 400 and moves nothing.
            let wrong = try await Self.accept(client, transferID, key: "0000000000000000", as: Self.bob)
            #expect(wrong.status == .badRequest)
            #expect(
                wrong.json?["badRequest"]?["message"]
                    == .string("Invalid auth key: Attempt to transfer \(transferID) with invalid auth key.")
            )
            #expect(try await api.store.volume(id: volumeID, scope: .allProjects).projectID == Self.projectA)
            #expect(!recorder.casts.contains { $0.hasPrefix("accept_transfer") })

            let accepted = try await Self.accept(client, transferID, key: key, as: Self.bob)
            #expect(accepted.status == .accepted)
            #expect(accepted.json?["transfer"]?.keys.sorted() == ["id", "links", "name", "volume_id"])
            #expect(accepted.json?["transfer"]?["name"] == "gift")
            #expect(recorder.casts.contains("accept_transfer:\(volumeID):\(Self.projectB):false"))

            let moved = try await api.store.volume(id: volumeID, scope: .allProjects)
            #expect(moved.projectID == Self.projectB)
            #expect(moved.userID == "bob")
            #expect(moved.status == .available)
            #expect(try await api.store.snapshot(id: snapshot.id, scope: .allProjects).projectID == Self.projectB)
            // The other member of B sees the volume; A no longer does.
            let seen = try await Self.send(client, .get, "/volumes/\(volumeID)", as: Self.bea, project: Self.projectB)
            #expect(seen.status == .ok)
            let gone = try await Self.send(client, .get, "/volumes/\(volumeID)", as: Self.amy, project: Self.projectA)
            #expect(gone.status == .notFound)
            let transferGone = try await Self.send(
                client,
                .get,
                "/volume-transfers/\(transferID)",
                as: Self.alice,
                project: Self.projectA
            )
            #expect(transferGone.status == .notFound)

            // Quota moved exactly: 1 volume, 1 snapshot, 2 + 2 GiB, per type too.
            let usageA = try await api.store.quotaUsages(projectID: Self.projectA)
            let usageB = try await api.store.quotaUsages(projectID: Self.projectB)
            for (resource, moved) in [("volumes", 1), ("gigabytes", 4), ("snapshots", 1)] {
                #expect(usageA[resource]?.inUse == (usageBeforeA[resource]?.inUse ?? 0) - moved, "\(resource)")
                #expect(usageB[resource]?.inUse == moved, "\(resource)")
                #expect(usageA[resource]?.reserved == 0 && usageB[resource]?.reserved == 0)
            }
            #expect(usageB["volumes___DEFAULT__"]?.inUse == 1)
            #expect(usageB["gigabytes___DEFAULT__"]?.inUse == 4)
        }
    }

    /// Each call by each role: cinder's defaults are reader for show and list, member for
    /// create, accept and delete, and another project sees none of A's transfers (but may
    /// accept with the key).
    @Test func statusByCallAndRole() async throws {
        struct Row: Sendable {
            var call: String
            var caller: String
            var status: HTTPResponse.Status
        }
        let rows: [Row] = [
            Row(call: "create", caller: "member", status: .accepted),
            Row(call: "create", caller: "reader", status: .forbidden),
            Row(call: "create", caller: "other", status: .notFound),
            Row(call: "create", caller: "admin", status: .accepted),
            Row(call: "show", caller: "member", status: .ok),
            Row(call: "show", caller: "reader", status: .ok),
            Row(call: "show", caller: "other", status: .notFound),
            Row(call: "show", caller: "admin", status: .ok),
            Row(call: "index", caller: "reader", status: .ok),
            Row(call: "detail", caller: "other", status: .ok),
            Row(call: "accept", caller: "member", status: .accepted),
            Row(call: "accept", caller: "reader", status: .forbidden),
            Row(call: "accept", caller: "other", status: .accepted),
            Row(call: "accept", caller: "otherReader", status: .forbidden),
            Row(call: "accept", caller: "admin", status: .accepted),
            Row(call: "delete", caller: "member", status: .accepted),
            Row(call: "delete", caller: "reader", status: .forbidden),
            Row(call: "delete", caller: "other", status: .notFound),
            Row(call: "delete", caller: "admin", status: .accepted),
        ]
        let callers: [String: (HTTPFields, String)] = [
            "member": (Self.amy, Self.projectA), "reader": (Self.ann, Self.projectA),
            "other": (Self.bob, Self.projectB), "otherReader": (Self.betty, Self.projectB),
            "admin": (Self.admin, "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"),
        ]
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, api in
            // A volume per row: more than the default 10.
            try await api.store.setProjectQuota(projectID: Self.projectA, resource: "volumes", hardLimit: -1)
            for row in rows {
                let (headers, project) = try #require(callers[row.caller])
                let volumeID = try await Self.volume(client, api)
                var response: TestResponse
                var transfer: (id: String, key: String)?
                if row.call != "create" { transfer = try await Self.offer(client, volumeID) }
                switch row.call {
                case "create":
                    response = try await Self.send(
                        client,
                        .post,
                        "/volume-transfers",
                        as: headers,
                        project: project,
                        body: #"{"transfer": {"volume_id": "\#(volumeID)"}}"#
                    )
                case "show":
                    response = try await Self.send(
                        client,
                        .get,
                        "/volume-transfers/\(transfer!.id)",
                        as: headers,
                        project: project
                    )
                case "index", "detail":
                    let path = row.call == "index" ? "/volume-transfers" : "/volume-transfers/detail"
                    response = try await Self.send(client, .get, path, as: headers, project: project)
                    let ids = response.json?["transfers"]?.arrayValue.compactMap { $0["id"]?.stringValue } ?? []
                    #expect(ids.contains(transfer!.id) == (project == Self.projectA), "\(row.call) \(row.caller)")
                case "accept":
                    response = try await Self.accept(
                        client,
                        transfer!.id,
                        key: transfer!.key,
                        as: headers,
                        project: project
                    )
                default:
                    response = try await Self.send(
                        client,
                        .delete,
                        "/volume-transfers/\(transfer!.id)",
                        as: headers,
                        project: project
                    )
                }
                #expect(response.status == row.status, "\(row.call) by \(row.caller): \(response.text)")
                let volume = try await api.store.volume(id: volumeID, scope: .allProjects)
                switch (row.call, response.status) {
                case ("create", .accepted):
                    #expect(volume.status == .awaitingTransfer)
                case ("create", _):
                    #expect(volume.status == .available)
                case ("accept", .accepted):
                    #expect(volume.status == .available && volume.projectID == project)
                case ("delete", .accepted):
                    #expect(volume.status == .available && volume.projectID == Self.projectA)
                default:
                    #expect(volume.status == .awaitingTransfer && volume.projectID == Self.projectA)
                }
            }
        }
    }

    /// cinder's `create` checks: only an `available` volume, with `available` snapshots
    /// unless `no_snapshots` (3.55); deleting a volume offered for transfer is refused.
    @Test(arguments: [VolumeStatus.inUse, .creating, .error, .maintenance, .awaitingTransfer, .available])
    func createNeedsAnAvailableVolume(status: VolumeStatus) async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, api in
            let volumeID = try await Self.volume(client, api)
            _ = try await api.store.updateVolume(id: volumeID, [.status(status)])
            let response = try await Self.send(
                client,
                .post,
                "/volume-transfers",
                as: Self.alice,
                project: Self.projectA,
                body: #"{"transfer": {"volume_id": "\#(volumeID)"}}"#
            )
            if status == .available {
                #expect(response.status == .accepted)
                let refused = try await Self.send(
                    client,
                    .delete,
                    "/volumes/\(volumeID)",
                    as: Self.alice,
                    project: Self.projectA
                )
                #expect(refused.status == .badRequest)
                #expect(refused.json?["badRequest"]?["message"]?.stringValue?.contains("awaiting a transfer") == true)
            } else {
                #expect(response.status == .badRequest)
                #expect(response.json?["badRequest"]?["message"] == "Invalid volume: status must be available")
            }
            let current = try await api.store.volume(id: volumeID, scope: .allProjects).status
            #expect(current == (status == .available ? .awaitingTransfer : status))
        }
    }

    @Test func snapshotsMustBeAvailableUnlessLeftBehind() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, recorder, api in
            let volumeID = try await Self.volume(client, api)
            let typeID = try await api.store.volume(id: volumeID, scope: .allProjects).volumeTypeID
            let snapshot = try await api.store.createSnapshot(
                Snapshot(
                    volumeID: volumeID,
                    userID: "alice",
                    projectID: Self.projectA,
                    volumeSize: 1,
                    volumeTypeID: typeID,
                    status: .creating
                )
            )
            let refused = try await Self.send(
                client,
                .post,
                "/volume-transfers",
                as: Self.alice,
                project: Self.projectA,
                body: #"{"transfer": {"volume_id": "\#(volumeID)"}}"#
            )
            #expect(refused.status == .badRequest)
            #expect(
                refused.json?["badRequest"]?["message"]
                    == .string("Invalid snapshot: snapshot: \(snapshot.id) status must be available")
            )
            // `no_snapshots` is no field before 3.55.
            let early = try await Self.send(
                client,
                .post,
                "/volume-transfers",
                as: Self.at(Self.alice, "3.54"),
                project: Self.projectA,
                body: #"{"transfer": {"volume_id": "\#(volumeID)", "no_snapshots": true}}"#
            )
            #expect(early.status == .badRequest)
            let offer = try await Self.offer(client, volumeID, extra: #", "no_snapshots": true"#)
            let accepted = try await Self.accept(client, offer.id, key: offer.key, as: Self.bob)
            #expect(accepted.status == .accepted)
            #expect(recorder.casts.contains("accept_transfer:\(volumeID):\(Self.projectB):true"))
            #expect(try await api.store.volume(id: volumeID, scope: .allProjects).projectID == Self.projectB)
            #expect(try await api.store.snapshot(id: snapshot.id, scope: .allProjects).projectID == Self.projectA)
            // The snapshot's quota stays with A.
            #expect(try await api.store.quotaUsages(projectID: Self.projectB)["snapshots"] == nil)
        }
    }

    /// Over quota in the accepting project: cinder's 413, and nothing moves or stays reserved.
    @Test func acceptOverQuotaIs413AndMovesNothing() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, recorder, api in
            let volumeID = try await Self.volume(client, api, size: 3)
            let offer = try await Self.offer(client, volumeID)
            let cases: [(String, Int, String)] = [
                (
                    "volumes", 0,
                    "VolumeLimitExceeded: Maximum number of volumes allowed (0) exceeded for quota 'volumes'."
                ),
                (
                    "gigabytes", 2,
                    "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 3G, quota is 2G and 0G has been consumed."
                ),
                (
                    "per_volume_gigabytes", 2,
                    "VolumeSizeExceedsLimit: Requested volume size 3G is larger than maximum allowed limit 2G."
                ),
            ]
            for (resource, limit, message) in cases {
                try await api.store.setProjectQuota(projectID: Self.projectB, resource: resource, hardLimit: limit)
                let refused = try await Self.accept(client, offer.id, key: offer.key, as: Self.bob)
                #expect(refused.status == .contentTooLarge, "\(resource)")
                #expect(refused.json?["overLimit"]?["message"] == .string(message))
                #expect(refused.headers[.retryAfter] == "0")
                try await api.store.deleteProjectQuotas(projectID: Self.projectB)
            }
            let volume = try await api.store.volume(id: volumeID, scope: .allProjects)
            #expect(volume.projectID == Self.projectA && volume.status == .awaitingTransfer)
            #expect(!recorder.casts.contains { $0.hasPrefix("accept_transfer") })
            for project in [Self.projectA, Self.projectB] {
                for usage in try await api.store.quotaUsages(projectID: project).values {
                    #expect(usage.reserved == 0, "\(project) \(usage.resource)")
                }
            }
            #expect(try await api.store.quotaUsages(projectID: Self.projectA)["volumes"]?.inUse == 1)
            // With room again the same key works.
            #expect(try await Self.accept(client, offer.id, key: offer.key, as: Self.bob).status == .accepted)
        }
    }

    /// Two members of B and one of A accept at once: exactly one wins, the volume and its
    /// quota move once.
    @Test func concurrentAcceptsHaveExactlyOneWinner() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, api in
            for _ in 0..<3 {
                let volumeID = try await Self.volume(client, api, size: 2)
                let offer = try await Self.offer(client, volumeID)
                let racers: [(HTTPFields, String)] = [
                    (Self.bob, Self.projectB), (Self.bea, Self.projectB), (Self.amy, Self.projectA),
                    (Self.bob, Self.projectB),
                ]
                let before = try await api.store.quotaUsages(projectID: Self.projectB)["volumes"]?.inUse ?? 0
                let statuses = try await withThrowingTaskGroup(of: (String, HTTPResponse.Status).self) { group in
                    for (headers, project) in racers {
                        group.addTask {
                            let response = try await Self.accept(
                                client,
                                offer.id,
                                key: offer.key,
                                as: headers,
                                project: project
                            )
                            return (project, response.status)
                        }
                    }
                    var statuses: [(String, HTTPResponse.Status)] = []
                    for try await status in group { statuses.append(status) }
                    return statuses
                }
                let winners = statuses.filter { $0.1 == .accepted }
                #expect(winners.count == 1)
                #expect(statuses.allSatisfy { $0.1 == .accepted || $0.1 == .notFound || $0.1 == .badRequest })
                let volume = try await api.store.volume(id: volumeID, scope: .allProjects)
                #expect(volume.projectID == winners.first?.0)
                let after = try await api.store.quotaUsages(projectID: Self.projectB)["volumes"]?.inUse ?? 0
                #expect(after - before == (winners.first?.0 == Self.projectB ? 1 : 0))
            }
        }
    }

    @Test func deleteGivesTheVolumeBackAndTheKeyStopsWorking() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, api in
            let volumeID = try await Self.volume(client, api)
            let offer = try await Self.offer(client, volumeID, route: "/os-volume-transfer")
            let deleted = try await Self.send(
                client,
                .delete,
                "/os-volume-transfer/\(offer.id)",
                as: Self.amy,
                project: Self.projectA
            )
            #expect(deleted.status == .accepted)
            #expect(deleted.text.isEmpty)
            #expect(try await api.store.volume(id: volumeID, scope: .allProjects).status == .available)
            let late = try await Self.accept(client, offer.id, key: offer.key, as: Self.bob)
            #expect(late.status == .notFound)
            // The volume can be offered and deleted again.
            let again = try await Self.offer(client, volumeID)
            #expect(again.id != offer.id)
        }
    }

    /// What each microversion shows and takes, on both route families.
    @Test func microversionsAndTheLegacyRoutes() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, api in
            let volumeID = try await Self.volume(client, api)
            let offer = try await Self.offer(client, volumeID)
            func detail(_ route: String, _ version: String) async throws -> [String] {
                let response = try await Self.send(
                    client,
                    .get,
                    "\(route)/\(offer.id)",
                    as: Self.at(Self.alice, version),
                    project: Self.projectA
                )
                #expect(response.status == .ok)
                return response.json?["transfer"]?.keys.sorted() ?? []
            }
            let base = ["created_at", "id", "links", "name", "volume_id"]
            let history = ["accepted", "destination_project_id", "source_project_id"]
            for route in ["/volume-transfers", "/os-volume-transfer"] {
                #expect(try await detail(route, "3.0") == base)
                #expect(try await detail(route, "3.55") == (base + ["no_snapshots"]).sorted())
                #expect(try await detail(route, "3.57") == (base + ["no_snapshots"] + history).sorted())
            }
            let summary = try await Self.send(
                client,
                .get,
                "/os-volume-transfer",
                as: Self.alice,
                project: Self.projectA
            )
            #expect(
                summary.json?["transfers"]?.arrayValue.first?.keys.sorted() == ["id", "links", "name", "volume_id"]
            )
            // The legacy create never takes `no_snapshots`.
            let other = try await Self.volume(client, api)
            let legacy = try await Self.send(
                client,
                .post,
                "/os-volume-transfer",
                as: Self.alice,
                project: Self.projectA,
                body: #"{"transfer": {"volume_id": "\#(other)", "no_snapshots": true}}"#
            )
            #expect(legacy.status == .badRequest)
            let message = legacy.json?["badRequest"]?["message"]?.stringValue ?? ""
            #expect(message.hasSuffix("Additional properties are not allowed ('no_snapshots' was unexpected)"))
        }
    }

    /// From 3.59 the v3 list pages and sorts; before, and on the legacy route, every query
    /// parameter is a filter and one naming no column (`limit`) empties the list.
    @Test func paginationAndSortFrom359() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, api in
            var ids: [String] = []
            for _ in 0..<3 {
                let volumeID = try await Self.volume(client, api)
                ids.append(try await Self.offer(client, volumeID).id)
                try await Task.sleep(for: .milliseconds(5))
            }
            func list(_ route: String, _ version: String) async throws -> JSONValue? {
                try await Self.send(client, .get, route, as: Self.at(Self.alice, version), project: Self.projectA).json
            }
            let oldest = try await list("/volume-transfers?sort=created_at:asc&limit=2", "3.59")
            #expect(oldest?["transfers"]?.arrayValue.compactMap { $0["id"]?.stringValue } == Array(ids.prefix(2)))
            let next = oldest?["transfers_links"]?.arrayValue.first?["href"]?.stringValue ?? ""
            #expect(next.contains("/os-volume-transfer?"))
            #expect(next.contains("marker=\(ids[1])"))
            let newest = try await list("/volume-transfers/detail", "3.59")
            #expect(newest?["transfers"]?.arrayValue.compactMap { $0["id"]?.stringValue } == ids.reversed())
            let after = try await list("/volume-transfers?sort=created_at:asc&marker=\(ids[0])", "3.59")
            #expect(after?["transfers"]?.arrayValue.compactMap { $0["id"]?.stringValue } == Array(ids.dropFirst()))
            #expect(try await list("/volume-transfers?limit=1", "3.58")?["transfers"]?.arrayValue.isEmpty == true)
            #expect(try await list("/os-volume-transfer?limit=1", "3.71")?["transfers"]?.arrayValue.isEmpty == true)
            let old = try await list("/volume-transfers", "3.58")
            #expect(old?["transfers"]?.arrayValue.compactMap { $0["id"]?.stringValue } == ids)
            let named = try await list("/volume-transfers?name=gift", "3.0")
            #expect(named?["transfers"]?.arrayValue.count == 3)
            let badSort = try await Self.send(
                client,
                .get,
                "/volume-transfers?sort=name",
                as: Self.alice,
                project: Self.projectA
            )
            #expect(badSort.status == .badRequest)
            let missing = try await Self.send(
                client,
                .get,
                "/volume-transfers?marker=\(Self.projectB)",
                as: Self.alice,
                project: Self.projectA
            )
            #expect(missing.status == .notFound)
            let admin = try await Self.send(
                client,
                .get,
                "/volume-transfers?all_tenants=1",
                as: Self.admin,
                project: "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"
            )
            #expect(admin.json?["transfers"]?.arrayValue.count == 3)
        }
    }
}

/// 3.70's rules for encrypted volumes: before 3.70 and with `no_snapshots` cinder's refusals,
/// and from 3.70, with no usable key manager to hand the key over, the key manager's fault
/// (EncryptionKeyTests follow the key through a transfer that succeeds).
@Suite struct EncryptedTransferTests {
    @Test(arguments: [
        ("3.69", "", "Invalid volume: transferring encrypted volume is not supported"),
        (
            "3.71", #", "no_snapshots": true"#,
            "Invalid volume: transferring an encrypted volume without its snapshots is not supported"
        ),
        ("3.71", "", "Key manager error: No key manager is configured."),
    ])
    func encryptedVolumesAreRefused(version: String, extra: String, message: String) async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, recorder, api in
            let volumeID = try await TransferAPITests.volume(client, api)
            _ = try await api.store.updateVolume(id: volumeID, [.encryptionKeyID("key-1")])
            let response = try await TransferAPITests.send(
                client,
                .post,
                "/volume-transfers",
                as: TransferAPITests.at(TransferAPITests.alice, version),
                project: TransferAPITests.projectA,
                body: #"{"transfer": {"volume_id": "\#(volumeID)"\#(extra)}}"#
            )
            #expect(response.status == .badRequest)
            #expect(response.json?["badRequest"]?["message"] == .string(message))
            #expect(try await api.store.volume(id: volumeID, scope: .allProjects).status == .available)
            #expect(try await api.transfers.list(.init(scope: .allProjects)).items.isEmpty)
            #expect(recorder.casts.allSatisfy { !$0.hasPrefix("accept_transfer") })
        }
    }
}

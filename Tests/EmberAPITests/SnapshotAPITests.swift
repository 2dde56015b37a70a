import EmberAPI
import EmberCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

extension TestClientProtocol {
    func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        _ body: String? = nil,
        version: String? = nil
    ) async throws -> TestResponse {
        try await execute(
            uri: "/v3/\(APIHarness.project)" + path,
            method: method,
            headers: APIHarness.headers(version: version),
            body: body.map { ByteBuffer(string: $0) }
        )
    }

    /// A volume as the scheduler would leave it: placed on a backend, with `status`.
    func placedVolume(_ api: VolumeAPI, size: Int = 1, status: VolumeStatus = .available) async throws -> String {
        let id = try await createVolume(#"{"volume": {"size": \#(size)}}"#)
        _ = try await api.store.updateVolume(id: id, [.host("node@alpha#alpha"), .status(status)])
        return id
    }

    /// POSTs a snapshot of `volumeID` and returns its id.
    func createSnapshot(_ volumeID: String, extra: String = "", version: String? = nil) async throws -> String {
        let response = try await send(
            .post,
            "/snapshots",
            #"{"snapshot": {"volume_id": "\#(volumeID)"\#(extra)}}"#,
            version: version
        )
        guard response.status == .accepted, let id = response.json?["snapshot"]?["id"]?.stringValue else {
            throw APITestError.unexpected(response.status.code, response.text)
        }
        return id
    }
}

@Suite struct SnapshotAPITests {
    @Test func createAnswers202WithTheDetailViewReservesQuotaAndCasts() async throws {
        try await APIHarness.run { client, casts, api in
            let volume = try await client.placedVolume(api, size: 3)
            let response = try await client.send(
                .post,
                "/snapshots",
                #"{"snapshot": {"volume_id": "\#(volume)", "name": " s1 ", "description": "d", "metadata": {"a": "1"}}}"#
            )
            #expect(response.status == .accepted)
            let snapshot = try #require(response.json?["snapshot"])
            #expect(
                snapshot.keys == [
                    "id", "created_at", "updated_at", "name", "description", "volume_id", "status", "size", "metadata",
                ]
            )
            let id = try #require(snapshot["id"]?.stringValue)
            #expect(snapshot["name"] == "s1")
            #expect(snapshot["status"] == "creating")
            #expect(snapshot["size"] == 3)
            #expect(snapshot["metadata"] == ["a": "1"])
            #expect(casts.casts.last == "create_snapshot:\(id)")
            let stored = try await api.store.snapshot(id: id, scope: .allProjects)
            #expect(stored.progress == "0%")
            let usage = try await api.store.quotaUsages(projectID: APIHarness.project)
            #expect(usage["snapshots"]?.inUse == 1)
            #expect(usage["gigabytes"]?.inUse == 6)
            #expect(usage["snapshots___DEFAULT__"]?.inUse == 1)
        }
    }

    @Test func viewsFollowTheMicroversion() async throws {
        try await APIHarness.run { client, _, api in
            let volume = try await client.placedVolume(api)
            let id = try await client.createSnapshot(volume)
            let base = [
                "id", "created_at", "updated_at", "name", "description", "volume_id", "status", "size", "metadata",
            ]
            let cases: [(String, [String])] = [
                ("3.13", base), ("3.14", base + ["group_snapshot_id"]),
                ("3.41", base + ["group_snapshot_id", "user_id"]),
                ("3.65", base + ["group_snapshot_id", "user_id", "consumes_quota"]),
            ]
            // Show and detail end with the os-extended-snapshot-attributes fields (loaded by default).
            let extended = ["os-extended-snapshot-attributes:project_id", "os-extended-snapshot-attributes:progress"]
            for (version, keys) in cases {
                let shown = try await client.send(.get, "/snapshots/\(id)", version: version)
                #expect(shown.json?["snapshot"]?.keys == keys + extended, "\(version)")
                let detail = try await client.send(.get, "/snapshots/detail", version: version)
                #expect(detail.json?["snapshots"]?.arrayValue.first?.keys == keys + extended, "\(version)")
                // The summary list never has the microversion fields.
                let index = try await client.send(.get, "/snapshots", version: version)
                #expect(index.json?["snapshots"]?.arrayValue.first?.keys == base, "\(version)")
            }
            let latest = try await client.send(.get, "/snapshots/\(id)", version: "latest")
            #expect(latest.json?["snapshot"]?["user_id"] == "admin")
            #expect(latest.json?["snapshot"]?["consumes_quota"] == true)
            #expect(latest.json?["snapshot"]?["group_snapshot_id"] == .null)
        }
    }

    @Test func inUseVolumesNeedForceBefore366AndForceMayNotBeFalseFrom366() async throws {
        try await APIHarness.run { client, _, api in
            let volume = try await client.placedVolume(api, status: .inUse)
            let refused = try await client.send(.post, "/snapshots", #"{"snapshot": {"volume_id": "\#(volume)"}}"#)
            #expect(refused.status == .badRequest)
            #expect(
                refused.json?["badRequest"]?["message"]
                    == .string(
                        "Invalid volume: Volume \(volume) status must be available, but current status is: in-use."
                    )
            )
            _ = try await client.createSnapshot(volume, extra: #", "force": true"#)
            _ = try await client.createSnapshot(volume, version: "3.66")
            _ = try await client.createSnapshot(volume, extra: #", "force": "yes""#, version: "3.66")
            let falseForce = try await client.send(
                .post,
                "/snapshots",
                #"{"snapshot": {"volume_id": "\#(volume)", "force": false}}"#,
                version: "3.66"
            )
            #expect(falseForce.status == .badRequest)
            #expect(
                falseForce.json?["badRequest"]?["message"]
                    == "Since microversion 3.66 the 'force' flag is invalid for this request.  For backward compatability, however, when the 'force' flag is passed with a value evaluating to True, it is silently ignored."
            )
            let page = try await api.store.listSnapshots(.init(scope: .allProjects))
            #expect(page.items.count == 3)
        }
    }

    @Test func sourceVolumeMustBeScheduledAndHealthy() async throws {
        try await APIHarness.run { client, casts, api in
            let unscheduled = try await client.createVolume()
            let errored = try await client.placedVolume(api, status: .error)
            let maintenance = try await client.placedVolume(api, status: .maintenance)
            let migrating = try await client.placedVolume(api)
            _ = try await api.store.updateVolume(id: migrating, [.migrationStatus("migrating")])
            let cases = [
                (
                    unscheduled,
                    "Invalid volume: The snapshot cannot be created because volume has not been scheduled to any host."
                ),
                (errored, "Invalid volume: The snapshot cannot be created when the volume is in error status."),
                (maintenance, "Invalid volume: The snapshot cannot be created when the volume is in maintenance mode."),
                (migrating, "Invalid volume: Snapshot cannot be created while volume is migrating."),
            ]
            for (volume, message) in cases {
                let response = try await client.send(
                    .post,
                    "/snapshots",
                    #"{"snapshot": {"volume_id": "\#(volume)", "force": true}}"#
                )
                #expect(response.status == .badRequest)
                #expect(response.json?["badRequest"]?["message"] == .string(message))
            }
            #expect(!casts.casts.contains { $0.hasPrefix("create_snapshot") })
            let usage = try await api.store.quotaUsages(projectID: APIHarness.project)
            #expect((usage["snapshots"]?.total ?? 0) == 0)
        }
    }

    @Test func snapshotQuotaIsEnforcedAndNothingIsStoredOverIt() async throws {
        try await APIHarness.run(conf: "quota_snapshots = 1\n") { client, _, api in
            let volume = try await client.placedVolume(api)
            _ = try await client.createSnapshot(volume)
            let second = try await client.send(.post, "/snapshots", #"{"snapshot": {"volume_id": "\#(volume)"}}"#)
            #expect(second.status == .contentTooLarge)
            #expect(
                second.json?["overLimit"]?["message"]
                    == "SnapshotLimitExceeded: Maximum number of snapshots allowed (1) exceeded"
            )
            #expect(try await api.store.listSnapshots(.init(scope: .allProjects)).items.count == 1)
        }
    }

    @Test func updateRenamesAndDeleteNeedsAvailableOrError() async throws {
        try await APIHarness.run { client, casts, api in
            let volume = try await client.placedVolume(api)
            let id = try await client.createSnapshot(volume)
            let renamed = try await client.send(
                .put,
                "/snapshots/\(id)",
                #"{"snapshot": {"display_name": "old", "name": " new ", "display_description": "dd"}}"#
            )
            #expect(renamed.status == .ok)
            #expect(renamed.json?["snapshot"]?["name"] == "new")
            #expect(renamed.json?["snapshot"]?["description"] == "dd")
            let empty = try await client.send(.put, "/snapshots/\(id)", #"{"snapshot": {}}"#)
            #expect(
                empty.json?["badRequest"]?["message"]
                    == "Invalid input for field/attribute snapshot. Value: {}. {} is not valid under any of the given schemas"
            )

            let creating = try await client.send(.delete, "/snapshots/\(id)")
            #expect(creating.status == .badRequest)
            #expect(
                creating.json?["badRequest"]?["message"]
                    == "Invalid snapshot: Snapshot status must be available or error and must not be part of a group."
            )
            _ = try await api.store.updateSnapshot(id: id, [.status(.available)])
            let deleted = try await client.send(.delete, "/snapshots/\(id)")
            #expect(deleted.status == .accepted)
            #expect(deleted.body.readableBytes == 0)
            #expect(casts.casts.last == "delete_snapshot:\(id)")
            let shown = try await client.send(.get, "/snapshots/\(id)")
            #expect(shown.json?["snapshot"]?["status"] == "deleting")
        }
    }

    @Test func metadataRoutesWorkAsCindersSnapshotMetadataController() async throws {
        try await APIHarness.run { client, _, api in
            let volume = try await client.placedVolume(api)
            let id = try await client.createSnapshot(volume, extra: #", "metadata": {"a": "1"}"#)
            let path = "/snapshots/\(id)/metadata"
            #expect(try await client.send(.get, path).json?["metadata"] == ["a": "1"])
            let merged = try await client.send(.post, path, #"{"metadata": {"b": "2"}}"#)
            #expect(merged.json?["metadata"] == ["a": "1", "b": "2"])
            let replaced = try await client.send(.put, path, #"{"metadata": {"c": "3"}}"#)
            #expect(replaced.json?["metadata"] == ["c": "3"])
            #expect(try await client.send(.get, "\(path)/c").json?["meta"] == ["c": "3"])
            let item = try await client.send(.put, "\(path)/c", #"{"meta": {"c": "4"}}"#)
            #expect(item.json?["meta"] == ["c": "4"])
            let mismatch = try await client.send(.put, "\(path)/c", #"{"meta": {"d": "4"}}"#)
            #expect(mismatch.json?["badRequest"]?["message"] == "Request body and URI mismatch")
            let two = try await client.send(.put, "\(path)/c", #"{"meta": {"c": "1", "d": "2"}}"#)
            #expect(
                two.json?["badRequest"]?["message"]
                    == "Invalid input for field/attribute meta. Value: {'c': '1', 'd': '2'}. {'c': '1', 'd': '2'} has too many properties"
            )
            let slash = try await client.send(.post, path, #"{"metadata": {"a/b": "1"}}"#)
            #expect(
                slash.json?["badRequest"]?["message"]
                    == "Invalid input for field/attribute metadata. Value: {'a/b': '1'}. 'a/b' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"
            )
            let removed = try await client.send(.delete, "\(path)/c")
            #expect(removed.status == .ok)
            let gone = try await client.send(.delete, "\(path)/c")
            #expect(gone.status == .notFound)
            #expect(gone.json?["itemNotFound"]?["message"] == .string("Snapshot \(id) has no metadata with key c."))
            let missing = try await client.send(.get, "/snapshots/00000000-0000-0000-0000-000000000000/metadata")
            #expect(
                missing.json?["itemNotFound"]?["message"]
                    == "Snapshot 00000000-0000-0000-0000-000000000000 could not be found."
            )
        }
    }

    @Test func listsPaginateSortAndFilter() async throws {
        try await APIHarness.run { client, _, api in
            let first = try await client.placedVolume(api)
            let second = try await client.placedVolume(api)
            var ids: [String] = []
            for (volume, name) in [(first, "c"), (first, "b"), (second, "a")] {
                ids.append(try await client.createSnapshot(volume, extra: #", "name": "\#(name)""#))
            }
            let all = try await client.send(.get, "/snapshots")
            #expect(all.json?["snapshots"]?.arrayValue.map { $0["id"]?.stringValue ?? "" } == ids.reversed())
            let page = try await client.send(.get, "/snapshots/detail?limit=2&sort=name:asc")
            #expect(page.json?["snapshots"]?.arrayValue.map { $0["name"]?.stringValue ?? "" } == ["a", "b"])
            let next = try #require(page.json?["snapshots_links"]?.arrayValue.first?["href"]?.stringValue)
            #expect(
                next.hasPrefix(
                    "http://localhost/v3/\(APIHarness.project)/snapshots/detail?limit=2&sort=name%3Aasc&marker="
                )
            )
            let marker = try #require(next.components(separatedBy: "marker=").last)
            let rest = try await client.send(.get, "/snapshots/detail?limit=2&sort=name:asc&marker=\(marker)")
            #expect(rest.json?["snapshots"]?.arrayValue.map { $0["name"]?.stringValue ?? "" } == ["c"])
            let byVolume = try await client.send(.get, "/snapshots?volume_id=\(first)")
            #expect(byVolume.json?["snapshots"]?.arrayValue.count == 2)
            let byZone = try await client.send(.get, "/snapshots?availability_zone=nova")
            #expect(byZone.json?["snapshots"]?.arrayValue.count == 3)
            let otherZone = try await client.send(.get, "/snapshots?availability_zone=mars")
            #expect(otherZone.json?["snapshots"]?.arrayValue.count == 0)
            let counted = try await client.send(.get, "/snapshots?with_count=true&limit=1", version: "3.45")
            #expect(counted.json?["count"] == 3)
            let badMarker = try await client.send(.get, "/snapshots?marker=nope")
            #expect(badMarker.json?["itemNotFound"]?["message"] == "Snapshot nope could not be found.")
            let projectless = try await client.execute(
                uri: "/v3/snapshots/\(ids[0])",
                method: .get,
                headers: APIHarness.token
            )
            #expect(projectless.json?["snapshot"]?["id"] == .string(ids[0]))
        }
    }

    static let base = "/snapshots"

    @Test(arguments: [
        (#"{"volume_id": "x"}"#, "'snapshot' is a required property"),
        (
            #"{"snapshot": {"name": "x"}}"#,
            "Invalid input for field/attribute snapshot. Value: {'name': 'x'}. 'volume_id' is a required property"
        ),
        (
            #"{"snapshot": {"volume_id": "not-a-uuid"}}"#,
            "Invalid input for field/attribute volume_id. Value: not-a-uuid. 'not-a-uuid' is not valid under any of the given schemas"
        ),
        (
            #"{"snapshot": {"volume_id": "00000000-0000-0000-0000-000000000000", "force": "maybe"}}"#,
            "Invalid input for field/attribute force. Value: maybe. 'maybe' is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f']"
        ),
        (
            #"{"snapshot": {"volume_id": "00000000-0000-0000-0000-000000000000", "size": 1}}"#,
            "Invalid input for field/attribute snapshot. Value: {'volume_id': '00000000-0000-0000-0000-000000000000', 'size': 1}. Additional properties are not allowed ('size' was unexpected)"
        ),
        (
            #"{"snapshot": {"volume_id": "00000000-0000-0000-0000-000000000000", "metadata": {"k": 1}}}"#,
            "Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'"
        ),
    ])
    func badCreateBodiesGetCindersMessages(body: String, message: String) async throws {
        try await APIHarness.run { client, casts, api in
            let response = try await client.send(.post, Self.base, body)
            #expect(response.status == .badRequest, "\(response.text)")
            #expect(response.json?["badRequest"]?["message"] == .string(message))
            #expect(casts.casts.isEmpty)
            #expect(try await api.store.listSnapshots(.init(scope: .allProjects)).items.isEmpty)
        }
    }

    @Test func missingThingsAre404() async throws {
        try await APIHarness.run { client, _, _ in
            let zero = "00000000-0000-0000-0000-000000000000"
            let noVolume = try await client.send(.post, "/snapshots", #"{"snapshot": {"volume_id": "\#(zero)"}}"#)
            #expect(noVolume.json?["itemNotFound"]?["message"] == .string("Volume \(zero) could not be found."))
            let nullVolume = try await client.send(.post, "/snapshots", #"{"snapshot": {"volume_id": null}}"#)
            #expect(nullVolume.json?["itemNotFound"]?["message"] == "Volume None could not be found.")
            for (method, body) in [
                (HTTPRequest.Method.get, nil), (.delete, nil), (.put, #"{"snapshot": {"name": "x"}}"#),
            ] {
                let response = try await client.send(method, "/snapshots/\(zero)", body)
                #expect(response.status == .notFound)
                #expect(response.json?["itemNotFound"]?["message"] == .string("Snapshot \(zero) could not be found."))
            }
        }
    }
}

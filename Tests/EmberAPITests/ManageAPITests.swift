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

/// Manage existing through the paste pipeline: `/manageable_volumes` and
/// `/manageable_snapshots` (3.8), the legacy `os-volume-manage` and `os-snapshot-manage`
/// extensions, and the `os-unmanage` actions, by call and role (cinder's defaults make every
/// one admin-only), with cinder's faults, statuses and quota.
@Suite struct ManageAPITests {
    static let project = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
    static let otherProject = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
    static let host = "node@alpha"

    static func caller(_ user: String, project: String, roles: String, version: String = "3.71") -> HTTPFields {
        [
            .named("X-User-Id"): user, .named("X-Project-Id"): project, .named("X-Roles"): roles,
            .contentType: "application/json", .openStackAPIVersion: "volume \(version)",
        ]
    }

    static let admin = caller("root", project: project, roles: "admin,member,reader")
    static let member = caller("alice", project: project, roles: "member,reader")
    static let reader = caller("ann", project: project, roles: "reader")
    static let other = caller("bob", project: otherProject, roles: "member,reader")

    static func send(
        _ client: any TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ path: String,
        as headers: HTTPFields = admin,
        project: String = project,
        body: String? = nil
    ) async throws -> TestResponse {
        try await client.execute(
            uri: "/v3/\(project)\(path)",
            method: method,
            headers: headers,
            body: body.map { ByteBuffer(string: $0) }
        )
    }

    /// A `cinder-volume` service for `host`, up (or down), enabled (or not).
    @discardableResult
    static func service(
        _ api: VolumeAPI,
        _ host: String = host,
        disabled: Bool = false
    ) async throws -> ServiceRecord {
        try await api.store.createService(
            ServiceRecord(
                host: host,
                binary: "cinder-volume",
                topic: "cinder-volume",
                disabled: disabled,
                availabilityZone: "zone-a"
            )
        )
    }

    /// A volume of the project on `host` in `status`.
    static func volume(
        _ api: VolumeAPI,
        status: VolumeStatus = .available,
        encrypted: Bool = false
    ) async throws -> Volume {
        let type = try await api.types.defaultType(projectID: project)
        return try await api.store.createVolume(
            Volume(
                userID: "root",
                projectID: project,
                size: 1,
                volumeTypeID: type.id,
                status: status,
                host: host + "#alpha",
                encryptionKeyID: encrypted ? "5e2b4c1a-0000-4000-8000-000000000001" : nil
            )
        )
    }

    static func message(_ response: TestResponse, _ fault: String = "badRequest") -> String? {
        response.json?[fault]?["message"]?.stringValue
    }

    static let manageBody =
        #"{"volume": {"host": "node@alpha", "ref": {"source-name": "adopt-me"}, "name": " adopted "}}"#

    @Test func statusByCallAndRole() async throws {
        let calls:
            [(name: String, method: HTTPRequest.Method, path: String, body: String?, status: HTTPResponse.Status)] = [
                ("list_manageable_volumes", .get, "/manageable_volumes?host=node@alpha", nil, .ok),
                ("list_manageable_volumes_detail", .get, "/manageable_volumes/detail?host=node@alpha", nil, .ok),
                ("legacy_list", .get, "/os-volume-manage/detail?host=node@alpha", nil, .ok),
                ("list_manageable_snapshots", .get, "/manageable_snapshots?host=node@alpha", nil, .ok),
                ("legacy_snapshot_list", .get, "/os-snapshot-manage?host=node@alpha", nil, .ok),
                ("manage_volume", .post, "/manageable_volumes", Self.manageBody, .accepted),
                ("legacy_manage_volume", .post, "/os-volume-manage", Self.manageBody, .accepted),
                (
                    "manage_snapshot", .post, "/manageable_snapshots",
                    #"{"snapshot": {"volume_id": "{volume}", "ref": {"source-name": "snap-file"}}}"#, .accepted
                ),
                ("unmanage_volume", .post, "/volumes/{volume}/action", #"{"os-unmanage": null}"#, .accepted),
                ("unmanage_snapshot", .post, "/snapshots/{snapshot}/action", #"{"os-unmanage": {}}"#, .accepted),
            ]
        let callers: [(String, HTTPFields, String)] = [
            ("admin", Self.admin, Self.project), ("member", Self.member, Self.project),
            ("reader", Self.reader, Self.project), ("other", Self.other, Self.otherProject),
        ]
        let unlimited = "quota_volumes = -1\nquota_gigabytes = -1\nquota_snapshots = -1\n"
        try await APIHarness.run(conf: unlimited, trustIdentityHeaders: true) { client, casts, api in
            try await Self.service(api)
            for call in calls {
                for (role, headers, project) in callers {
                    let volume = try await Self.volume(api)
                    let snapshotVolume = try await Self.volume(api)
                    let snapshot = try await api.store.createSnapshot(
                        Snapshot(
                            volumeID: snapshotVolume.id,
                            userID: "root",
                            projectID: Self.project,
                            volumeSize: 1,
                            volumeTypeID: volume.volumeTypeID,
                            status: .available
                        )
                    )
                    let before = casts.casts.count
                    let path = call.path.replacingOccurrences(of: "{volume}", with: volume.id)
                        .replacingOccurrences(of: "{snapshot}", with: snapshot.id)
                    let body = call.body?.replacingOccurrences(of: "{volume}", with: volume.id)
                    let response = try await Self.send(
                        client,
                        call.method,
                        path,
                        as: headers,
                        project: project,
                        body: body
                    )
                    // Another project's caller does not see the volume or snapshot: 404 first.
                    let hidden =
                        role == "other"
                        && ["manage_snapshot", "unmanage_volume", "unmanage_snapshot"].contains(call.name)
                    let expected: HTTPResponse.Status =
                        role == "admin" ? call.status : hidden ? .notFound : .forbidden
                    #expect(response.status == expected, "\(call.name) by \(role): \(response.text)")
                    // Every admin call reaches a backend (a call or a cast); a refused one nothing.
                    #expect(
                        casts.casts.count == before + (role == "admin" ? 1 : 0),
                        "\(call.name) by \(role): \(casts.casts)"
                    )
                    // Unmanage leaves the snapshot row to the backend; a refused one stays as it was.
                    let current = try await api.store.snapshot(id: snapshot.id, scope: .allProjects)
                    #expect(
                        current.status
                            == (role == "admin" && call.name == "unmanage_snapshot" ? .unmanaging : .available)
                    )
                    let currentVolume = try await api.store.volume(id: volume.id, scope: .allProjects)
                    #expect(
                        currentVolume.status
                            == (role == "admin" && call.name == "unmanage_volume" ? .unmanaging : .available)
                    )
                }
            }
        }
    }

    @Test func manageVolumeIsShownCreatingAndCountsOneVolume() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, casts, api in
            try await Self.service(api)
            let response = try await Self.send(
                client,
                .post,
                "/manageable_volumes",
                body:
                    #"{"volume": {"host": "node@alpha#alpha", "ref": {"source-name": "adopt-me"}, "name": " adopted ", "description": "old data", "metadata": {"k": "v"}, "bootable": "yes"}}"#
            )
            #expect(response.status == .accepted, "\(response.text)")
            let view = try #require(response.json?["volume"])
            #expect(view["status"] == "creating")
            #expect(view["size"] == 0)
            #expect(view["name"] == "adopted")
            #expect(view["bootable"] == "true")
            #expect(view["availability_zone"] == "zone-a")
            #expect(view["metadata"] == ["k": "v"])
            // legacy_detail: none of the later microversions' fields.
            #expect(view["group_id"] == nil && view["volume_type_id"] == nil && view["shared_targets"] == nil)
            #expect(view["migration_status"] != nil)
            let id = try #require(view["id"]?.stringValue)
            let stored = try await api.store.volume(id: id, scope: .allProjects)
            #expect(stored.status == .managing)
            #expect(stored.host == "node@alpha#alpha")
            #expect(casts.casts.last == #"manage_existing:\#(id):{"source-name": "adopt-me"}"#)
            let usage = try await api.store.quotaUsages(projectID: Self.project)
            #expect(usage["volumes"]?.inUse == 1)
            #expect(usage["gigabytes"]?.inUse ?? 0 == 0)
            // Shown `creating` on show too, until the backend has adopted it.
            let shown = try await Self.send(client, .get, "/volumes/\(id)")
            #expect(shown.json?["volume"]?["status"] == "creating")
            _ = try await api.store.apply(VolumeTransitions.manageFailed, toVolume: id)
            let failed = try await Self.send(client, .get, "/volumes/\(id)")
            #expect(failed.json?["volume"]?["status"] == "error")
        }
    }

    @Test func manageRefusals() async throws {
        let clock = ManualClock()
        try await APIHarness.run(trustIdentityHeaders: true, clock: clock) { client, casts, api in
            // `node@down` last reported two minutes ago (service_down_time is 60 s).
            try await Self.service(api, "node@down")
            clock.advance(by: .seconds(120))
            try await Self.service(api)
            try await Self.service(api, "node@off", disabled: true)
            let existing = try await Self.volume(api)
            let encrypted = try await api.store.createVolumeType(VolumeType(name: "luks"))
            _ = try await api.store.createVolumeTypeEncryption(
                VolumeTypeEncryption(volumeTypeID: encrypted.id, provider: "luks", controlLocation: "front-end")
            )
            let cases: [(String, String)] = [
                (
                    #"{"volume": {"host": "node@alpha", "ref": {"source-name": "x"}, "volume_type": "luks"}}"#,
                    "Invalid volume type: Managing to an encrypted volume type is not supported."
                ),
                (
                    #"{"volume": {"host": "node@nowhere", "ref": {"source-name": "x"}}}"#,
                    "Host 'node@nowhere' not found"
                ),
                (
                    #"{"volume": {"host": "node@down", "ref": {"source-name": "x"}}}"#,
                    "Service is unavailable at this time."
                ),
                (
                    #"{"volume": {"host": "node@off", "ref": {"source-name": "x"}}}"#,
                    "Service is unavailable at this time."
                ),
                (
                    #"{"volume": {"host": "node@alpha", "ref": {"source-name": "x"}, "volume_type": "nope"}}"#,
                    "Invalid volume type: Cannot find requested 'nope' volume type"
                ),
                (
                    #"{"volume": {"host": "node@alpha", "ref": {"source-name": "volume-\#(existing.id)"}}}"#,
                    "Invalid volume: Unable to manage existing volume. The volume is already managed"
                ),
                (
                    #"{"volume": {"ref": {"source-name": "x"}}}"#,
                    "Invalid input received: One and only one of cluster and host must be set."
                ),
                (
                    #"{"volume": {"host": "node@alpha", "cluster": "c1", "ref": "x"}}"#,
                    "Invalid input received: One and only one of cluster and host must be set."
                ),
                (
                    #"{"volume": {"host": "node@alpha"}}"#,
                    "Invalid input for field/attribute volume. Value: {'host': 'node@alpha'}. 'ref' is a required property"
                ),
                (
                    #"{"volume": {"host": "bad host!", "ref": "x"}}"#,
                    #"Invalid input for field/attribute host. Value: bad host!. 'bad host!' does not match '^[a-zA-Z0-9-._#@:/+\\[\\]]*$'"#
                ),
                (
                    #"{"volume": {"host": "node@alpha", "ref": 5}}"#,
                    "Invalid input for field/attribute ref. Value: 5. 5 is not of type 'object', 'string'"
                ),
            ]
            for (body, text) in cases {
                let response = try await Self.send(client, .post, "/manageable_volumes", body: body)
                #expect(response.status == .badRequest, "\(body): \(response.text)")
                #expect(Self.message(response) == text, "\(body): \(response.text)")
            }
            // `cluster` is no field before 3.16; the host is then the only way.
            let early = try await Self.send(
                client,
                .post,
                "/os-volume-manage",
                as: Self.caller("root", project: Self.project, roles: "admin", version: "3.15"),
                body: #"{"volume": {"cluster": "c1", "ref": "x"}}"#
            )
            #expect(early.status == .badRequest)
            #expect(
                Self.message(early)
                    == "Invalid input for field/attribute volume. Value: {'cluster': 'c1', 'ref': 'x'}. Additional properties are not allowed ('cluster' was unexpected)"
            )
            // The v3 route needs 3.8; the extension does not.
            let v37 = try await Self.send(
                client,
                .post,
                "/manageable_volumes",
                as: Self.caller("root", project: Self.project, roles: "admin", version: "3.7"),
                body: Self.manageBody
            )
            #expect(v37.status == .notFound, "\(v37.text)")
            #expect(casts.casts.isEmpty, "nothing was cast")
            let page = try await api.listVolumes(ListQuery(scope: .allProjects))
            #expect(page.items.map(\.id) == [existing.id], "nothing was stored")
        }
    }

    @Test func listsArePagedAndSortedAsCinder() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, api in
            try await Self.service(api)
            let summary = try await Self.send(client, .get, "/manageable_volumes?host=node@alpha")
            #expect(summary.status == .ok, "\(summary.text)")
            // Default: `reference` descending.
            #expect(
                summary.json
                    == [
                        "manageable-volumes": [
                            ["reference": ["source-name": "volume-v-owned"], "size": 1, "safe_to_manage": false],
                            ["reference": ["source-name": "adopt-me"], "size": 2, "safe_to_manage": true],
                        ]
                    ]
            )
            let detail = try await Self.send(client, .get, "/manageable_volumes/detail?host=node@alpha&sort=size:desc")
            let first = try #require(detail.json?["manageable-volumes"]?.arrayValue.first)
            #expect(
                first.keys == ["reference", "size", "safe_to_manage", "reason_not_safe", "cinder_id", "extra_info"]
            )
            #expect(first["reference"] == ["source-name": "adopt-me"])
            let marker = "%7B%22source-name%22%3A%20%22adopt-me%22%7D"
            let after = try await Self.send(
                client,
                .get,
                "/manageable_volumes?host=node@alpha&sort=reference:asc&marker=\(marker)"
            )
            #expect(after.json?["manageable-volumes"]?.arrayValue.map { $0["cinder_id"] == nil } == [true])
            #expect(
                after.json?["manageable-volumes"]?.arrayValue.first?["reference"] == ["source-name": "volume-v-owned"]
            )
            let limited = try await Self.send(client, .get, "/manageable_volumes?host=node@alpha&limit=1&offset=1")
            #expect(limited.json?["manageable-volumes"]?.arrayValue.first?["reference"] == ["source-name": "adopt-me"])
            let refusals: [(String, HTTPResponse.Status, String)] = [
                ("/manageable_volumes", .badRequest, "Invalid input received: Host field is missing."),
                ("/manageable_volumes?host=node@alpha&sort=name", .badRequest, "Invalid sort keys passed: name"),
                ("/manageable_volumes?host=node@alpha&sort=size:up", .badRequest, "Invalid sort dirs passed: up"),
                ("/manageable_volumes?host=node@alpha&limit=x", .badRequest, "limit param must be an integer"),
                (
                    "/manageable_volumes?host=node@alpha&marker=nojson", .badRequest,
                    "Invalid input received: marker nojson can not be analysed, please use json like format"
                ),
                (
                    "/manageable_volumes?host=node@elsewhere", .notFound,
                    "Service cinder-volume could not be found on host node@elsewhere."
                ),
            ]
            for (path, status, text) in refusals {
                let response = try await Self.send(
                    client,
                    .get,
                    path,
                    as: Self.caller("root", project: Self.project, roles: "admin", version: "3.16")
                )
                #expect(response.status == status, "\(path): \(response.text)")
                #expect(Self.message(response, status == .notFound ? "itemNotFound" : "badRequest") == text, "\(path)")
            }
            // From 3.17 one of `host` and `cluster`.
            let both = try await Self.send(client, .get, "/manageable_volumes?host=node@alpha&cluster=c")
            #expect(Self.message(both) == "Invalid input received: One and only one of cluster and host must be set.")
            let old = try await Self.send(
                client,
                .get,
                "/manageable_volumes?host=node@alpha",
                as: Self.caller("root", project: Self.project, roles: "admin", version: "3.7")
            )
            #expect(old.status == .notFound)
            let legacy = try await Self.send(
                client,
                .get,
                "/os-volume-manage?host=node@alpha",
                as: Self.caller("root", project: Self.project, roles: "admin", version: "3.0")
            )
            #expect(legacy.status == .ok)
            let snapshots = try await Self.send(client, .get, "/manageable_snapshots/detail?host=node@alpha")
            #expect(snapshots.json == ["manageable-snapshots": []])
        }
    }

    @Test func unmanageRefusals() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, casts, api in
            try await Self.service(api)
            let inUse = try await Self.volume(api, status: .inUse)
            let encrypted = try await Self.volume(api, encrypted: true)
            let withSnapshot = try await Self.volume(api)
            _ = try await api.store.createSnapshot(
                Snapshot(
                    volumeID: withSnapshot.id,
                    userID: "root",
                    projectID: Self.project,
                    volumeSize: 1,
                    volumeTypeID: withSnapshot.volumeTypeID,
                    status: .creating
                )
            )
            let refused =
                "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer."
            for (volume, text) in [(inUse, refused), (encrypted, "Unacceptable parameters."), (withSnapshot, refused)] {
                let response = try await Self.send(
                    client,
                    .post,
                    "/volumes/\(volume.id)/action",
                    body: #"{"os-unmanage": {}}"#
                )
                #expect(response.status == .badRequest, "\(response.text)")
                #expect(Self.message(response) == text)
                #expect(try await api.store.volume(id: volume.id, scope: .allProjects).status == volume.status)
            }
            let snapshots = try await api.store.listSnapshots(ListQuery(scope: .allProjects)).items
            let creating = try #require(snapshots.first)
            let snap = try await Self.send(
                client,
                .post,
                "/snapshots/\(creating.id)/action",
                body: #"{"os-unmanage": null}"#
            )
            #expect(
                Self.message(snap)
                    == "Invalid snapshot: Snapshot status must be available or error and must not be part of a group."
            )
            let extra = try await Self.send(
                client,
                .post,
                "/volumes/\(inUse.id)/action",
                body: #"{"os-unmanage": {}, "x": 1}"#
            )
            #expect(extra.status == .badRequest)
            #expect(casts.casts.isEmpty)
            // A volume never scheduled is deleted at once, its quota given back.
            let unscheduled = try await api.store.createVolume(
                Volume(
                    userID: "root",
                    projectID: Self.project,
                    size: 1,
                    volumeTypeID: inUse.volumeTypeID,
                    status: .error
                )
            )
            let gone = try await Self.send(
                client,
                .post,
                "/volumes/\(unscheduled.id)/action",
                body: #"{"os-unmanage": {}}"#
            )
            #expect(gone.status == .accepted)
            #expect((try? await api.store.volume(id: unscheduled.id, scope: .allProjects)) == nil)
        }
    }

    /// `cluster` instead of `host` (3.16 for a manage, 3.17 for a list): a service of the
    /// cluster that is up serves it; the volume lands on that service's host, in the cluster.
    @Test func manageAndListByCluster() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, casts, api in
            _ = try await api.store.createService(
                ServiceRecord(
                    host: "node@alpha",
                    binary: "cinder-volume",
                    topic: "cinder-volume",
                    availabilityZone: "zone-a",
                    clusterName: "cl@alpha"
                )
            )
            let v316 = Self.caller("root", project: Self.project, roles: "admin", version: "3.16")
            let managed = try await Self.send(
                client,
                .post,
                "/manageable_volumes",
                as: v316,
                body: #"{"volume": {"cluster": "cl@alpha#pool", "ref": {"source-name": "x"}}}"#
            )
            #expect(managed.status == .accepted, "\(managed.text)")
            let id = try #require(managed.json?["volume"]?["id"]?.stringValue)
            let stored = try await api.store.volume(id: id, scope: .allProjects)
            #expect(stored.host == "node@alpha")
            #expect(stored.clusterName == "cl@alpha")
            // A list by cluster needs 3.17; at 3.16 the host is required.
            let early = try await Self.send(client, .get, "/manageable_volumes?cluster=cl@alpha", as: v316)
            #expect(Self.message(early) == "Invalid input received: Host field is missing.")
            let listed = try await Self.send(client, .get, "/manageable_volumes?cluster=cl@alpha")
            #expect(listed.status == .ok, "\(listed.text)")
            #expect(casts.casts.last == "get_manageable_volumes:node@alpha")
            let unknown = try await Self.send(client, .get, "/manageable_volumes?cluster=nowhere")
            #expect(unknown.status == .notFound)
            #expect(Self.message(unknown, "itemNotFound") == "Service cinder-volume could not be found.")
        }
    }

    @Test func manageSnapshotReservesAndCasts() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, casts, api in
            try await Self.service(api)
            let volume = try await Self.volume(api)
            let response = try await Self.send(
                client,
                .post,
                "/manageable_snapshots",
                body: #"{"snapshot": {"volume_id": "\#(volume.id)", "ref": "snapshot-file", "name": "adopted"}}"#
            )
            #expect(response.status == .accepted, "\(response.text)")
            let id = try #require(response.json?["snapshot"]?["id"]?.stringValue)
            #expect(response.json?["snapshot"]?["status"] == "creating")
            // cinder's answer is `cinder/api/views/snapshots.py` `detail`: the base fields only,
            // even at 3.71 (no `group_snapshot_id`, `user_id` or `consumes_quota`).
            #expect(
                Set(response.json?["snapshot"]?.objectValue?.keys ?? [])
                    == [
                        "id", "created_at", "updated_at", "name", "description", "volume_id", "status", "size",
                        "metadata",
                    ]
            )
            #expect(casts.casts.last == #"manage_existing_snapshot:\#(id):"snapshot-file""#)
            let usage = try await api.store.quotaUsages(projectID: Self.project)
            #expect(usage["snapshots"]?.inUse == 1)
            // The legacy extension answers the same view, and lists in detail.
            let legacy = try await Self.send(
                client,
                .post,
                "/os-snapshot-manage",
                body: #"{"snapshot": {"volume_id": "\#(volume.id)", "ref": "snapshot-file-2"}}"#
            )
            #expect(legacy.status == .accepted, "\(legacy.text)")
            #expect(legacy.json?["snapshot"]?.objectValue?.keys == response.json?["snapshot"]?.objectValue?.keys)
            let listed = try await Self.send(client, .get, "/os-snapshot-manage/detail?host=node@alpha")
            #expect(listed.status == .ok, "\(listed.text)")
            let missing = try await Self.send(
                client,
                .post,
                "/manageable_snapshots",
                body: #"{"snapshot": {"volume_id": "00000000-0000-4000-8000-000000000000", "ref": "x"}}"#
            )
            #expect(missing.status == .notFound)
            #expect(
                Self.message(missing, "itemNotFound")
                    == "Volume 00000000-0000-4000-8000-000000000000 could not be found."
            )
        }
    }
}

extension BadInputTests {
    static let manageable = "/v3/\(APIHarness.project)/manageable_volumes"
    static let manageableSnapshots = "/v3/\(APIHarness.project)/manageable_snapshots"

    /// Manage existing and unmanage under the same rule: cinder's fault, nothing stored,
    /// nothing cast (no volume service runs here, so a named host is unknown).
    @Test(arguments: [
        ("GET", manageable, "", 400, "badRequest", "Invalid input received: Host field is missing."),
        ("GET", "\(manageable)?host=h&sort=name", "", 400, "badRequest", "Invalid sort keys passed: name"),
        (
            "GET", "\(manageableSnapshots)/detail?host=h&sort=size:sideways", "", 400, "badRequest",
            "Invalid sort dirs passed: sideways"
        ),
        ("GET", "\(manageable)?host=h&offset=-1", "", 400, "badRequest", "offset must be >= 0"),
        ("GET", "\(manageable)?host=h&limit=-1", "", 400, "badRequest", "limit param must be positive"),
        (
            "GET", "\(manageable)?host=h&sort=size&sort_key=size", "", 400, "badRequest",
            "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter."
        ),
        ("GET", "\(manageable)?host=h", "", 404, "itemNotFound", "Service cinder-volume could not be found on host h."),
        ("POST", manageable, #"{"volume": {"host": "h", "ref": "x"}}"#, 400, "badRequest", "Host 'h' not found"),
        (
            "POST", manageable, #"{"volume": {"host": "h", "ref": "x", "bootable": "maybe"}}"#, 400, "badRequest",
            "Invalid input for field/attribute bootable. Value: maybe. 'maybe' is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f']"
        ),
        (
            "POST", manageable, #"{"volume": {"host": "h", "ref": "x", "metadata": {"k": 1}}}"#, 400, "badRequest",
            "Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'"
        ),
        (
            "POST", manageable, #"{"volume": {"host": "h", "ref": "x", "extra": 1}}"#, 400, "badRequest",
            "Invalid input for field/attribute volume. Value: {'host': 'h', 'ref': 'x', 'extra': 1}. Additional properties are not allowed ('extra' was unexpected)"
        ),
        (
            "POST", manageableSnapshots, #"{"snapshot": {"volume_id": "not-a-uuid", "ref": "x"}}"#, 400,
            "badRequest", "Invalid input for field/attribute volume_id. Value: not-a-uuid. 'not-a-uuid' is not a 'uuid'"
        ),
        (
            "POST", manageableSnapshots, #"{"snapshot": {"volume_id": "\#(missing)", "ref": "x"}}"#, 404,
            "itemNotFound", "Volume \(missing) could not be found."
        ),
        (
            "POST", "/v3/\(APIHarness.project)/volumes/\(missing)/action", #"{"os-unmanage": {}}"#, 404,
            "itemNotFound", "Volume \(missing) could not be found."
        ),
        (
            "POST", "/v3/\(APIHarness.project)/snapshots/\(missing)/action", #"{"os-unmanage": {}}"#, 404,
            "itemNotFound", "Snapshot \(missing) could not be found."
        ),
    ])
    func manageRoutesRefuseWithCindersFault(
        method: String,
        uri: String,
        body: String,
        status: Int,
        fault: String,
        message: String
    ) async throws {
        try await BadInputTests.expectRefused(method, uri, body, status, fault, message, version: "3.8") { api throws in
            #expect(try await api.listVolumes(.init(scope: .allProjects)).items.isEmpty, "nothing was stored")
        }
    }
}

import EmberAPI
import EmberCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

@Suite struct VolumeCreateTests {
    let base = "/v3/\(APIHarness.project)/volumes"

    @Test func createAnswers202WithCindersViewAndCastsToTheScheduler() async throws {
        try await APIHarness.run { client, casts, _ in
            let response = try await client.execute(
                uri: base,
                method: .post,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"volume": {"size": 1, "name": "a"}}"#)
            )
            #expect(response.status == .accepted)
            let volume = try #require(response.json?["volume"])
            #expect(
                volume.keys == [
                    "id", "status", "size", "availability_zone", "created_at", "updated_at", "name", "description",
                    "volume_type", "snapshot_id", "source_volid", "metadata", "links", "user_id", "bootable",
                    "encrypted",
                    "replication_status", "consistencygroup_id", "multiattach", "attachments", "migration_status",
                ]
            )
            let id = try #require(volume["id"]?.stringValue)
            #expect(volume["status"] == "creating")
            #expect(volume["bootable"] == "false")
            #expect(volume["volume_type"] == "__DEFAULT__")
            #expect(volume["availability_zone"] == "nova")
            #expect(volume["user_id"] == "admin")
            #expect(
                volume["links"]
                    == [
                        ["rel": "self", "href": .string("http://localhost/v3/\(APIHarness.project)/volumes/\(id)")],
                        ["rel": "bookmark", "href": .string("http://localhost/\(APIHarness.project)/volumes/\(id)")],
                    ]
            )
            #expect(response.headers[.openStackAPIVersion] == "volume 3.0")
            #expect(casts.casts == ["create_volume:\(id)"])
        }
    }

    @Test func showAddsTheAdminAttributesAndMicroversionFields() async throws {
        try await APIHarness.run { client, _, _ in
            let id = try await client.createVolume()
            let show = try await client.execute(uri: "\(base)/\(id)", method: .get, headers: APIHarness.token)
            let volume = try #require(show.json?["volume"])
            #expect(volume["os-vol-tenant-attr:tenant_id"] == .string(APIHarness.project))
            #expect(volume["os-vol-host-attr:host"] == .null)
            #expect(volume["os-vol-mig-status-attr:migstat"] == .null)
            #expect(volume.keys.count == 25)
            let v360 = try await client.execute(
                uri: "\(base)/\(id)",
                method: .get,
                headers: APIHarness.headers(version: "3.60")
            )
            let keys360 = Set(try #require(v360.json?["volume"]).keys)
            #expect(keys360.isSuperset(of: ["group_id", "provider_id", "service_uuid", "shared_targets"]))
            #expect(!keys360.contains("cluster_name"))
            let latest = try await client.execute(
                uri: "\(base)/\(id)",
                method: .get,
                headers: APIHarness.headers(version: "latest")
            )
            let newest = try #require(latest.json?["volume"])
            #expect(Set(newest.keys).isSuperset(of: ["cluster_name", "consumes_quota", "volume_type_id"]))
            #expect(newest["shared_targets"] == true)
            #expect(v360.json?["volume"]?["shared_targets"] == true)
        }
    }

    @Test(arguments: [
        (
            #"{"volume": {"size": 0}}"#,
            "Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1"
        ),
        (
            #"{"volume": {"size": "abc"}}"#,
            "Invalid input for field/attribute size. Value: abc. 'abc' does not match '^[0-9]+$'"
        ),
        (#"{"size": 1}"#, "'volume' is a required property"),
        (#"{"volume": {"size": 1}, "extra": 1}"#, "Additional properties are not allowed ('extra' was unexpected)"),
        (
            #"{"volume": {"size": 1, "availability_zone": "mars"}}"#,
            "Availability zone 'mars' is invalid."
        ),
        (
            #"{"volume": {"size": 1, "imageRef": "cirros"}}"#,
            "Invalid image identifier or unable to access requested image."
        ),
        (
            #"{"volume": {"size": 1, "snapshot_id": "not-a-uuid"}}"#,
            "Invalid input for field/attribute snapshot_id. Value: not-a-uuid. 'not-a-uuid' is not valid under any of the given schemas"
        ),
        (
            #"{"volume": {"name": "x"}}"#,
            "The server could not comply with the request since it is either malformed or otherwise incorrect."
        ),
    ])
    func badBodiesGetCindersMessages(body: String, message: String) async throws {
        try await APIHarness.run { client, casts, _ in
            let response = try await client.execute(
                uri: base,
                method: .post,
                headers: APIHarness.token,
                body: ByteBuffer(string: body)
            )
            #expect(response.status == .badRequest)
            #expect(response.json?["badRequest"]?["message"] == .string(message))
            #expect(casts.casts.isEmpty)
        }
    }

    @Test func unknownVolumeTypeIs404() async throws {
        try await APIHarness.run { client, _, _ in
            let response = try await client.execute(
                uri: base,
                method: .post,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"volume": {"size": 1, "volume_type": "gold"}}"#)
            )
            #expect(response.status == .notFound)
            #expect(response.json?["itemNotFound"]?["message"] == "Volume type with name gold could not be found.")
        }
    }

    @Test func quotaIsEnforcedWith413AndRetryAfter() async throws {
        try await APIHarness.run(conf: "quota_volumes = 2\n") { client, _, _ in
            _ = try await client.createVolume()
            _ = try await client.createVolume()
            let third = try await client.execute(
                uri: base,
                method: .post,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"volume": {"size": 1}}"#)
            )
            #expect(third.status == .contentTooLarge)
            #expect(
                third.json?["overLimit"]?["message"]
                    == "VolumeLimitExceeded: Maximum number of volumes allowed (2) exceeded for quota 'volumes'."
            )
            #expect(third.json?["overLimit"]?["retryAfter"] == "0")
            let big = try await client.execute(
                uri: base,
                method: .post,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"volume": {"size": 5000}}"#)
            )
            #expect(big.status == .contentTooLarge)
        }
    }
}

@Suite struct VolumeLifecycleTests {
    let base = "/v3/\(APIHarness.project)/volumes"

    @Test func updateMetadataAndDelete() async throws {
        try await APIHarness.run { client, _, _ in
            let id = try await client.createVolume(#"{"volume": {"size": 2, "metadata": {"a": "1"}}}"#)
            let update = try await client.execute(
                uri: "\(base)/\(id)",
                method: .put,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"volume": {"name": " renamed ", "description": "d"}}"#)
            )
            #expect(update.status == .ok)
            #expect(update.json?["volume"]?["name"] == "renamed")
            #expect(update.json?["volume"]?["description"] == "d")

            let merged = try await client.execute(
                uri: "\(base)/\(id)/metadata",
                method: .post,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"metadata": {"b": "2"}}"#)
            )
            #expect(merged.json?["metadata"] == ["a": "1", "b": "2"])
            let replaced = try await client.execute(
                uri: "\(base)/\(id)/metadata",
                method: .put,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"metadata": {"c": "3"}}"#)
            )
            #expect(replaced.json?["metadata"] == ["c": "3"])
            let item = try await client.execute(
                uri: "\(base)/\(id)/metadata/c",
                method: .get,
                headers: APIHarness.token
            )
            #expect(item.json?["meta"] == ["c": "3"])
            let mismatch = try await client.execute(
                uri: "\(base)/\(id)/metadata/c",
                method: .put,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"meta": {"d": "4"}}"#)
            )
            #expect(mismatch.json?["badRequest"]?["message"] == "Request body and URI mismatch")
            let removed = try await client.execute(
                uri: "\(base)/\(id)/metadata/c",
                method: .delete,
                headers: APIHarness.token
            )
            #expect(removed.status == .ok)
            let gone = try await client.execute(
                uri: "\(base)/\(id)/metadata/c",
                method: .get,
                headers: APIHarness.token
            )
            #expect(gone.status == .notFound)

            let limitsBefore = try await client.execute(
                uri: "/v3/\(APIHarness.project)/limits",
                method: .get,
                headers: APIHarness.token
            )
            #expect(limitsBefore.json?["limits"]?["absolute"]?["totalGigabytesUsed"] == 2)
            let delete = try await client.execute(uri: "\(base)/\(id)", method: .delete, headers: APIHarness.token)
            #expect(delete.status == .accepted)
            #expect(delete.body.readableBytes == 0)
            let after = try await client.execute(uri: "\(base)/\(id)", method: .get, headers: APIHarness.token)
            #expect(after.status == .notFound)
            #expect(after.json?["itemNotFound"]?["message"] == .string("Volume \(id) could not be found."))
            let limitsAfter = try await client.execute(
                uri: "/v3/\(APIHarness.project)/limits",
                method: .get,
                headers: APIHarness.token
            )
            #expect(limitsAfter.json?["limits"]?["absolute"]?["totalGigabytesUsed"] == 0)
            #expect(limitsAfter.json?["limits"]?["absolute"]?["totalVolumesUsed"] == 0)
        }
    }

    @Test func emptyUpdateIsRefusedFrom353() async throws {
        try await APIHarness.run { client, _, _ in
            let id = try await client.createVolume()
            let old = try await client.execute(
                uri: "\(base)/\(id)",
                method: .put,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"volume": {}}"#)
            )
            #expect(old.status == .ok)
            let new = try await client.execute(
                uri: "\(base)/\(id)",
                method: .put,
                headers: APIHarness.headers(version: "3.53"),
                body: ByteBuffer(string: #"{"volume": {}}"#)
            )
            #expect(new.status == .badRequest)
        }
    }
}

@Suite struct VolumeListTests {
    let base = "/v3/\(APIHarness.project)/volumes"

    @Test func paginationSortingFiltersAndCount() async throws {
        try await APIHarness.run { client, _, _ in
            var ids: [String] = []
            for name in ["e", "d", "c", "b", "a"] {
                ids.append(try await client.createVolume(#"{"volume": {"size": 1, "name": "\#(name)"}}"#))
            }
            let summary = try await client.execute(uri: base, method: .get, headers: APIHarness.token)
            let items = try #require(summary.json?["volumes"]).arrayValue
            #expect(items.count == 5)
            #expect(items.first?.keys == ["id", "name", "links"])
            #expect(items.map { $0["id"]?.stringValue ?? "" } == ids.reversed())

            let page = try await client.execute(
                uri: "\(base)/detail?limit=2&sort=name:asc",
                method: .get,
                headers: APIHarness.token
            )
            let names = try #require(page.json?["volumes"]).arrayValue.map { $0["name"]?.stringValue ?? "" }
            #expect(names == ["a", "b"])
            let next = try #require(page.json?["volumes_links"]?.arrayValue.first?["href"]?.stringValue)
            #expect(
                next.hasPrefix(
                    "http://localhost/v3/\(APIHarness.project)/volumes/detail?limit=2&sort=name%3Aasc&marker="
                )
            )
            let marker = try #require(next.components(separatedBy: "marker=").last)
            let second = try await client.execute(
                uri: "\(base)/detail?limit=2&sort=name:asc&marker=\(marker)",
                method: .get,
                headers: APIHarness.token
            )
            #expect(
                try #require(second.json?["volumes"]).arrayValue.map { $0["name"]?.stringValue ?? "" } == ["c", "d"]
            )

            let badMarker = try await client.execute(
                uri: "\(base)?marker=nope",
                method: .get,
                headers: APIHarness.token
            )
            #expect(badMarker.status == .notFound)
            #expect(badMarker.json?["itemNotFound"]?["message"] == "Volume nope could not be found.")
            let badLimit = try await client.execute(uri: "\(base)?limit=-1", method: .get, headers: APIHarness.token)
            #expect(badLimit.json?["badRequest"]?["message"] == "limit param must be positive")
            let mixed = try await client.execute(
                uri: "\(base)?sort=name&sort_key=id",
                method: .get,
                headers: APIHarness.token
            )
            #expect(mixed.status == .badRequest)

            let byName = try await client.execute(uri: "\(base)?name=c", method: .get, headers: APIHarness.token)
            #expect(try #require(byName.json?["volumes"]).arrayValue.count == 1)
            let counted = try await client.execute(
                uri: "\(base)?with_count=true&limit=1",
                method: .get,
                headers: APIHarness.headers(version: "3.45")
            )
            #expect(counted.json?["count"] == 5)
            let summaryCall = try await client.execute(
                uri: "\(base)/summary",
                method: .get,
                headers: APIHarness.headers(version: "3.12")
            )
            #expect(summaryCall.json?["volume-summary"]?["total_count"] == 5)
            #expect(summaryCall.json?["volume-summary"]?["total_size"] == 5)
            let tooOld = try await client.execute(uri: "\(base)/summary", method: .get, headers: APIHarness.token)
            #expect(tooOld.status == .notFound)
        }
    }

    @Test func filtersFollowResourceFilters() async throws {
        try await APIHarness.run { client, _, _ in
            _ = try await client.createVolume(
                #"{"volume": {"size": 1, "name": "alpha", "metadata": {"tier": "gold"}}}"#
            )
            _ = try await client.createVolume(#"{"volume": {"size": 2, "name": "beta"}}"#)
            let inexact = try await client.execute(
                uri: "/v3/\(APIHarness.project)/volumes?name~=lph",
                method: .get,
                headers: APIHarness.headers(version: "3.34")
            )
            #expect(try #require(inexact.json?["volumes"]).arrayValue.count == 1)
            let metadata = try await client.execute(
                uri: "/v3/\(APIHarness.project)/volumes?metadata=%7B%27tier%27%3A%27gold%27%7D",
                method: .get,
                headers: APIHarness.token
            )
            #expect(try #require(metadata.json?["volumes"]).arrayValue.count == 1)
            let user = "member:\(APIHarness.project)"
            _ = user
            let projectless = try await client.execute(uri: "/v3/volumes", method: .get, headers: APIHarness.token)
            #expect(try #require(projectless.json?["volumes"]).arrayValue.count == 2)
            let links = try #require(projectless.json?["volumes"]).arrayValue.first?["links"]?.arrayValue.first?[
                "href"
            ]?.stringValue
            #expect(links?.hasPrefix("http://localhost/v3/volumes/") == true)
        }
    }
}

@Suite struct QuotaReadTests {
    @Test func quotaSetsAndDefaultsHaveCindersShape() async throws {
        try await APIHarness.run { client, _, _ in
            let show = try await client.execute(
                uri: "/v3/\(APIHarness.project)/os-quota-sets/\(APIHarness.project)",
                method: .get,
                headers: APIHarness.token
            )
            let set = try #require(show.json?["quota_set"])
            #expect(
                set.keys == [
                    "volumes", "per_volume_gigabytes", "snapshots", "gigabytes", "backups", "backup_gigabytes",
                    "volumes___DEFAULT__", "gigabytes___DEFAULT__", "snapshots___DEFAULT__", "groups", "id",
                ]
            )
            #expect(set["volumes"] == 10)
            #expect(set["gigabytes"] == 1000)
            _ = try await client.createVolume()
            let usage = try await client.execute(
                uri: "/v3/\(APIHarness.project)/os-quota-sets/\(APIHarness.project)?usage=True",
                method: .get,
                headers: APIHarness.token
            )
            #expect(usage.json?["quota_set"]?["volumes"] == ["limit": 10, "in_use": 1, "reserved": 0])
            let defaults = try await client.execute(
                uri: "/v3/\(APIHarness.project)/os-quota-sets/\(APIHarness.project)/defaults",
                method: .get,
                headers: APIHarness.token
            )
            #expect(defaults.json?["quota_set"]?["snapshots"] == 10)
            let types = try await client.execute(
                uri: "/v3/\(APIHarness.project)/types",
                method: .get,
                headers: APIHarness.token
            )
            #expect(types.json?["volume_types"]?.arrayValue.first?["name"] == "__DEFAULT__")
            #expect(types.json?["volume_types"]?.arrayValue.first?["description"] == "Default Volume Type")
        }
    }
}

@Suite struct MetadataETagTests {
    @Test func ifMatchGuardsMetadataUpdatesFrom315() async throws {
        try await APIHarness.run { client, _, _ in
            let id = try await client.createVolume(#"{"volume": {"size": 1, "metadata": {"a": "1"}}}"#)
            let uri = "/v3/\(APIHarness.project)/volumes/\(id)/metadata"
            let read = try await client.execute(uri: uri, method: .get, headers: APIHarness.headers(version: "3.15"))
            let etag = try #require(read.headers[HTTPField.Name("ETag")!])
            #expect(etag == MD5.hexDigest(Array(read.body.readableBytesView)))
            var stale = APIHarness.headers(version: "3.15")
            stale[HTTPField.Name("If-Match")!] = "\"0123\""
            let refused = try await client.execute(
                uri: uri,
                method: .put,
                headers: stale,
                body: ByteBuffer(string: #"{"metadata": {"b": "2"}}"#)
            )
            #expect(refused.status == .preconditionFailed)
            var fresh = APIHarness.headers(version: "3.15")
            fresh[HTTPField.Name("If-Match")!] = "\"\(etag)\""
            let accepted = try await client.execute(
                uri: uri,
                method: .put,
                headers: fresh,
                body: ByteBuffer(string: #"{"metadata": {"b": "2"}}"#)
            )
            #expect(accepted.status == .ok)
            #expect(accepted.json?["metadata"] == ["b": "2"])
            let old = try await client.execute(uri: uri, method: .get, headers: APIHarness.token)
            #expect(old.headers[HTTPField.Name("ETag")!] == nil)
        }
    }
}

/// Bad input gets cinder's status, fault name and message, and stores nothing.
@Suite struct BadInputTests {
    static let base = "/v3/\(APIHarness.project)/volumes"

    @Test(arguments: [
        (
            "GET", "\(base)?sort=nosuchkey:asc", "", 400, "badRequest",
            "Invalid input received: Invalid sort key"
        ),
        (
            "GET", "\(base)?sort=name:sideways", "", 400, "badRequest",
            "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'."
        ),
        ("GET", "\(base)?limit=abc", "", 400, "badRequest", "limit param must be an integer"),
        ("GET", "\(base)?offset=-3", "", 400, "badRequest", "offset param must be positive"),
        ("GET", "\(base)?nosuchfilter=1", "", 200, "", ""),
        ("GET", "\(base)/not-a-uuid", "", 404, "itemNotFound", "Volume not-a-uuid could not be found."),
        (
            "POST", base, #"{"volume": {"size": 99999999999}}"#, 400, "badRequest",
            "Invalid input for field/attribute size. Value: 99999999999. 99999999999 is greater than the maximum of 2147483647"
        ),
        (
            "POST", base, #"{"volume": {"size": -1}}"#, 400, "badRequest",
            "Invalid input for field/attribute size. Value: -1. -1 is less than the minimum of 1"
        ),
        (
            "POST", base, #"{"volume": {"size": 1, "metadata": {"k": 5}}}"#, 400, "badRequest",
            "Invalid input for field/attribute k. Value: 5. 5 is not of type 'string'"
        ),
        (
            "POST", base, #"{"volume": {"size": 1, "multiattach": true}}"#, 400, "badRequest",
            "multiattach parameter has been removed. The default behavior is to use multiattach enabled volume types. Contact your administrator to create a multiattach enabled volume type and use it to create multiattach volumes."
        ),
        ("POST", base, "[1, 2]", 400, "badRequest", "[1, 2] is not of type 'object'"),
        (
            "POST", "\(base)/00000000-0000-0000-0000-000000000000/action", #"{"os-fly": {}}"#, 400, "badRequest",
            "There is no such action: os-fly. Verify the request body and Content-Type header and try again."
        ),
        (
            "PUT", "\(base)/00000000-0000-0000-0000-000000000000", #"{"volume": {"name": "x"}}"#, 404, "itemNotFound",
            "Volume 00000000-0000-0000-0000-000000000000 could not be found."
        ),
    ])
    func refusedWithCindersFault(
        method: String,
        uri: String,
        body: String,
        status: Int,
        fault: String,
        message: String
    )
        async throws
    {
        try await APIHarness.run { client, casts, api in
            let response = try await client.execute(
                uri: uri,
                method: HTTPRequest.Method(method)!,
                headers: APIHarness.token,
                body: body.isEmpty ? nil : ByteBuffer(string: body)
            )
            if status == 200 && fault.isEmpty {
                // Admins (every noauth caller) may filter on any column; an unknown one matches nothing.
                #expect(response.status.code == 200 || response.status.code == 400, "\(response.text)")
            } else {
                #expect(response.status.code == status, "\(response.text)")
                #expect(response.json?[fault]?["message"] == .string(message), "\(response.text)")
            }
            #expect(casts.casts.isEmpty)
            let page = try await api.listVolumes(.init(scope: .allProjects))
            #expect(page.items.isEmpty, "nothing was stored")
        }
    }

    static let attachments = "/v3/\(APIHarness.project)/attachments"
    static let missing = "00000000-0000-0000-0000-000000000000"

    /// The attachments API (3.27–3.71) and `os-extend_volume_completion` under the same rule:
    /// cinder's fault, nothing stored, nothing cast (the fidelity scenario compares the same
    /// requests with cinder 29.0.0 itself).
    @Test(arguments: [
        (
            "POST", attachments, #"{"attachment": {}}"#, 400, "badRequest",
            "Invalid input for field/attribute attachment. Value: {}. 'volume_uuid' is a required property"
        ),
        (
            "POST", attachments, #"{"attachment": {"volume_uuid": "nope"}}"#, 400, "badRequest",
            "Invalid input for field/attribute volume_uuid. Value: nope. 'nope' is not a 'uuid'"
        ),
        (
            "POST", attachments, #"{"attachment": {"volume_uuid": "\#(missing)"}}"#, 404, "itemNotFound",
            "Volume \(missing) could not be found."
        ),
        ("GET", "\(attachments)?limit=abc", "", 400, "badRequest", "limit param must be an integer"),
        (
            "GET", "\(attachments)/\(missing)", "", 404, "itemNotFound",
            "Volume attachment could not be found with filter: attachment_id = \(missing)."
        ),
        (
            "PUT", "\(attachments)/\(missing)", #"{"attachment": {"connector": {"host": "h"}}}"#, 404,
            "itemNotFound", "Volume attachment could not be found with filter: attachment_id = \(missing)."
        ),
        (
            "POST", "\(base)/\(missing)/action", #"{"os-extend_volume_completion": {"error": false}}"#, 404,
            "itemNotFound", "Volume \(missing) could not be found."
        ),
    ])
    func attachmentRoutesRefusedWithCindersFault(
        method: String,
        uri: String,
        body: String,
        status: Int,
        fault: String,
        message: String
    ) async throws {
        try await BadInputTests.expectRefused(method, uri, body, status, fault, message, version: "3.71") {
            api throws in
            #expect(try await api.listAttachments(.init(scope: .allProjects)).items.isEmpty, "nothing was stored")
            #expect(try await api.listVolumes(.init(scope: .allProjects)).items.isEmpty)
        }
    }

    // MARK: volume from a backup (3.47)

    /// `POST /volumes` with `backup_id`: `{available}` names an available 2 GiB backup,
    /// `{creating}` one still `creating`, `{volume}` an available volume. cinder's fault,
    /// no volume stored, nothing cast, the backups untouched.
    @Test(arguments: [
        (
            #"{"backup_id": "nope"}"#, 400, "badRequest",
            "Invalid input for field/attribute backup_id. Value: nope. 'nope' is not valid under any of the given schemas"
        ),
        (#"{"backup_id": "\#(missing)"}"#, 404, "itemNotFound", "Backup \(missing) could not be found."),
        (
            #"{"backup_id": "{creating}"}"#, 400, "badRequest",
            "Invalid backup: Originating backup status must be one of 'available' values"
        ),
        (
            #"{"backup_id": "{available}", "size": 1}"#, 400, "badRequest",
            "Invalid input received: Volume size 1GB cannot be smaller than the backup size 2GB. It must be >= backup size."
        ),
        (
            #"{"backup_id": "{available}", "source_volid": "{volume}"}"#, 400, "badRequest",
            "Invalid input received: May specify only one of backup, imageRef, snapshot, source volume"
        ),
    ])
    func volumeFromBackupRefusedWithCindersFault(
        volume: String,
        status: Int,
        fault: String,
        message: String
    )
        async throws
    {
        try await APIHarness.run { client, casts, api in
            let available = try await VolumeFromBackupAPITests.backup(api, status: .available, size: 2)
            let creating = try await VolumeFromBackupAPITests.backup(api, status: .creating, size: 2)
            let source = try await client.createVolume()
            try await VolumeFromBackupAPITests.makeAvailable(api, volume: source)
            let before = casts.casts
            let body =
                volume
                .replacingOccurrences(of: "{available}", with: available.id)
                .replacingOccurrences(of: "{creating}", with: creating.id)
                .replacingOccurrences(of: "{volume}", with: source)
            let response = try await VolumeFromBackupAPITests.create(client, body)
            #expect(response.status.code == status, "\(response.text)")
            #expect(response.json?[fault]?["message"] == .string(message), "\(response.text)")
            #expect(casts.casts == before, "nothing was cast")
            #expect(try await api.listVolumes(.init(scope: .allProjects)).items.map(\.id) == [source])
            #expect(try await VolumeFromBackupAPITests.status(api, backup: available.id) == .available)
            #expect(try await VolumeFromBackupAPITests.status(api, backup: creating.id) == .creating)
        }
    }

    // MARK: end volume from a backup
}

// MARK: - Volume transfers

extension BadInputTests {
    static let transfers = "/v3/\(APIHarness.project)/volume-transfers"
    static let legacyTransfers = "/v3/\(APIHarness.project)/os-volume-transfer"

    /// `/volume-transfers` and `/os-volume-transfer` under the same rule: cinder's fault,
    /// nothing stored, nothing cast.
    @Test(arguments: [
        (
            "POST", transfers, #"{"transfer": {}}"#, 400, "badRequest",
            "Invalid input for field/attribute transfer. Value: {}. 'volume_id' is a required property"
        ),
        (
            "POST", transfers, #"{"transfer": {"volume_id": "nope"}}"#, 400, "badRequest",
            "Invalid input for field/attribute volume_id. Value: nope. 'nope' is not a 'uuid'"
        ),
        (
            "POST", legacyTransfers, #"{"transfer": {"volume_id": "\#(missing)", "name": "   "}}"#, 400,
            "badRequest",
            "Invalid input for field/attribute name. Value:    . '   ' is not valid under any of the given schemas"
        ),
        (
            "POST", transfers, #"{"transfer": {"volume_id": "\#(missing)"}}"#, 404, "itemNotFound",
            "Volume \(missing) could not be found."
        ),
        ("POST", transfers, "[1]", 400, "badRequest", "[1] is not of type 'object'"),
        (
            "POST", "\(transfers)/\(missing)/accept", #"{"accept": {}}"#, 400, "badRequest",
            "Invalid input for field/attribute accept. Value: {}. 'auth_key' is a required property"
        ),
        (
            "POST", "\(legacyTransfers)/\(missing)/accept", #"{"accept": {"auth_key": ["k"]}}"#, 400, "badRequest",
            "Invalid input for field/attribute auth_key. Value: ['k']. ['k'] is not of type 'string', 'integer'"
        ),
        (
            "POST", "\(transfers)/\(missing)/accept", #"{"accept": {"auth_key": "k"}}"#, 404, "itemNotFound",
            "Transfer \(missing) could not be found."
        ),
        ("GET", "\(transfers)/\(missing)", "", 404, "itemNotFound", "Transfer \(missing) could not be found."),
        ("DELETE", "\(legacyTransfers)/\(missing)", "", 404, "itemNotFound", "Transfer \(missing) could not be found."),
        ("GET", "\(transfers)?limit=abc", "", 400, "badRequest", "limit param must be an integer"),
        ("GET", "\(legacyTransfers)?offset=-1", "", 400, "badRequest", "offset must be >= 0"),
        ("GET", "\(transfers)?sort=bogus", "", 400, "badRequest", "Invalid input received: Invalid sort key"),
        ("GET", "\(transfers)?marker=\(missing)", "", 404, "itemNotFound", "Transfer \(missing) could not be found."),
    ])
    func transferRoutesRefusedWithCindersFault(
        method: String,
        uri: String,
        body: String,
        status: Int,
        fault: String,
        message: String
    ) async throws {
        try await BadInputTests.expectRefused(method, uri, body, status, fault, message, version: "3.71") {
            api throws in
            #expect(try await api.transfers.list(.init(scope: .allProjects)).items.isEmpty, "nothing was stored")
            #expect(try await api.listVolumes(.init(scope: .allProjects)).items.isEmpty)
        }
    }
}

// MARK: - QoS specs

extension BadInputTests {
    static let qos = "/v3/\(APIHarness.project)/qos-specs"

    /// `/qos-specs` under the same rule: cinder's fault and nothing stored.
    @Test(arguments: [
        ("POST", qos, #"{"qos": {}}"#, 400, "badRequest", "'qos_specs' is a required property"),
        (
            "POST", qos, #"{"qos_specs": {"consumer": "front-end"}}"#, 400, "badRequest",
            "Invalid input for field/attribute qos_specs. Value: {'consumer': 'front-end'}. 'name' is a required property"
        ),
        (
            "POST", qos, #"{"qos_specs": {"name": "   "}}"#, 400, "badRequest",
            "An invalid 'name' value was provided. The 'name' can not be empty."
        ),
        (
            "POST", qos, #"{"qos_specs": {"name": ""}}"#, 400, "badRequest",
            "An invalid 'name' value was provided. The 'name' can not be None."
        ),
        (
            "POST", qos, #"{"qos_specs": {"name": "n", "consumer": "sideways"}}"#, 400, "badRequest",
            QoSSpecsAPI.invalidConsumer
        ),
        (
            "POST", qos, #"{"qos_specs": {"name": "n", "consumer": ""}}"#, 400, "badRequest",
            QoSSpecsAPI.invalidConsumer
        ),
        (
            "POST", qos, #"{"qos_specs": {"name": "n", "iops": 5}}"#, 400, "badRequest",
            #"Invalid input received: Value for key "iops" is not a string or unicode"#
        ),
        (
            "POST", qos, #"{"qos_specs": {"name": "n", "iops": "\#(String(repeating: "9", count: 256))"}}"#, 400,
            "badRequest", #"Invalid input received: Value for key "iops" has 256 characters, more than 255."#
        ),
        ("GET", "\(qos)/\(missing)", "", 404, "itemNotFound", "No such QoS spec \(missing)."),
        ("GET", "\(qos)?marker=\(missing)", "", 404, "itemNotFound", "No such QoS spec \(missing)."),
        ("GET", "\(qos)?sort=name:asc", "", 400, "badRequest", "Invalid input received: Invalid sort key"),
        ("GET", "\(qos)?limit=-1", "", 400, "badRequest", "limit param must be positive"),
        (
            "PUT", "\(qos)/\(missing)", #"{"qos_specs": {"a": "b"}}"#, 404, "itemNotFound",
            "No such QoS spec \(missing)."
        ),
        (
            "PUT", "\(qos)/\(missing)", #"{"qos_specs": {"a*b": "c"}}"#, 400, "badRequest",
            "Invalid input for field/attribute qos_specs. Value: {'a*b': 'c'}. 'a*b' does not match any of the regexes: '^[a-zA-Z0-9-_:. /]{1,255}$'"
        ),
        (
            "PUT", "\(qos)/\(missing)", #"{"qos_specs": {"a": 1}}"#, 400, "badRequest",
            "Invalid input for field/attribute a. Value: 1. 1 is not of type 'string', 'null'"
        ),
        ("DELETE", "\(qos)/\(missing)", "", 404, "itemNotFound", "No such QoS spec \(missing)."),
        (
            "DELETE", "\(qos)/\(missing)?force=maybe", "", 400, "badRequest",
            "Value 'maybe' for 'force' is not a boolean."
        ),
        (
            "PUT", "\(qos)/\(missing)/delete_keys", #"{"keys": "a"}"#, 400, "badRequest",
            "Invalid input for field/attribute keys. Value: a. 'a' is not of type 'array'"
        ),
        (
            "PUT", "\(qos)/\(missing)/delete_keys", #"{"keys": ["a", "a"]}"#, 400, "badRequest",
            "Invalid input for field/attribute keys. Value: ['a', 'a']. ['a', 'a'] has non-unique elements"
        ),
        (
            "PUT", "\(qos)/\(missing)/delete_keys", #"{"keys": [""]}"#, 400, "badRequest",
            "Invalid input for field/attribute 0. Value: . '' should be non-empty"
        ),
        (
            "PUT", "\(qos)/\(missing)/delete_keys", #"{"keys": ["a"]}"#, 404, "itemNotFound",
            "No such QoS spec \(missing)."
        ),
        ("GET", "\(qos)/\(missing)/associate", "", 400, "badRequest", "Volume Type id must not be None."),
        (
            "GET", "\(qos)/\(missing)/disassociate?vol_type_id=", "", 400, "badRequest",
            "Volume Type id must not be None."
        ),
        (
            "GET", "\(qos)/\(missing)/associate?vol_type_id=\(missing)", "", 404, "itemNotFound",
            "No such QoS spec \(missing)."
        ),
        ("GET", "\(qos)/\(missing)/associations", "", 404, "itemNotFound", "No such QoS spec \(missing)."),
        ("GET", "\(qos)/\(missing)/disassociate_all", "", 404, "itemNotFound", "No such QoS spec \(missing)."),
    ])
    func qosSpecsRoutesRefusedWithCindersFault(
        method: String,
        uri: String,
        body: String,
        status: Int,
        fault: String,
        message: String
    ) async throws {
        try await APIHarness.run { client, casts, api in
            try await BadInputTests.expectFault(
                client,
                casts,
                method: method,
                uri: uri,
                body: body,
                status: status,
                fault: fault,
                message: message
            )
            #expect(try await api.qosSpecs.list(.init(scope: .allProjects)).items.isEmpty, "nothing was stored")
        }
    }
}

extension BadInputTests {
    /// Sends one bad request as admin (at `version`, or none) and checks cinder's status and
    /// fault text and that nothing was cast; each table then checks its own store stayed empty.
    static func expectFault(
        _ client: any TestClientProtocol,
        _ casts: CastRecorder,
        method: String,
        uri: String,
        version: String? = nil,
        body: String,
        status: Int,
        fault: String,
        message: String
    ) async throws {
        let response = try await client.execute(
            uri: uri,
            method: HTTPRequest.Method(method)!,
            headers: APIHarness.headers(version: version),
            body: body.isEmpty ? nil : ByteBuffer(string: body)
        )
        #expect(response.status.code == status, "\(response.text)")
        #expect(response.json?[fault]?["message"] == .string(message), "\(response.text)")
        #expect(casts.casts.isEmpty)
    }

    /// One refusal row through a fresh pipeline: the request answers `status` with cinder's
    /// fault and nothing is cast; `nothingStored` then checks that the store did not change.
    static func expectRefused(
        _ method: String,
        _ uri: String,
        _ body: String,
        _ status: Int,
        _ fault: String,
        _ message: String,
        version: String? = nil,
        nothingStored: @escaping @Sendable (VolumeAPI) async throws -> Void
    ) async throws {
        try await APIHarness.run { client, casts, api in
            try await expectFault(
                client,
                casts,
                method: method,
                uri: uri,
                version: version,
                body: body,
                status: status,
                fault: fault,
                message: message
            )
            try await nothingStored(api)
        }
    }
}

extension BadInputTests {
    static let encryptionOfMissingType = "/v3/\(APIHarness.project)/types/\(missing)/encryption"

    /// `/types/{id}/encryption` and `/volumes/{id}/encryption`: the schema's texts (checked
    /// before anything is looked up), then the missing type's or volume's 404; nothing stored.
    @Test(arguments: [
        (
            "POST", encryptionOfMissingType, #"{"encryption_type": {}}"#, 400, "badRequest",
            "'encryption' is a required property"
        ),
        (
            "POST", encryptionOfMissingType, #"{"encryption": {}}"#, 400, "badRequest",
            "Invalid input for field/attribute encryption. Value: {}. 'provider' is a required property"
        ),
        (
            "POST", encryptionOfMissingType, #"{"encryption": {"provider": "luks"}}"#, 400, "badRequest",
            "Invalid input for field/attribute encryption. Value: {'provider': 'luks'}. 'control_location' is a required property"
        ),
        (
            "POST", encryptionOfMissingType, #"{"encryption": {"provider": "luks", "control_location": "sideways"}}"#,
            400, "badRequest",
            "Invalid input for field/attribute control_location. Value: sideways. 'sideways' is not one of ['front-end', 'back-end']"
        ),
        (
            "POST", encryptionOfMissingType,
            #"{"encryption": {"provider": "luks", "control_location": "front-end", "key_size": "abc"}}"#, 400,
            "badRequest", "Invalid input received: key_size must be an integer."
        ),
        (
            "POST", encryptionOfMissingType,
            #"{"encryption": {"provider": "luks", "control_location": "front-end", "key_size": -1}}"#, 400,
            "badRequest", "Invalid input for field/attribute key_size. Value: -1. -1 is less than the minimum of 0"
        ),
        (
            "POST", encryptionOfMissingType,
            #"{"encryption": {"provider": "luks", "control_location": "front-end", "key_size": true}}"#, 400,
            "badRequest",
            "Invalid input for field/attribute key_size. Value: True. True is not of type 'string', 'integer', 'null'"
        ),
        (
            "POST", encryptionOfMissingType, #"{"encryption": {"provider": 5, "control_location": "front-end"}}"#,
            400, "badRequest", "Invalid input for field/attribute provider. Value: 5. 5 is not of type 'string'"
        ),
        (
            "POST", encryptionOfMissingType,
            #"{"encryption": {"provider": "luks", "control_location": "back-end"}, "extra": 1}"#, 400, "badRequest",
            "Additional properties are not allowed ('extra' was unexpected)"
        ),
        (
            "POST", encryptionOfMissingType, #"{"encryption": {"provider": "luks", "control_location": "front-end"}}"#,
            404, "itemNotFound", "Volume type \(missing) could not be found."
        ),
        ("GET", encryptionOfMissingType, "", 404, "itemNotFound", "Volume type \(missing) could not be found."),
        (
            "GET", "\(encryptionOfMissingType)/cipher", "", 404, "itemNotFound",
            "Volume type \(missing) could not be found."
        ),
        (
            "PUT", "\(encryptionOfMissingType)/any", #"{"encryption": {"control_location": "up"}}"#, 400, "badRequest",
            "Invalid input for field/attribute control_location. Value: up. 'up' is not one of ['front-end', 'back-end']"
        ),
        (
            "PUT", "\(encryptionOfMissingType)/any", #"{"encryption": {"cipher": null}}"#, 404, "itemNotFound",
            "Volume type \(missing) could not be found."
        ),
        (
            "DELETE", "\(encryptionOfMissingType)/any", "", 404, "itemNotFound",
            "Volume type encryption for type \(missing) does not exist."
        ),
        (
            "GET", "/v3/\(APIHarness.project)/volumes/\(missing)/encryption", "", 404, "itemNotFound",
            "Volume \(missing) could not be found."
        ),
        (
            "GET", "/v3/\(APIHarness.project)/volumes/\(missing)/encryption/cipher", "", 404, "itemNotFound",
            "Volume \(missing) could not be found."
        ),
    ])
    func encryptionRoutesRefusedWithCindersFault(
        method: String,
        uri: String,
        body: String,
        status: Int,
        fault: String,
        message: String
    ) async throws {
        try await APIHarness.run { client, casts, api in
            try await BadInputTests.expectFault(
                client,
                casts,
                method: method,
                uri: uri,
                body: body,
                status: status,
                fault: fault,
                message: message
            )
            #expect(try await api.encryptionTypes.encryption(ofVolumeType: Self.missing) == nil, "nothing was stored")
        }
    }
}

// MARK: os-services freeze, thaw, failover_host, get-log, set-log

extension BadInputTests {
    static let services = "/v3/\(APIHarness.project)/os-services"

    /// The service operations' bad bodies: cinder's schema and `get_cluster_host` faults;
    /// nothing changes on the service and nothing is cast.
    @Test(arguments: [
        (
            "freeze", "3.0", #"{"host": "node@alpha", "extra": 1}"#, 400,
            "Additional properties are not allowed ('extra' was unexpected)"
        ),
        (
            "freeze", "3.0", #"{"host": "bad host!"}"#, 400,
            #"Invalid input for field/attribute host. Value: bad host!. 'bad host!' does not match '^[a-zA-Z0-9-._#@:/+\\[\\]]*$'"#
        ),
        ("freeze", "3.0", "{}", 400, "Invalid input received: Host field is missing."),
        (
            "thaw", "3.26", #"{"host": "", "cluster": ""}"#, 400,
            "Invalid input for field/attribute host. Value: . '' should be non-empty"
        ),
        (
            "failover_host", "3.26", "{}", 400,
            "Invalid input received: One and only one of cluster and host must be set."
        ),
        (
            "failover_host", "3.0", #"{"host": "nowhere"}"#, 400,
            "No service found with host=nowhere"
        ),
        (
            "set-log", "3.32", #"{"binary": "cinder-nothing", "level": "DEBUG"}"#, 400,
            "Invalid input for field/attribute binary. Value: cinder-nothing. 'cinder-nothing' is not one of ['cinder-scheduler', 'cinder-volume', 'cinder-backup', 'cinder-api', '', '*']"
        ),
        ("set-log", "3.32", #"{"level": "LOUD"}"#, 400, "Invalid input received: LOUD is not a valid log level."),
        ("set-log", "3.32", #"{"level": null}"#, 400, "Invalid input received:  is not a valid log level."),
        ("set-log", "3.32", "{}", 400, "Invalid input received:  is not a valid log level."),
        (
            "get-log", "3.32", #"{"level": "DEBUG"}"#, 400,
            "Additional properties are not allowed ('level' was unexpected)"
        ),
        (
            "get-log", "3.32", #"{"prefix": 5}"#, 400,
            "Invalid input for field/attribute prefix. Value: 5. 5 is not of type 'string', 'null'"
        ),
    ])
    func serviceOperationsRefusedWithCindersFault(
        action: String,
        version: String,
        body: String,
        status: Int,
        message: String
    ) async throws {
        try await APIHarness.run { client, casts, api in
            let service = try await api.store.createService(
                ServiceRecord(host: "node@alpha", binary: "cinder-volume", topic: "cinder-volume")
            )
            try await BadInputTests.expectFault(
                client,
                casts,
                method: "PUT",
                uri: "\(Self.services)/\(action)",
                version: version,
                body: body,
                status: status,
                fault: "badRequest",
                message: message
            )
            let after = try await api.store.service(id: service.id)
            #expect(!after.frozen && !after.disabled && after.replicationStatus == "not-capable")
        }
    }
}

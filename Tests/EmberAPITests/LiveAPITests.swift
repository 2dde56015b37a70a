import EmberCore
import EmberTesting
import Foundation
import HTTPTypes
import Testing

/// The API with the scheduler and a file-backed volume service behind it, as `ember all`
/// runs: what a client sees end to end.
@Suite("Live API: volumes, snapshots and actions through real workers")
struct LiveAPITests {
    @Test("scheduler-stats/get_pools answers from the scheduler's capability reports", arguments: LiveBackend.all)
    func schedulerPools(kind: LiveBackend) async throws {
        try await LiveHarness.run(kind) { live in
            let names = try await live.request(.get, "/scheduler-stats/get_pools")
            #expect(names.status == .ok)
            let pools = names.json?["pools"]?.arrayValue ?? []
            #expect(pools.count == 1)
            #expect(pools.first?.keys == ["name"])
            #expect(pools.first?["name"]?.stringValue?.hasSuffix("@local#local") == true)
            let detail = try await live.request(.get, "/scheduler-stats/get_pools?detail=true")
            let capabilities = detail.json?["pools"]?.arrayValue.first?["capabilities"]
            #expect(capabilities?["volume_backend_name"] == "local")
            #expect(capabilities?["total_capacity_gb"] != nil)
            let filtered = try await live.request(
                .get,
                "/scheduler-stats/get_pools?name=nowhere@none%23none",
                version: "3.28"
            )
            #expect(filtered.json?["pools"]?.arrayValue.isEmpty == true)
            // The backend's own answer to `get_capabilities`, through the volume service.
            let host = try #require(pools.first?["name"]?.stringValue?.split(separator: "#").first.map(String.init))
            let answer = try await live.request(.get, "/capabilities/\(host)")
            #expect(answer.status == .ok)
            #expect(answer.json?["namespace"] == .string("OS::Storage::Capabilities::\(host)"))
            #expect(answer.json?["volume_backend_name"] == "local")
            #expect(answer.json?["storage_protocol"] == "local")
            #expect(answer.json?["properties"]?["thin_provisioning"]?["type"] == "boolean")
            let missing = try await live.request(.get, "/capabilities/nowhere@none")
            #expect(missing.status == .notFound)
            #expect(missing.json?["itemNotFound"]?["message"] == "Can't find service: nowhere@none")
        }
    }

    @Test(
        "a volume created through the API becomes available; extend grows it; delete frees the file",
        arguments: LiveBackend.all
    )
    func createExtendDelete(kind: LiveBackend) async throws {
        try await LiveHarness.run(kind) { live in
            let created = try await live.request(.post, "/volumes", #"{"volume": {"size": 1, "name": "live"}}"#)
            #expect(created.status == .accepted)
            let id = try #require(created.json?["volume"]?["id"]?.stringValue)
            let volume = try await live.waitForStatus("/volumes/\(id)", "volume", ["available", "error"])
            #expect(volume["status"] == "available")
            #expect(volume["os-vol-host-attr:host"]?.stringValue?.hasSuffix("@local#local") == true)
            #expect(fileSize(live.volumeFile(id)) == 1 << 30)

            let extend = try await live.request(.post, "/volumes/\(id)/action", #"{"os-extend": {"new_size": 2}}"#)
            #expect(extend.status == .accepted, "\(extend.text)")
            try await waitFor("the volume is 2 GiB and available") {
                let shown = try await live.request(.get, "/volumes/\(id)").json?["volume"]
                return shown?["size"] == 2 && shown?["status"] == "available"
            }
            #expect(fileSize(live.volumeFile(id)) == 2 << 30)
            let limits = try await live.request(.get, "/limits").json?["limits"]?["absolute"]
            #expect(limits?["totalGigabytesUsed"] == 2)

            let delete = try await live.request(.delete, "/volumes/\(id)")
            #expect(delete.status == .accepted)
            try await live.waitForGone("/volumes/\(id)")
            #expect(fileSize(live.volumeFile(id)) == nil)
            try await waitFor("the quota is given back") {
                let absolute = try await live.request(.get, "/limits").json?["limits"]?["absolute"]
                return absolute?["totalGigabytesUsed"] == 0 && absolute?["totalVolumesUsed"] == 0
            }
        }
    }

    @Test(
        "snapshot → volume from it → clone keep the bytes; revert puts the snapshot's bytes back",
        arguments: LiveBackend.all
    )
    func snapshotCloneRevert(kind: LiveBackend) async throws {
        try await LiveHarness.run(kind) { live in
            let source = try await live.createAvailableVolume(size: 1)
            let payload = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) }
            try writeBytes(payload, to: live.volumeFile(source), at: 3 << 20)

            let snap = try await live.request(
                .post,
                "/snapshots",
                #"{"snapshot": {"volume_id": "\#(source)", "name": "s1", "metadata": {"k": "v"}}}"#
            )
            #expect(snap.status == .accepted, "\(snap.text)")
            let snapshotID = try #require(snap.json?["snapshot"]?["id"]?.stringValue)
            #expect(snap.json?["snapshot"]?["status"] == "creating")
            let ready = try await live.waitForStatus("/snapshots/\(snapshotID)", "snapshot", ["available", "error"])
            #expect(ready["status"] == "available")
            #expect(ready["size"] == 1)
            #expect(ready["metadata"] == ["k": "v"])
            let usage = try await live.request(.get, "/limits").json?["limits"]?["absolute"]
            #expect(usage?["totalSnapshotsUsed"] == 1)

            // Change the volume after the snapshot.
            try writeBytes([UInt8](repeating: 0xEE, count: 4096), to: live.volumeFile(source), at: 3 << 20)

            let fromSnapshot = try await live.createAvailableVolume(
                #"{"volume": {"snapshot_id": "\#(snapshotID)", "size": 2}}"#
            )
            #expect(try readBytes(4096, from: live.volumeFile(fromSnapshot), at: 3 << 20) == payload)
            #expect(fileSize(live.volumeFile(fromSnapshot)) == 2 << 30)
            let clone = try await live.createAvailableVolume(#"{"volume": {"source_volid": "\#(fromSnapshot)"}}"#)
            #expect(try readBytes(4096, from: live.volumeFile(clone), at: 3 << 20) == payload)

            // Revert is 3.40; the volume must not have snapshots to be deleted.
            let old = try await live.request(
                .post,
                "/volumes/\(source)/action",
                #"{"revert": {"snapshot_id": "\#(snapshotID)"}}"#
            )
            #expect(old.status == .notFound)
            let revert = try await live.request(
                .post,
                "/volumes/\(source)/action",
                #"{"revert": {"snapshot_id": "\#(snapshotID)"}}"#,
                version: "3.40"
            )
            #expect(revert.status == .accepted, "\(revert.text)")
            try await live.waitForStatus("/volumes/\(source)", "volume", ["available", "error"])
            try await live.waitForStatus("/snapshots/\(snapshotID)", "snapshot", ["available"])
            #expect(try readBytes(4096, from: live.volumeFile(source), at: 3 << 20) == payload)

            let blocked = try await live.request(.delete, "/volumes/\(source)")
            #expect(blocked.status == .badRequest)
            let deleteSnapshot = try await live.request(.delete, "/snapshots/\(snapshotID)")
            #expect(deleteSnapshot.status == .accepted)
            try await live.waitForGone("/snapshots/\(snapshotID)")
            #expect(fileSize(live.directory + "/local/snapshot-" + snapshotID) == nil)
            try await waitFor("the snapshot quota is given back") {
                let absolute = try await live.request(.get, "/limits").json?["limits"]?["absolute"]
                return absolute?["totalSnapshotsUsed"] == 0
            }
        }
    }

    @Test(
        "attach and detach: attaching → in-use → detaching → available, attachments as cinder lists them",
        arguments: LiveBackend.all
    )
    func attachDetachRoundTrip(kind: LiveBackend) async throws {
        try await LiveHarness.run(kind) { live in
            let id = try await live.createAvailableVolume(size: 1)
            let action = "/volumes/\(id)/action"
            let server = "8a1c2f44-6a39-4e8e-9b6c-2a8a6b1f0c11"

            #expect(try await live.request(.post, action, #"{"os-reserve": null}"#).status == .accepted)
            #expect(try await live.request(.get, "/volumes/\(id)").json?["volume"]?["status"] == "attaching")

            let connection = try await live.request(
                .post,
                action,
                #"{"os-initialize_connection": {"connector": {"host": "compute-1", "initiator": "iqn.x"}}}"#
            )
            #expect(connection.status == .ok, "\(connection.text)")
            let info = try #require(connection.json?["connection_info"])
            #expect(info["driver_volume_type"] == "local")
            #expect(info["data"]?["device_path"] == .string(live.volumeFile(id)))
            #expect(info["data"]?["access_mode"] == "rw")
            #expect(info["data"]?["encrypted"] == false)
            #expect(info["enforce_multipath"] == false)

            let attach = try await live.request(
                .post,
                action,
                #"{"os-attach": {"instance_uuid": "\#(server)", "mountpoint": "/dev/vdb", "mode": "rw"}}"#
            )
            #expect(attach.status == .accepted, "\(attach.text)")
            let attached = try #require(try await live.request(.get, "/volumes/\(id)").json?["volume"])
            #expect(attached["status"] == "in-use")
            #expect(attached["metadata"] == ["attached_mode": "rw", "readonly": "False"])
            let attachments = try #require(attached["attachments"]).arrayValue
            #expect(attachments.count == 1)
            let entry = try #require(attachments.first)
            #expect(
                entry.keys == ["id", "attachment_id", "volume_id", "server_id", "host_name", "device", "attached_at"]
            )
            #expect(entry["id"] == .string(id))
            #expect(entry["volume_id"] == .string(id))
            #expect(entry["server_id"] == .string(server))
            #expect(entry["device"] == "/dev/vdb")
            #expect(entry["host_name"] == .null)
            #expect(entry["attached_at"]?.stringValue != nil)
            let attachmentID = try #require(entry["attachment_id"]?.stringValue)
            let listed = try await live.request(.get, "/volumes/detail").json?["volumes"]?.arrayValue.first
            #expect(listed?["attachments"]?.arrayValue.first?["attachment_id"] == .string(attachmentID))

            // Attached once: a second attach of a non-multiattach volume is refused by the backend.
            let again = try await live.request(
                .post,
                action,
                #"{"os-attach": {"instance_uuid": "9b2d3e55-7b4a-4f9f-8c7d-3b9b7c2a1d22", "mountpoint": "/dev/vdc"}}"#
            )
            #expect(again.status == .badRequest)
            #expect(
                again.json?["badRequest"]?["message"]
                    == "Error attaching volume - InvalidVolume: Invalid volume: volume is already attached and multiple attachments are not enabled"
            )
            // An in-use volume cannot be deleted.
            #expect(try await live.request(.delete, "/volumes/\(id)").status == .badRequest)

            #expect(try await live.request(.post, action, #"{"os-begin_detaching": {}}"#).status == .accepted)
            #expect(try await live.request(.get, "/volumes/\(id)").json?["volume"]?["status"] == "detaching")
            #expect(try await live.request(.post, action, #"{"os-roll_detaching": {}}"#).status == .accepted)
            #expect(try await live.request(.get, "/volumes/\(id)").json?["volume"]?["status"] == "in-use")
            #expect(try await live.request(.post, action, #"{"os-begin_detaching": {}}"#).status == .accepted)
            #expect(try await live.request(.get, "/volumes/\(id)").json?["volume"]?["status"] == "detaching")

            let terminate = try await live.request(
                .post,
                action,
                #"{"os-terminate_connection": {"connector": {"host": "compute-1"}}}"#
            )
            #expect(terminate.status == .accepted, "\(terminate.text)")
            let detach = try await live.request(
                .post,
                action,
                #"{"os-detach": {"attachment_id": "\#(attachmentID)"}}"#
            )
            #expect(detach.status == .accepted, "\(detach.text)")
            let detached = try #require(try await live.request(.get, "/volumes/\(id)").json?["volume"])
            #expect(detached["status"] == "available")
            #expect(detached["attachments"] == [])
            #expect(detached["metadata"] == ["readonly": "False"])
            let rows = try await live.store.listAttachments(
                .init(scope: .allProjects, filters: [.equals("volume_id", id)])
            )
            #expect(rows.items.isEmpty)

            // Read-only volumes attach read-only only.
            #expect(
                try await live.request(.post, action, #"{"os-update_readonly_flag": {"readonly": true}}"#).status
                    == .accepted
            )
            let readWrite = try await live.request(
                .post,
                action,
                #"{"os-attach": {"host_name": "Glance_Host", "mountpoint": "/mnt"}}"#
            )
            #expect(
                readWrite.json?["badRequest"]?["message"] == .string("Invalid attaching mode 'rw' for volume \(id).")
            )
            let readOnly = try await live.request(
                .post,
                action,
                #"{"os-attach": {"host_name": "Glance_Host", "mountpoint": "/mnt", "mode": "ro"}}"#
            )
            #expect(readOnly.status == .accepted, "\(readOnly.text)")
            let hostAttached = try #require(try await live.request(.get, "/volumes/\(id)").json?["volume"])
            #expect(hostAttached["attachments"]?.arrayValue.first?["host_name"] == "glance-host")
            #expect(hostAttached["metadata"]?["attached_mode"] == "ro")
            // Detach without an attachment id: the only attachment is meant.
            #expect(try await live.request(.post, action, #"{"os-detach": {}}"#).status == .accepted)
            #expect(try await live.request(.get, "/volumes/\(id)").json?["volume"]?["status"] == "available")
            // Reserved but never attached: unreserve goes back to available.
            #expect(try await live.request(.post, action, #"{"os-reserve": null}"#).status == .accepted)
            #expect(try await live.request(.post, action, #"{"os-unreserve": null}"#).status == .accepted)
            #expect(try await live.request(.get, "/volumes/\(id)").json?["volume"]?["status"] == "available")
        }
    }
}

extension Live {
    /// POSTs a volume and waits until it is available; returns its id.
    func createAvailableVolume(size: Int) async throws -> String {
        try await createAvailableVolume(#"{"volume": {"size": \#(size)}}"#)
    }

    func createAvailableVolume(_ body: String) async throws -> String {
        let created = try await request(.post, "/volumes", body)
        guard created.status == .accepted, let id = created.json?["volume"]?["id"]?.stringValue else {
            throw APITestError.unexpected(created.status.code, created.text)
        }
        let volume = try await waitForStatus("/volumes/\(id)", "volume", ["available", "error"])
        guard volume["status"] == "available" else { throw APITestError.unexpected(0, volume.serialized()) }
        return id
    }
}

/// Polls `condition` until it holds; fails after `TestPatience.eventually`.
func waitFor(_ what: String, _ condition: @Sendable () async throws -> Bool) async throws {
    if try await poll(until: condition) { return }
    Issue.record("Timed out waiting until \(what)")
    throw CancellationError()
}

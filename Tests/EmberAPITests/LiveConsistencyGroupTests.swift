import EmberCore
import Foundation
import Testing

/// The legacy consistency-group API through the real scheduler and volume service, on
/// SQLite and PostgreSQL: a consistency group of two volumes with data, a cgsnapshot, more
/// writes, then a consistency group from the cgsnapshot holds the snapshot-time bytes.
@Suite("Live API: consistency groups and cgsnapshots through the real workers")
struct LiveConsistencyGroupTests {
    static func pattern(_ seed: Int) -> [UInt8] { (0..<8192).map { UInt8(truncatingIfNeeded: $0 &* seed &+ 5) } }

    @Test(
        "a consistency group from a cgsnapshot holds the snapshot-time bytes; force delete takes the volumes",
        arguments: LiveBackend.all
    )
    func consistencyGroupFromCGSnapshot(kind: LiveBackend) async throws {
        try await LiveHarness.run(kind) { live in
            let type = try await live.request(.post, "/types", #"{"volume_type": {"name": "cg-type"}}"#)
            #expect(type.status == .ok, "\(type.text)")
            let created = try await live.request(
                .post,
                "/consistencygroups",
                #"{"consistencygroup": {"name": "cg", "volume_types": "cg-type"}}"#
            )
            #expect(created.status == .accepted, "\(created.text)")
            let cgID = try #require(created.json?["consistencygroup"]?["id"]?.stringValue)
            let cg = try await live.waitForStatus(
                "/consistencygroups/\(cgID)",
                "consistencygroup",
                ["available", "error"]
            )
            #expect(cg["status"] == "available", "\(cg.serialized())")

            var members: [String] = []
            for index in 0..<2 {
                let volume = try await live.request(
                    .post,
                    "/volumes",
                    #"{"volume": {"size": 1, "volume_type": "cg-type", "consistencygroup_id": "\#(cgID)"}}"#
                )
                #expect(volume.status == .accepted, "\(volume.text)")
                let id = try #require(volume.json?["volume"]?["id"]?.stringValue)
                let shown = try await live.waitForStatus("/volumes/\(id)", "volume", ["available", "error"])
                #expect(shown["status"] == "available" && shown["consistencygroup_id"] == .string(cgID))
                try writeBytes(Self.pattern(3 + index), to: live.volumeFile(id), at: 4 << 20)
                members.append(id)
            }

            let snap = try await live.request(
                .post,
                "/cgsnapshots",
                #"{"cgsnapshot": {"consistencygroup_id": "\#(cgID)", "name": "cgs"}}"#
            )
            #expect(snap.status == .accepted, "\(snap.text)")
            let snapID = try #require(snap.json?["cgsnapshot"]?["id"]?.stringValue)
            let taken = try await live.waitForStatus("/cgsnapshots/\(snapID)", "cgsnapshot", ["available", "error"])
            #expect(taken["status"] == "available" && taken["consistencygroup_id"] == .string(cgID))

            // Writes after the cgsnapshot.
            for (index, id) in members.enumerated() {
                try writeBytes(Self.pattern(50 + index), to: live.volumeFile(id), at: 4 << 20)
            }

            let copy = try await live.request(
                .post,
                "/consistencygroups/create_from_src",
                #"{"consistencygroup-from-src": {"name": "restored", "cgsnapshot_id": "\#(snapID)"}}"#
            )
            #expect(copy.status == .accepted, "\(copy.text)")
            let copyID = try #require(copy.json?["consistencygroup"]?["id"]?.stringValue)
            let restored = try await live.waitForStatus(
                "/consistencygroups/\(copyID)",
                "consistencygroup",
                ["available", "error"]
            )
            #expect(restored["status"] == "available", "\(restored.serialized())")
            let listed = try await live.request(.get, "/volumes/detail?group_id=\(copyID)", version: "3.13")
            let copies = listed.json?["volumes"]?.arrayValue ?? []
            #expect(copies.count == 2, "\(listed.text)")
            for volume in copies {
                #expect(volume["status"] == "available" && volume["consistencygroup_id"] == .string(copyID))
                let snapshotID = try #require(volume["snapshot_id"]?.stringValue)
                let snapshot = try await live.request(.get, "/snapshots/\(snapshotID)").json?["snapshot"]
                let source = try #require(members.firstIndex { $0 == snapshot?["volume_id"]?.stringValue })
                let id = try #require(volume["id"]?.stringValue)
                #expect(
                    try readBytes(8192, from: live.volumeFile(id), at: 4 << 20) == Self.pattern(3 + source),
                    "the copy of member \(source) holds the snapshot-time bytes"
                )
            }

            // The copy goes with its volumes (force); the cgsnapshot, then the source.
            let deleteCopy = try await live.request(
                .post,
                "/consistencygroups/\(copyID)/delete",
                #"{"consistencygroup": {"force": true}}"#
            )
            #expect(deleteCopy.status == .accepted, "\(deleteCopy.text)")
            try await live.waitForGone("/consistencygroups/\(copyID)")
            let deleteSnap = try await live.request(.delete, "/cgsnapshots/\(snapID)")
            #expect(deleteSnap.status == .accepted, "\(deleteSnap.text)")
            try await live.waitForGone("/cgsnapshots/\(snapID)")
            let deleteCG = try await live.request(
                .post,
                "/consistencygroups/\(cgID)/delete",
                #"{"consistencygroup": {"force": "true"}}"#
            )
            #expect(deleteCG.status == .accepted, "\(deleteCG.text)")
            try await live.waitForGone("/consistencygroups/\(cgID)")
            for id in members { try await live.waitForGone("/volumes/\(id)") }
            #expect(try await live.request(.get, "/consistencygroups").json == ["consistencygroups": []])
        }
    }
}

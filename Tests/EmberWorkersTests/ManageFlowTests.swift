import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import EmberWorkers
import Foundation
import Testing

@testable import EmberVolume

/// Manage existing end to end (API → scheduler → file backend) on both stores: a file the
/// backend holds is listed, adopted with its bytes, unmanaged (the file stays) and adopted
/// again; quota follows; bad references end `error_managing`; snapshots likewise.
@Suite("Manage existing: files adopted, let go and adopted again with their bytes")
struct ManageFlowTests {
    static let payload = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) }

    static func paging(_ keys: [String] = ["reference"], _ dirs: [String] = ["asc"]) -> ManageablePaging {
        ManageablePaging(marker: nil, limit: 1000, offset: 0, sortKeys: keys, sortDirs: dirs)
    }

    static func requestID() -> String { "req-" + UUID().uuidString.lowercased() }

    /// Writes a sparse file of `bytes` with the payload at 5 MiB.
    static func makeFile(_ path: String, bytes: Int) throws {
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.truncate(atOffset: UInt64(bytes))
        try handle.seek(toOffset: 5 << 20)
        try handle.write(contentsOf: Data(payload))
        try handle.close()
    }

    static func read(_ path: String) throws -> [UInt8] {
        let handle = try #require(FileHandle(forReadingAtPath: path))
        try handle.seek(toOffset: 5 << 20)
        let data = try handle.read(upToCount: 4096) ?? Data()
        try handle.close()
        return Array(data)
    }

    @Test(arguments: WorkerBackendKind.all)
    func manageUnmanageManageKeepsTheBytes(_ kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind) { workers in
            try await workers.waitForBackends(2)
            let host = workers.configuration.host + "@alpha"
            let directory = workers.directory.path + "/alpha/"
            try Self.makeFile(directory + "legacy-disk", bytes: (3 << 30) / 2)
            let caller = workers.caller
            let projectID = try #require(caller.projectID)

            // Listed: safe to manage, 1.5 GiB rounded up.
            let listed = try await workers.api.manageableVolumes(
                host: host,
                cluster: nil,
                paging: Self.paging(),
                caller: caller,
                requestID: Self.requestID()
            )
            #expect(
                listed == [ManageableResource(reference: ["source-name": "legacy-disk"], size: 2, safeToManage: true)]
            )

            // Managed: `managing` (shown `creating`), then `available` with the file's size.
            let managed = try await workers.api.manageExisting(
                ManageVolumeRequest(host: host, cluster: nil, ref: ["source-name": "legacy-disk"], name: "old"),
                caller: caller,
                requestID: Self.requestID()
            )
            #expect(managed.status == .managing)
            let adopted = try await workers.waitForVolume(managed.id, [.available, .errorManaging])
            #expect(adopted.status == .available)
            #expect(adopted.size == 2)
            #expect(adopted.host == host + "#alpha")
            #expect(!FileManager.default.fileExists(atPath: directory + "legacy-disk"))
            #expect(try Self.read(directory + "volume-" + managed.id) == Self.payload)
            let usage = try await workers.store.quotaUsages(projectID: projectID)
            #expect(usage["volumes"]?.inUse == 1)
            #expect(usage["gigabytes"]?.inUse == 2)

            // Listed again: owned now.
            let owned = try await workers.api.manageableVolumes(
                host: host,
                cluster: nil,
                paging: Self.paging(),
                caller: caller,
                requestID: Self.requestID()
            )
            #expect(
                owned == [
                    ManageableResource(
                        reference: ["source-name": .string("volume-" + managed.id)],
                        size: 2,
                        safeToManage: false,
                        reasonNotSafe: "already managed",
                        cinderID: managed.id
                    )
                ]
            )

            // Unmanaged: the row goes, the quota is given back, the file stays.
            try await workers.api.unmanageVolume(id: managed.id, caller: caller, requestID: Self.requestID())
            try await workers.waitForDeletion(managed.id)
            #expect(try Self.read(directory + "volume-" + managed.id) == Self.payload)
            // The manager gives the quota back just after it removes the row.
            try await waitUntil("the quota is given back") {
                let usage = try await workers.store.quotaUsages(projectID: projectID)
                return usage["volumes"]?.inUse == 0 && usage["gigabytes"]?.inUse == 0
            }
            let free = try await workers.api.manageableVolumes(
                host: host,
                cluster: nil,
                paging: Self.paging(),
                caller: caller,
                requestID: Self.requestID()
            )
            #expect(free.map(\.safeToManage) == [true])

            // Managed again, by its old name: same bytes under the new id.
            let again = try await workers.api.manageExisting(
                ManageVolumeRequest(host: host, cluster: nil, ref: ["source-name": .string("volume-" + managed.id)]),
                caller: caller,
                requestID: Self.requestID()
            )
            #expect(try await workers.waitForVolume(again.id, [.available, .errorManaging]).status == .available)
            #expect(try Self.read(directory + "volume-" + again.id) == Self.payload)

            // A reference to nothing: `error_managing`, and a delete takes the row away.
            let bad = try await workers.api.manageExisting(
                ManageVolumeRequest(host: host, cluster: nil, ref: ["source-name": "no-such-file"]),
                caller: caller,
                requestID: Self.requestID()
            )
            #expect(try await workers.waitForVolume(bad.id, [.available, .errorManaging]).status == .errorManaging)
            let escape = try await workers.api.manageExisting(
                ManageVolumeRequest(host: host, cluster: nil, ref: ["source-name": "../beta/x"]),
                caller: caller,
                requestID: Self.requestID()
            )
            #expect(try await workers.waitForVolume(escape.id, [.available, .errorManaging]).status == .errorManaging)
            try await workers.deleteVolume(bad.id)
            try await workers.waitForDeletion(bad.id)

            // Over the project's gigabytes quota (2 GiB used, 3 asked, 4 allowed): refused once
            // the backend knows the size; the file stays as it was and nothing is reserved.
            try Self.makeFile(directory + "too-big", bytes: 3 << 30)
            try await workers.store.setProjectQuota(projectID: projectID, resource: "gigabytes", hardLimit: 4)
            let big = try await workers.api.manageExisting(
                ManageVolumeRequest(host: host, cluster: nil, ref: ["source-name": "too-big"]),
                caller: caller,
                requestID: Self.requestID()
            )
            #expect(try await workers.waitForVolume(big.id, [.available, .errorManaging]).status == .errorManaging)
            #expect(try Self.read(directory + "too-big") == Self.payload)
            let after = try await workers.store.quotaUsages(projectID: projectID)
            #expect(after["gigabytes"]?.inUse == 2)
            #expect(after["gigabytes"]?.reserved == 0)
        }
    }

    @Test(arguments: WorkerBackendKind.all)
    func snapshotsAreManagedAndUnmanaged(_ kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind) { workers in
            try await workers.waitForBackends(2)
            let type = try await workers.store.createVolumeType(
                VolumeType(name: "alpha-\(kind)", extraSpecs: ["volume_backend_name": "alpha"])
            )
            let volume = try await workers.createVolume(size: 1, type: type.id)
            #expect(try await workers.waitForVolume(volume.id, [.available, .error]).status == .available)
            let host = workers.configuration.host + "@alpha"
            let directory = workers.directory.path + "/alpha/"
            try Self.makeFile(directory + "snapshot-old", bytes: 1 << 30)
            let listed = try await workers.api.manageableSnapshots(
                host: host,
                cluster: nil,
                paging: Self.paging(),
                caller: workers.caller,
                requestID: Self.requestID()
            )
            #expect(listed.map(\.reference) == [["source-name": "snapshot-old"]])
            let current = try await workers.store.volume(id: volume.id, scope: .allProjects)
            let snapshot = try await workers.api.snapshots.manageExisting(
                ref: "snapshot-old",
                volume: current,
                name: "adopted",
                description: nil,
                metadata: [:],
                caller: workers.caller,
                requestID: Self.requestID()
            )
            try await waitUntil("snapshot managed") {
                try await workers.store.snapshot(id: snapshot.id, scope: .allProjects).status == .available
            }
            #expect(try Self.read(directory + "snapshot-" + snapshot.id) == Self.payload)
            let owned = try await workers.api.manageableSnapshots(
                host: host,
                cluster: nil,
                paging: Self.paging(),
                caller: workers.caller,
                requestID: Self.requestID()
            )
            #expect(owned.first?.cinderID == snapshot.id)
            #expect(owned.first?.sourceReference == ["source-name": .string("volume-" + volume.id)])
            try await workers.api.snapshots.unmanage(
                id: snapshot.id,
                caller: workers.caller,
                requestID: Self.requestID()
            )
            try await waitUntil("snapshot unmanaged") {
                (try? await workers.store.snapshot(id: snapshot.id, scope: .allProjects)) == nil
            }
            #expect(try Self.read(directory + "snapshot-" + snapshot.id) == Self.payload)
        }
    }
}

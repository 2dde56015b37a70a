import EmberCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Manage existing (cinder's `ManageableVD` and `ManageableSnapshotsVD`, as its LVM driver
/// serves them): the files of the backend's directory are its objects. A file is adopted by
/// renaming it to the volume's (or snapshot's) own name, as the LVM driver renames its
/// logical volume; unmanaging leaves the file where it is, under that name.
extension FileDriver {
    /// The prefixes of the files the driver names itself.
    static let volumePrefix = "volume-"
    static let snapshotPrefix = "snapshot-"

    public func manageableVolumes(ownedIDs: Set<String>) async throws -> [ManageableResource] {
        try await manageable(snapshots: false) { name in
            let id = name.hasPrefix(Self.volumePrefix) ? String(name.dropFirst(Self.volumePrefix.count)) : nil
            return (id.flatMap { ownedIDs.contains($0) ? $0 : nil }, nil)
        }
    }

    public func manageableSnapshots(owned: [String: String]) async throws -> [ManageableResource] {
        try await manageable(snapshots: true) { name in
            let id = String(name.dropFirst(Self.snapshotPrefix.count))
            guard let volumeID = owned[id] else { return (nil, nil) }
            return (id, ["source-name": .string(Self.volumePrefix + volumeID)])
        }
    }

    /// The regular files of the directory (volumes: every file not named `snapshot-…`;
    /// snapshots: the `snapshot-…` files), each with its size in GiB rounded up, and
    /// `owner(name)`: the id of the volume or snapshot that owns it, and a snapshot's volume.
    private func manageable(
        snapshots: Bool,
        owner: @escaping @Sendable (String) -> (String?, JSONValue?)
    ) async throws -> [ManageableResource] {
        let directory = self.directory
        return try await pool.runIfActive {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            var entries: [ManageableResource] = []
            for name in names.sorted() where !name.hasPrefix(".") {
                guard name.hasPrefix(Self.snapshotPrefix) == snapshots else { continue }
                var info = stat()
                guard lstat(directory + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                let (cinderID, source) = owner(name)
                var entry = ManageableResource(
                    reference: ["source-name": .string(name)],
                    size: Self.gibRoundedUp(Int(info.st_size)),
                    safeToManage: cinderID == nil,
                    reasonNotSafe: cinderID == nil ? nil : "already managed",
                    cinderID: cinderID,
                    extraInfo: nil
                )
                if snapshots { entry.sourceReference = source ?? .null }
                entries.append(entry)
            }
            return entries
        }
    }

    /// The file a reference names: `{"source-name": "<file>"}` (or, for snapshots, the plain
    /// name), a file of this directory only.
    func referencedPath(_ ref: JSONValue) throws -> String {
        let name: String
        switch ref {
        case .string(let text): name = text
        case .object:
            guard let text = ref["source-name"]?.stringValue else {
                throw DriverError(
                    "Manage existing volume failed due to invalid backend reference \(ref.serialized()): Reference must contain source-name element."
                )
            }
            name = text
        default:
            throw DriverError(
                "Manage existing volume failed due to invalid backend reference \(ref.serialized()): Reference must contain source-name element."
            )
        }
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw DriverError(
                "Manage existing volume failed due to invalid backend reference \(name): Specified file is not in the volume directory."
            )
        }
        return directory + "/" + name
    }

    /// `manage_existing_get_size`: the referenced file's size in GiB, rounded up.
    public func manageExistingGetSize(ref: JSONValue) async throws -> Int {
        let path = try referencedPath(ref)
        return try await pool.runIfActive {
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                throw DriverError(
                    "Manage existing volume failed due to invalid backend reference \(path): Specified file does not exist."
                )
            }
            return Self.gibRoundedUp(Int(info.st_size))
        }
    }

    /// `manage_existing`: renames the file to `volume-<id>` and grows it to whole GiB (the
    /// size the volume is recorded with).
    public func manageExisting(volumeID: String, ref: JSONValue) async throws {
        try await adopt(ref, as: volumePath(volumeID))
    }

    public func manageExistingSnapshot(snapshotID: String, ref: JSONValue) async throws {
        try await adopt(ref, as: snapshotPath(snapshotID))
    }

    private func adopt(_ ref: JSONValue, as target: String) async throws {
        let source = try referencedPath(ref)
        try await pool.runIfActive {
            var info = stat()
            guard stat(source, &info) == 0 else { throw FileIO.errnoError("stat", source) }
            if source != target {
                guard access(target, F_OK) != 0 else {
                    throw DriverError("Unable to manage existing volume: \(target) already exists.")
                }
                guard rename(source, target) == 0 else { throw FileIO.errnoError("rename", source) }
            }
            try FileIO.grow(target, toBytes: Self.bytes(Self.gibRoundedUp(Int(info.st_size))))
        }
    }

    /// `unmanage`: nothing to do on the backend (as cinder's LVM driver): the file stays,
    /// under the volume's name, for a later manage.
    public func unmanage(volumeID: String) async throws {}

    /// `unmanage_snapshot`: the file stays, as ``unmanage(volumeID:)``.
    public func unmanageSnapshot(snapshotID: String) async throws {}

    /// A size in GiB as the backend reports it: rounded up, at least 1.
    static func gibRoundedUp(_ bytes: Int) -> Int {
        let gib = 1024 * 1024 * 1024
        return max(1, (bytes + gib - 1) / gib)
    }
}

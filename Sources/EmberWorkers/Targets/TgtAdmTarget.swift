import EmberCore
import Foundation
import Logging
import NIOPosix
import Synchronization

/// `target_helper = tgtadm`: each volume is one iSCSI target of a tgt daemon, as cinder's
/// `TgtAdm` (`cinder/volume/targets/tgt.py`) exports LVM volumes.
///
/// The target's IQN is `target_prefix` + `volume-<id>`; LUN 1 is the volume's file (LUN 0 is
/// tgt's controller); an incoming CHAP account is bound to it and its ACL allows every
/// initiator address (`-I ALL`): the CHAP credentials, generated per volume, are what
/// guards a target, as with cinder's tgt helper, which writes no initiator ACL either.
///
/// cinder drives tgtd through `tgt-admin --update` and persistence files; Ember calls
/// `tgtadm` directly (the target id is chosen here) and still writes cinder's persistence
/// file into `volumes_dir`, so a tgtd configured with `include <volumes_dir>/*` restores the
/// targets on its own restart.
///
/// Each export runs as one blocking sequence of `tgtadm` calls on NIO's blocking pool, under a
/// lock: listing the targets, choosing the next free target id and creating the target must
/// not interleave with another export of this process. Another process sharing the tgtd may
/// still take the same id first; tgtd then answers "already exists" and the next id is tried.
public final class TgtAdmTarget: VolumeTarget {
    public let configuration: TargetConfiguration
    let pool: NIOThreadPool
    let logger: Logger
    /// Serialises this process's `tgtadm` sequences (see the type's comment).
    private let lock = Mutex(())

    public init(configuration: TargetConfiguration, threadPool: NIOThreadPool = .singleton, logger: Logger) {
        self.configuration = configuration
        self.pool = threadPool
        self.logger = logger
    }

    public var exportsVolumes: Bool { true }

    /// `create_export`: the volume's stored credentials when it has some (cinder's
    /// `_get_target_chap_auth`), else the configured ones, else fresh ones.
    public func createExport(volumeID: String, path: String, providerAuth: String?) async throws -> TargetExport {
        let credentials = CHAPCredentials(providerAuth: providerAuth) ?? configuration.fixedCredentials ?? .generate()
        return try await export(volumeID: volumeID, path: path, credentials: credentials)
    }

    /// `ensure_export`: the same target with the stored credentials; an existing target is
    /// only completed (LUN, account, ACL), never replaced.
    public func ensureExport(volumeID: String, path: String, export: TargetExport) async throws -> TargetExport {
        try await createExport(volumeID: volumeID, path: path, providerAuth: export.auth)
    }

    public func removeExport(volumeID: String) async throws {
        try await pool.runIfActive { [self] in
            try lock.withLock { _ in try removeLocked(volumeID: volumeID) }
        }
    }

    public func connectionInfo(volumeID: String, export: TargetExport) throws -> JSONValue {
        guard let location = ISCSILocation(providerLocation: export.location) else {
            throw DriverError("Volume \(volumeID) has no iSCSI provider_location (\(export.location))")
        }
        return location.connectionInfo(volumeID: volumeID, auth: CHAPCredentials(providerAuth: export.auth))
    }

    /// The path of a volume's persistence file in `volumes_dir` (cinder names it after the
    /// volume: `volume-<id>`).
    public func persistencePath(volumeID: String) -> String {
        configuration.volumesDirectory + "/volume-" + volumeID
    }

    // MARK: - The tgtadm sequences (blocking, under the lock)

    private func export(volumeID: String, path: String, credentials: CHAPCredentials) async throws -> TargetExport {
        let tid = try await pool.runIfActive { [self] in
            try lock.withLock { _ in try exportLocked(volumeID: volumeID, path: path, credentials: credentials) }
        }
        let location = ISCSILocation(
            portals: [configuration.portal],
            targetID: tid,
            iqn: configuration.iqn(volumeID: volumeID),
            lun: 1
        )
        return TargetExport(location: location.providerLocation, auth: credentials.providerAuth)
    }

    private func tool() throws -> TgtAdm {
        guard let tgtadm = TgtAdm.locate(controlPort: configuration.tgtControlPort) else {
            throw DriverError("target_helper = tgtadm needs tgtadm, which is not installed (Debian: tgt)")
        }
        return tgtadm
    }

    private func exportLocked(volumeID: String, path: String, credentials: CHAPCredentials) throws -> Int {
        let tgtadm = try tool()
        let iqn = configuration.iqn(volumeID: volumeID)
        var targets = try tgtadm.targets()
        var tid = targets.first { $0.iqn == iqn }?.tid ?? 0
        var created = false
        if tid == 0 {
            tid = (targets.map(\.tid).max() ?? 0) + 1
            var attempts = 0
            while true {
                do {
                    try tgtadm.run(["--op", "new", "--mode", "target", "--tid", String(tid), "-T", iqn])
                    created = true
                    break
                } catch let error as TgtAdmError where error.alreadyExists && attempts < 16 {
                    // Another process took the id (or created this very target) meanwhile.
                    attempts += 1
                    targets = try tgtadm.targets()
                    if let existing = targets.first(where: { $0.iqn == iqn }) {
                        tid = existing.tid
                        break
                    }
                    tid = max(tid, targets.map(\.tid).max() ?? 0) + 1
                }
            }
        }
        do {
            let target = try tgtadm.targets().first { $0.tid == tid } ?? TgtTarget(tid: tid, iqn: iqn)
            if let backing = target.luns[1], backing != path {
                throw DriverError("Target \(iqn) exports \(backing) as LUN 1, not the volume's file \(path)")
            }
            if target.luns[1] == nil {
                try tgtadm.run([
                    "--op", "new", "--mode", "logicalunit", "--tid", String(tid), "--lun", "1", "-b", path,
                ])
            }
            if !target.accounts.contains(credentials.username) {
                do {
                    try tgtadm.run([
                        "--op", "new", "--mode", "account", "--user", credentials.username,
                        "--password", credentials.password,
                    ])
                } catch let error as TgtAdmError where error.alreadyExists {
                    // The configured account (shared by every volume), or this volume's own
                    // from an export tgtd still holds: same user, same stored password.
                }
                try tgtadm.run([
                    "--op", "bind", "--mode", "account", "--tid", String(tid), "--user", credentials.username,
                ])
            }
            if !target.acl.contains("ALL") {
                try tgtadm.run(["--op", "bind", "--mode", "target", "--tid", String(tid), "-I", "ALL"])
            }
            try writePersistenceFile(volumeID: volumeID, iqn: iqn, path: path, credentials: credentials)
        } catch {
            if created {
                _ = try? tgtadm.run(["--op", "delete", "--mode", "target", "--tid", String(tid), "--force"])
            }
            throw error
        }
        if created {
            logger.info(
                "Created iSCSI target",
                metadata: ["volume.id": .string(volumeID), "target.iqn": .string(iqn), "target.tid": "\(tid)"]
            )
        }
        return tid
    }

    /// cinder's `remove_iscsi_target` (`tgt-admin --force --delete <iqn>`): with sessions open,
    /// unbinds the ACL (no new login) and deletes every connection first, as tgt-admin's
    /// `--force` does (tgtd refuses to delete a target whose LUN is still active), then
    /// deletes the target, checks that it is gone, deletes the volume's own CHAP account and
    /// the persistence file. "Can't find the target" is not an error.
    private func removeLocked(volumeID: String) throws {
        let tgtadm = try tool()
        let iqn = configuration.iqn(volumeID: volumeID)
        if let target = try tgtadm.targets().first(where: { $0.iqn == iqn }) {
            let tid = String(target.tid)
            if !target.connections.isEmpty {
                for address in target.acl {
                    _ = try? tgtadm.run(["--op", "unbind", "--mode", "target", "--tid", tid, "-I", address])
                }
                for connection in target.connections {
                    _ = try? tgtadm.run([
                        "--op", "delete", "--mode", "conn", "--tid", tid, "--sid", String(connection.sid),
                        "--cid", String(connection.cid),
                    ])
                }
            }
            // Commands in flight when the connections closed keep the LUN active a moment.
            var attempt = 0
            while true {
                do {
                    try tgtadm.run(["--op", "delete", "--mode", "target", "--tid", tid, "--force"])
                    break
                } catch let error as TgtAdmError where error.message.contains("can't find the target") {
                    break  // Removed meanwhile by someone else: the outcome wanted.
                } catch let error as TgtAdmError where error.message.contains("still active") && attempt < 50 {
                    attempt += 1
                    usleep(100_000)
                }
            }
            let remaining = try tgtadm.targets()
            if remaining.contains(where: { $0.iqn == iqn }) {
                throw DriverError("tgtd still lists target \(iqn) after deleting it")
            }
            let shared = Set(remaining.flatMap(\.accounts))
            for account in target.accounts
            where account != configuration.fixedCredentials?.username && !shared.contains(account) {
                _ = try? tgtadm.run(["--op", "delete", "--mode", "account", "--user", account])
            }
            logger.info(
                "Removed iSCSI target",
                metadata: [
                    "volume.id": .string(volumeID), "target.iqn": .string(iqn), "sessions": "\(target.sessions)",
                ]
            )
        }
        let file = persistencePath(volumeID: volumeID)
        if unlink(file) != 0 && errno != ENOENT { throw FileIO.errnoError("unlink", file) }
    }

    /// cinder's `VOLUME_CONF` stanza for `tgt-admin`, readable by the owner only (it holds
    /// the CHAP password), written to a temporary file and renamed into place.
    private func writePersistenceFile(
        volumeID: String,
        iqn: String,
        path: String,
        credentials: CHAPCredentials
    )
        throws
    {
        let directory = configuration.volumesDirectory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let text = """
            <target \(iqn)>
                backing-store \(path)
                driver iscsi
                incominguser \(credentials.username) \(credentials.password)
                write-cache on
            </target>

            """
        let file = persistencePath(volumeID: volumeID)
        let temporary = file + ".tmp"
        guard
            FileManager.default.createFile(
                atPath: temporary,
                contents: Data(text.utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else { throw DriverError("Cannot write the target persistence file \(temporary)") }
        guard rename(temporary, file) == 0 else {
            let error = FileIO.errnoError("rename", temporary)
            _ = unlink(temporary)
            throw error
        }
    }
}

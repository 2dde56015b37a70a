import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

extension VolumeRPC.InitializeConnection {
    /// The connector key (`"ember_local_access": true`) by which a caller on the volume host
    /// asks for the volume's file itself (`driver_volume_type` `local`, `device_path`) whatever
    /// `target_helper` says: the backup service and migration copy data through the file and
    /// run where the volume directory is. No target is created for such a connection and its
    /// `terminate_connection` (with the same connector) removes none.
    public static let localAccessKey = "ember_local_access"
}

extension VolumeManager {
    /// `initialize_connection(volume_id, connector)` (a call): cinder's manager flow for the
    /// backend's target helper, then what cinder's `_parse_connection_options` adds to `data`:
    /// `qos_specs` (the specs of the volume's type when their consumer is `front-end` or
    /// `both`, per-GB limits worked out for the volume's size; null otherwise),
    /// `access_mode` (the attached mode, else `ro` for a read-only volume), `encrypted` and
    /// `cacheable`; for an encrypted volume also its `encryption_key_id`.
    ///
    /// - `target_helper = fake`, or a connector with
    ///   ``VolumeRPC/InitializeConnection/localAccessKey``: the driver's `local` connection
    ///   info, `{"driver_volume_type": "local", "data": {"device_path": …}}`.
    /// - `tgtadm`: the connector must name its `initiator` (cinder's `validate_connector`);
    ///   the volume's target is created or reused (`create_export`), `provider_location` and
    ///   `provider_auth` are stored (the target is removed again when that fails), and the
    ///   iSCSI connection info is built from them (``ISCSILocation/connectionInfo(volumeID:auth:)``).
    ///
    /// Exports of one volume are serialised on a lock of their own (not the volume's
    /// operation lock), so a caller holding ``serialized(_:_:)`` for the volume may call this.
    func initializeConnection(_ message: VolumeRPC.InitializeConnection) async throws -> JSONValue {
        let id = message.volumeID
        guard let volume = try await liveVolume(id) else { throw DriverError("Volume \(id) could not be found.") }
        var info: JSONValue
        if target.exportsVolumes && !Self.wantsLocalAccess(message.connector) {
            guard message.connector["initiator"]?.stringValue?.isEmpty == false else {
                throw EmberError.badRequest(
                    "Invalid input received: Connector doesn't have required information: initiator"
                )
            }
            info = try await serialized(Self.connectionLock(id)) { try await export(volume) }
        } else {
            info = try await driver.connectionInfo(volumeID: id)
        }
        guard case .object(var object) = info, case .object(var data)? = object["data"] else { return info }
        data["qos_specs"] = try await frontEndQoSSpecs(of: volume)
        let mode = volume.adminMetadata["attached_mode"] ?? (volume.adminMetadata["readonly"] == "True" ? "ro" : "rw")
        data["access_mode"] = .string(mode)
        if data["encrypted"] == nil { data["encrypted"] = .bool(volume.encryptionKeyID != nil) }
        // The key the consumer opens the volume with (it reads the rest of the encryption
        // from `GET /volumes/{id}/encryption`, as os-brick does).
        if let keyID = volume.encryptionKeyID, data["encryption_key_id"] == nil {
            data["encryption_key_id"] = .string(keyID)
        }
        let cacheable = (try? await store.volumeType(id: volume.volumeTypeID).extraSpecs["cacheable"]) == "<is> True"
        if case .bool(let driverSetting)? = data["cacheable"] {
            data["cacheable"] = .bool(driverSetting && cacheable)
        } else {
            data["cacheable"] = .bool(cacheable)
        }
        object["data"] = .object(data)
        info = .object(object)
        return info
    }

    /// The limits of cinder's per-GB QoS options (`<option>_per_gb`, `_per_gb_min`, `_max`).
    static let perGBOptions = [
        "read_iops_sec", "read_bytes_sec", "write_iops_sec", "write_bytes_sec", "total_iops_sec", "total_bytes_sec",
    ]

    /// cinder's `_parse_connection_options` for `qos_specs`: the specs of the volume's type if
    /// they are to be enforced by the front end (consumer `front-end` or `both`), else null.
    /// A `<option>_per_gb` spec becomes `<option>` = per-GB value × size, at least
    /// `<option>_per_gb_min` and at most `<option>_max` (integers, as cinder computes them);
    /// a per-GB spec that is not an integer is passed on as it is.
    func frontEndQoSSpecs(of volume: Volume) async throws -> JSONValue {
        let found: QoSSpecs?
        do {
            found = try await store.qosSpecs(ofVolumeType: volume.volumeTypeID)
        } catch {
            if case .notFound = error { return .null }
            throw error
        }
        guard let qos = found, qos.reachesFrontEnd else { return .null }
        var specs: [String: JSONValue] = qos.specs.mapValues { JSONValue.optional($0) }
        for option in Self.perGBOptions {
            guard case .string(let text)? = specs[option + "_per_gb"], let perGB = Int(text) else { continue }
            let minimum = specs[option + "_per_gb_min"]?.stringValue.flatMap { Int($0) } ?? 0
            let value = max(minimum, perGB * volume.size)
            let maximum = specs[option + "_max"]?.stringValue.flatMap { Int($0) } ?? value
            specs[option + "_per_gb_min"] = nil
            specs[option + "_max"] = nil
            specs[option + "_per_gb"] = nil
            specs[option] = .int(min(value, maximum))
        }
        return .object(JSONObject(uniqueEntries: specs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
    }

    /// `terminate_connection(volume_id, connector, force)` (a call): with a target helper that
    /// exports volumes, removes the volume's target (`remove_export`, closing open sessions)
    /// unless another attachment shares it: as cinder's LVM driver, the export stays while the
    /// volume has more than one attachment row, so callers send this before they delete the
    /// attachment being detached. `provider_location` and `provider_auth` are kept, so the
    /// next export reuses the credentials. Nothing to do for a `local` connection, a deleted
    /// volume, or a connector with ``VolumeRPC/InitializeConnection/localAccessKey``.
    func terminateConnection(_ message: VolumeRPC.TerminateConnection) async throws -> RPCNoReply {
        let id = message.volumeID
        guard target.exportsVolumes, !Self.wantsLocalAccess(message.connector),
            let volume = try await liveVolume(id)
        else { return RPCNoReply() }
        guard volume.attachments.count <= 1 else {
            logger.info(
                "terminate_connection: the export is shared by other attachments; kept",
                metadata: ["volume.id": .string(id), "attachments": "\(volume.attachments.count)"]
            )
            return RPCNoReply()
        }
        try await serialized(Self.connectionLock(id)) { try await target.removeExport(volumeID: id) }
        return RPCNoReply()
    }

    /// `create_export` and the connection info of the stored export; the caller holds the
    /// volume's connection lock.
    private func export(_ read: Volume) async throws -> JSONValue {
        // Read again under the lock: a concurrent export may have stored credentials meanwhile.
        guard let volume = try await liveVolume(read.id) else {
            throw DriverError("Volume \(read.id) could not be found.")
        }
        let path = try Self.localPath(try await driver.connectionInfo(volumeID: volume.id))
        let export = try await target.createExport(volumeID: volume.id, path: path, providerAuth: volume.providerAuth)
        do {
            if export.location != volume.providerLocation || export.auth != volume.providerAuth {
                _ = try await store.updateVolume(
                    id: volume.id,
                    [.providerLocation(export.location), .providerAuth(export.auth)]
                )
            }
            return try target.connectionInfo(volumeID: volume.id, export: export)
        } catch {
            logger.error(
                "initialize_connection: cannot store the export; removing it",
                metadata: ["volume.id": .string(volume.id), "error": "\(error)"]
            )
            try? await target.removeExport(volumeID: volume.id)
            throw error
        }
    }

    /// cinder's `init_host` `ensure_export`: the targets of this backend's volumes that are
    /// attached (`in-use`, `attaching`) and were exported (`provider_location` set) exist
    /// again, with their stored credentials, after a restart of the volume service or of the
    /// target daemon. A failure is logged per volume and does not stop the start-up.
    func ensureExports() async {
        guard target.exportsVolumes else { return }
        let page: Page<Volume>
        do {
            page = try await store.listVolumes(
                ListQuery(scope: .allProjects, filters: [.oneOf("status", ["in-use", "attaching"])])
            )
        } catch {
            logger.error("init_host: cannot list attached volumes", metadata: ["error": "\(error)"])
            return
        }
        for volume in page.items where ownsHost(volume.host) {
            guard let location = volume.providerLocation else { continue }
            do {
                try await serialized(Self.connectionLock(volume.id)) {
                    let path = try Self.localPath(try await driver.connectionInfo(volumeID: volume.id))
                    let stored = TargetExport(location: location, auth: volume.providerAuth)
                    let export = try await target.ensureExport(volumeID: volume.id, path: path, export: stored)
                    if export != stored {
                        _ = try await store.updateVolume(
                            id: volume.id,
                            [.providerLocation(export.location), .providerAuth(export.auth)]
                        )
                    }
                }
                logger.info("init_host: export ensured", metadata: ["volume.id": .string(volume.id)])
            } catch {
                logger.error(
                    "init_host: ensure_export failed",
                    metadata: ["volume.id": .string(volume.id), "error": "\(error)"]
                )
            }
        }
    }

    /// Whether the connector asks for the file itself
    /// (``VolumeRPC/InitializeConnection/localAccessKey``).
    static func wantsLocalAccess(_ connector: JSONValue) -> Bool {
        connector[VolumeRPC.InitializeConnection.localAccessKey] == .bool(true)
    }

    /// The key of a volume's connection lock in the per-id serialisation: apart from the
    /// volume's operation lock, which long operations (copies, migrations) hold.
    static func connectionLock(_ volumeID: String) -> String { "connection:" + volumeID }
}

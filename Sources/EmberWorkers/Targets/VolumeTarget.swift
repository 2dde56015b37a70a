import EmberCore

/// How consumers reach a backend's volumes: cinder's target helper
/// (`cinder/volume/targets/driver.py`), reduced to what the volume manager uses.
///
/// The manager asks for an export on `initialize_connection` (``createExport``), stores what
/// it returns on the volume (`provider_location`, `provider_auth`), builds the connection
/// info from the stored values (``connectionInfo``), re-creates exports of attached volumes
/// at `init_host` (``ensureExport``) and removes them on `terminate_connection` and delete
/// (``removeExport``).
public protocol VolumeTarget: Sendable {
    /// Whether this helper exports volumes at all; false means consumers get the driver's
    /// `local` connection info (the `fake` helper).
    var exportsVolumes: Bool { get }
    /// `create_export`: exports the file at `path` as the volume's target (reusing an existing
    /// one) and returns what the volume must store. `providerAuth` is the volume's stored
    /// `provider_auth`: its credentials are kept, so a consumer's stored connection info
    /// stays valid.
    func createExport(volumeID: String, path: String, providerAuth: String?) async throws -> TargetExport
    /// `ensure_export`: makes sure the stored export exists (after a restart of the volume
    /// service or of the target daemon); returns the export as it is now (the target id may
    /// differ when the target had to be re-created).
    func ensureExport(volumeID: String, path: String, export: TargetExport) async throws -> TargetExport
    /// `remove_export`: removes the volume's target, closing open sessions; a target that does
    /// not exist is already removed.
    func removeExport(volumeID: String) async throws
    /// `initialize_connection`'s connection info for a stored export.
    func connectionInfo(volumeID: String, export: TargetExport) throws -> JSONValue
}

/// What an export stores on the volume row, in cinder's formats.
public struct TargetExport: Sendable, Equatable {
    /// `provider_location`: `"<ip>:<port>,<tid> <iqn> <lun>"`.
    public var location: String
    /// `provider_auth`: `"CHAP <user> <password>"`, or nil without authentication.
    public var auth: String?

    public init(location: String, auth: String?) {
        self.location = location
        self.auth = auth
    }
}

/// CHAP credentials of a target.
public struct CHAPCredentials: Sendable, Equatable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Reads a stored `provider_auth` (`"CHAP <user> <password>"`); nil for anything else.
    public init?(providerAuth: String?) {
        guard let parts = providerAuth?.split(separator: " ", omittingEmptySubsequences: true),
            parts.count == 3, parts[0] == "CHAP"
        else { return nil }
        self.init(username: String(parts[1]), password: String(parts[2]))
    }

    /// `provider_auth` as cinder stores it (`_iscsi_authentication('CHAP', user, password)`).
    public var providerAuth: String { "CHAP \(username) \(password)" }

    /// Fresh credentials as cinder's `volume_utils.generate_username` (20 characters) and
    /// `generate_password` (16) make them: at least one digit, one upper- and one lower-case
    /// letter, without the look-alikes 0, 1, I, O and l. The system's random generator is
    /// cryptographically secure (`getrandom` on Linux).
    public static func generate() -> CHAPCredentials {
        CHAPCredentials(username: randomSecret(length: 20), password: randomSecret(length: 16))
    }

    static let symbolGroups: [[Character]] = [
        Array("23456789"), Array("ABCDEFGHJKLMNPQRSTUVWXYZ"), Array("abcdefghijkmnopqrstuvwxyz"),
    ]

    static func randomSecret(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var characters = symbolGroups.map { $0.randomElement(using: &generator)! }
        let all = symbolGroups.flatMap { $0 }
        while characters.count < length { characters.append(all.randomElement(using: &generator)!) }
        characters.shuffle(using: &generator)
        return String(characters)
    }
}

/// A parsed iSCSI `provider_location`, as cinder's `_get_iscsi_properties` reads it.
public struct ISCSILocation: Sendable, Equatable {
    /// `ip:port` of each portal (tgtadm exports one).
    public var portals: [String]
    /// The target id after the comma (tgt's tid); nil when absent.
    public var targetID: Int?
    public var iqn: String
    public var lun: Int

    public init(portals: [String], targetID: Int?, iqn: String, lun: Int) {
        self.portals = portals
        self.targetID = targetID
        self.iqn = iqn
        self.lun = lun
    }

    /// Parses `"<portal>[;<portal>…],<tid> <iqn> <lun>"`; a missing or malformed LUN is 1, as
    /// cinder's driver assumes for tgtadm. Nil when there is no portal or IQN.
    public init?(providerLocation: String?) {
        guard let fields = providerLocation?.split(separator: " ", omittingEmptySubsequences: true),
            fields.count >= 2
        else { return nil }
        let head = fields[0].split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
        let portals = head[0].split(separator: ";").map(String.init)
        guard !portals.isEmpty else { return nil }
        self.init(
            portals: portals,
            targetID: head.count > 1 ? Int(head[1]) : nil,
            iqn: String(fields[1]),
            lun: fields.count > 2 ? Int(fields[2]) ?? 1 : 1
        )
    }

    /// The stored form (cinder's `_iscsi_location`).
    public var providerLocation: String {
        "\(portals.joined(separator: ";")),\(targetID.map(String.init) ?? "") \(iqn) \(lun)"
    }

    /// cinder's iSCSI `connection_info` (`ISCSITarget.initialize_connection` with
    /// `_get_iscsi_properties`): `driver_volume_type` `iscsi` and `data` with
    /// `target_discovered` (false: the location is stored), `target_iqn`, `target_portal`,
    /// `target_lun`, `volume_id`, the CHAP `auth_method`/`auth_username`/`auth_password`
    /// when `provider_auth` is set, `encrypted` (filled by the manager) and `discard` (false:
    /// cinder's `report_discard_supported` default). Several portals add cinder's
    /// `target_portals`/`target_iqns`/`target_luns` lists.
    public func connectionInfo(volumeID: String, auth: CHAPCredentials?) -> JSONValue {
        var data: JSONObject = [
            "target_discovered": false,
            "target_iqn": .string(iqn),
            "target_portal": .string(portals[0]),
            "target_lun": .int(lun),
            "volume_id": .string(volumeID),
            "discard": false,
        ]
        if portals.count > 1 {
            data["target_portals"] = .array(portals.map(JSONValue.string))
            data["target_iqns"] = .array(portals.map { _ in .string(iqn) })
            data["target_luns"] = .array(portals.map { _ in .int(lun) })
        }
        if let auth {
            data["auth_method"] = "CHAP"
            data["auth_username"] = .string(auth.username)
            data["auth_password"] = .string(auth.password)
        }
        return ["driver_volume_type": "iscsi", "data": .object(data)]
    }
}

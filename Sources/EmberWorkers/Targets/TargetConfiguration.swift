import EmberCore

/// How a backend exports its volumes to consumers: cinder's target options of a backend
/// section (`cinder/volume/driver.py`), with cinder's names.
///
/// Options of the backend section:
/// - `target_helper` (`fake`): `fake` hands out today's `local` connection (the file's path on
///   the volume host; the embedded `ember all` needs no target daemon); `tgtadm` exports each
///   volume as an iSCSI target of a tgt daemon (Debian's `tgt`). cinder's default is `tgtadm`;
///   its other helpers (`lioadm`, `scstadmin`, `iscsictl`, `nvmet`, `spdk-nvmeof`) are refused.
/// - `target_protocol` (`iscsi`): the only protocol tgtadm serves here (cinder's `iser` is
///   refused).
/// - `target_ip_address` (`127.0.0.1`; cinder: `$my_ip`): the address of the target portal
///   written into `provider_location`; set it to an address consumers on other hosts reach.
/// - `target_port` (3260): the portal's port.
/// - `target_prefix` (`iqn.2010-10.org.openstack:`): the IQN of a volume's target is this
///   prefix + `volume-<id>`.
/// - `use_chap_auth` (false), `chap_username` (empty), `chap_password` (empty): as cinder's
///   `TgtAdm`, every tgtadm target requires CHAP whatever `use_chap_auth` says; credentials
///   are generated per volume unless `use_chap_auth = true` and both `chap_username` and
///   `chap_password` are set, which then serve every volume (LIO's behaviour in cinder).
///   Setting only one of the two is an error.
/// - `volumes_dir` (`$state_path/volumes`): where a target's persistence file
///   (`volume-<id>`, tgt-admin's `<target>` stanza, as cinder writes it) is kept, so that an
///   operator's tgtd with `include <volumes_dir>/*` in `targets.conf` re-creates the targets
///   when it restarts.
/// - `tgt_control_port` (unset; Ember-only): tgtd's control socket
///   `/var/run/tgtd/socket.N`, passed as `tgtadm -C N`, for a tgtd that is not the machine's
///   default one (a private tgtd in tests or beside another).
public struct TargetConfiguration: Sendable, Equatable {
    /// The tool that manages targets (`target_helper`).
    public enum Helper: String, Sendable, Equatable, CaseIterable {
        /// No target: the `local` connection info of the volume's file.
        case fake
        /// tgt's `tgtadm`: one iSCSI target per volume.
        case tgtadm
    }

    public var helper: Helper
    public var targetProtocol: String
    public var ipAddress: String
    public var port: Int
    public var prefix: String
    public var useCHAPAuth: Bool
    public var chapUsername: String
    public var chapPassword: String
    public var volumesDirectory: String
    /// `tgtadm -C N`; nil uses tgtd's default socket.
    public var tgtControlPort: Int?

    /// The defaults (`fake`), with persistence files under `volumesDirectory`.
    public init(
        helper: Helper = .fake,
        ipAddress: String = "127.0.0.1",
        port: Int = 3260,
        prefix: String = "iqn.2010-10.org.openstack:",
        useCHAPAuth: Bool = false,
        chapUsername: String = "",
        chapPassword: String = "",
        volumesDirectory: String,
        tgtControlPort: Int? = nil
    ) {
        self.helper = helper
        targetProtocol = "iscsi"
        self.ipAddress = ipAddress
        self.port = port
        self.prefix = prefix
        self.useCHAPAuth = useCHAPAuth
        self.chapUsername = chapUsername
        self.chapPassword = chapPassword
        self.volumesDirectory = volumesDirectory
        self.tgtControlPort = tgtControlPort
    }

    /// Reads the target options of the backend section `section`; unsupported helpers and
    /// protocols, and half-set CHAP credentials, are configuration errors.
    public init(files: ConfigFiles, section: String, statePath: String) throws(ConfigurationError) {
        let helperName = files.string(section, "target_helper", default: Helper.fake.rawValue)
        guard let helper = Helper(rawValue: helperName) else {
            throw .invalid(
                message:
                    "Backend [\(section)]: target_helper \(helperName) is not supported by Ember; "
                    + "use fake (local connections) or tgtadm (iSCSI through tgtd)"
            )
        }
        let targetProtocol = files.string(section, "target_protocol", default: "iscsi")
        guard targetProtocol == "iscsi" else {
            throw .invalid(
                message: "Backend [\(section)]: target_protocol \(targetProtocol) is not supported by Ember; use iscsi"
            )
        }
        let ipAddress = files.string(section, "target_ip_address", default: "127.0.0.1")
        guard !ipAddress.isEmpty, !ipAddress.contains(where: \.isWhitespace) else {
            throw .invalid(message: "Backend [\(section)]: target_ip_address must be an address")
        }
        let prefix = files.string(section, "target_prefix", default: "iqn.2010-10.org.openstack:")
        guard !prefix.isEmpty, !prefix.contains(where: \.isWhitespace) else {
            throw .invalid(message: "Backend [\(section)]: target_prefix must not be empty or hold spaces")
        }
        let username = files.string(section, "chap_username", default: "")
        let password = files.string(section, "chap_password", default: "")
        guard username.isEmpty == password.isEmpty else {
            throw .invalid(message: "Backend [\(section)]: set both chap_username and chap_password, or neither")
        }
        guard !username.contains(where: \.isWhitespace), !password.contains(where: \.isWhitespace) else {
            throw .invalid(message: "Backend [\(section)]: chap_username and chap_password must not hold spaces")
        }
        var controlPort: Int?
        if files.optionalString(section, "tgt_control_port") != nil {
            controlPort = try files.int(section, "tgt_control_port", default: 0, minimum: 0, maximum: 65535)
        }
        self.init(
            helper: helper,
            ipAddress: ipAddress,
            port: try files.int(section, "target_port", default: 3260, minimum: 1, maximum: 65535),
            prefix: prefix,
            useCHAPAuth: try files.bool(section, "use_chap_auth", default: false),
            chapUsername: username,
            chapPassword: password,
            volumesDirectory: files.string(section, "volumes_dir", default: statePath + "/volumes"),
            tgtControlPort: controlPort
        )
    }

    /// The CHAP credentials configured for every volume, or nil when each volume gets its own.
    public var fixedCredentials: CHAPCredentials? {
        guard useCHAPAuth, !chapUsername.isEmpty, !chapPassword.isEmpty else { return nil }
        return CHAPCredentials(username: chapUsername, password: chapPassword)
    }

    /// `ip:port` as a portal (cinder's `sanitize_host`: an IPv6 address in brackets).
    public var portal: String {
        let host = ipAddress.contains(":") && !ipAddress.hasPrefix("[") ? "[\(ipAddress)]" : ipAddress
        return "\(host):\(port)"
    }

    /// The IQN of a volume's target: `target_prefix` + `volume-<id>`.
    public func iqn(volumeID: String) -> String { prefix + "volume-" + volumeID }
}

import EmberCore
import EmberRPC
import Foundation
import Logging
import Testing

@testable import EmberWorkers

/// The target options, cinder's stored formats and the iSCSI connection info, without tgtd.
@Suite("iSCSI targets: options, provider_location, connection_info (no tgtd)")
struct ISCSITargetConfigurationTests {
    static func files(_ text: String) throws -> ConfigFiles {
        ConfigFiles(documents: [try INIDocument(text: text, path: "ember.conf")])
    }

    static func backend(_ options: String) throws -> BackendConfiguration {
        try BackendConfiguration(
            files: try files("[DEFAULT]\nenabled_backends = lvm\n[lvm]\n" + options),
            section: "lvm",
            statePath: "/var/lib/ember",
            defaultZone: "nova"
        )
    }

    @Test("defaults: fake helper, cinder's prefix and port, volumes_dir under state_path")
    func defaultsAreFakeWithCinderNames() throws {
        let target = try Self.backend("").target
        #expect(target.helper == .fake)
        #expect(target.targetProtocol == "iscsi")
        #expect(target.prefix == "iqn.2010-10.org.openstack:")
        #expect(target.port == 3260)
        #expect(target.ipAddress == "127.0.0.1")
        #expect(target.volumesDirectory == "/var/lib/ember/volumes")
        #expect(target.tgtControlPort == nil)
        #expect(target.fixedCredentials == nil)
        #expect(target.iqn(volumeID: "v1") == "iqn.2010-10.org.openstack:volume-v1")
        #expect(VolumeManager.makeTarget(target, logger: .init(label: "t")).exportsVolumes == false)
    }

    @Test("tgtadm with every option")
    func tgtadmOptionsAreRead() throws {
        let target = try Self.backend(
            """
            target_helper = tgtadm
            target_protocol = iscsi
            target_ip_address = 192.0.2.7
            target_port = 13260
            target_prefix = iqn.2026-12.org.example:
            use_chap_auth = true
            chap_username = alice
            chap_password = s3cretpass
            volumes_dir = /srv/targets
            tgt_control_port = 17
            """
        ).target
        #expect(target.helper == .tgtadm)
        #expect(target.portal == "192.0.2.7:13260")
        #expect(target.iqn(volumeID: "abc") == "iqn.2026-12.org.example:volume-abc")
        #expect(target.fixedCredentials == CHAPCredentials(username: "alice", password: "s3cretpass"))
        #expect(target.volumesDirectory == "/srv/targets")
        #expect(target.tgtControlPort == 17)
        #expect(VolumeManager.makeTarget(target, logger: .init(label: "t")).exportsVolumes)
        #expect(
            TgtAdm(path: "/usr/sbin/tgtadm", controlPort: 17).commandLine(["--op", "show"]) == [
                "-C", "17", "--lld", "iscsi", "--op", "show",
            ]
        )
        #expect(
            TgtAdm(path: "/usr/sbin/tgtadm", controlPort: nil).commandLine(["--op", "show"]) == [
                "--lld", "iscsi", "--op", "show",
            ]
        )
    }

    @Test("an IPv6 portal is bracketed; CHAP credentials without use_chap_auth are not fixed")
    func ipv6PortalAndUnusedCredentials() throws {
        let target = try Self.backend(
            "target_helper = tgtadm\ntarget_ip_address = 2001:db8::5\nchap_username = a\nchap_password = b\n"
        ).target
        #expect(target.portal == "[2001:db8::5]:3260")
        #expect(target.fixedCredentials == nil)
    }

    @Test(
        "bad target options are configuration errors",
        arguments: [
            "target_helper = lioadm", "target_helper = nonsense", "target_protocol = iser",
            "chap_username = alice", "chap_password = only", "target_port = 0", "target_port = 70000",
            "target_port = http", "tgt_control_port = -1", "use_chap_auth = perhaps", "target_prefix = a b",
        ]
    )
    func badOptionsAreRejected(option: String) throws {
        #expect(throws: ConfigurationError.self) { try Self.backend(option + "\n") }
    }

    @Test("provider_location: cinder's format round-trips; missing LUN is 1 as for tgtadm")
    func providerLocationRoundTrips() throws {
        let location = ISCSILocation(
            portals: ["10.0.0.2:3260"],
            targetID: 4,
            iqn: "iqn.2010-10.org.openstack:volume-v1",
            lun: 1
        )
        #expect(location.providerLocation == "10.0.0.2:3260,4 iqn.2010-10.org.openstack:volume-v1 1")
        #expect(ISCSILocation(providerLocation: location.providerLocation) == location)
        #expect(ISCSILocation(providerLocation: "10.0.0.2:3260,4 iqn.x")?.lun == 1)
        #expect(ISCSILocation(providerLocation: "a:1;b:2,3 iqn.y 0")?.portals == ["a:1", "b:2"])
        #expect(ISCSILocation(providerLocation: "") == nil)
        #expect(ISCSILocation(providerLocation: "only-a-portal") == nil)
        #expect(ISCSILocation(providerLocation: nil) == nil)
    }

    @Test("provider_auth: CHAP user password; anything else is no credentials")
    func providerAuthParses() {
        let credentials = CHAPCredentials(username: "u", password: "p")
        #expect(credentials.providerAuth == "CHAP u p")
        #expect(CHAPCredentials(providerAuth: "CHAP u p") == credentials)
        #expect(CHAPCredentials(providerAuth: "CHAP u") == nil)
        #expect(CHAPCredentials(providerAuth: "NONE u p") == nil)
        #expect(CHAPCredentials(providerAuth: nil) == nil)
    }

    @Test("generated CHAP credentials: cinder's lengths and symbol groups, different each time")
    func generatedCredentialsFollowCinder() {
        let first = CHAPCredentials.generate()
        let second = CHAPCredentials.generate()
        #expect(first.username.count == 20)
        #expect(first.password.count == 16)
        #expect(first != second)
        let allowed = Set(CHAPCredentials.symbolGroups.flatMap { $0 })
        for secret in [first.username, first.password] {
            #expect(secret.allSatisfy(allowed.contains))
            for group in CHAPCredentials.symbolGroups {
                #expect(secret.contains(where: group.contains))
            }
        }
    }

    @Test("connection_info has cinder's iSCSI shape")
    func connectionInfoShape() throws {
        let target = TgtAdmTarget(
            configuration: TargetConfiguration(helper: .tgtadm, volumesDirectory: "/tmp"),
            logger: .init(label: "t")
        )
        let info = try target.connectionInfo(
            volumeID: "v1",
            export: TargetExport(location: "127.0.0.1:3260,2 iqn.2010-10.org.openstack:volume-v1 1", auth: "CHAP u p")
        )
        #expect(info["driver_volume_type"] == "iscsi")
        let data = try #require(info["data"]?.objectValue)
        #expect(
            Set(data.keys) == [
                "target_discovered", "target_iqn", "target_portal", "target_lun", "volume_id", "discard",
                "auth_method", "auth_username", "auth_password",
            ]
        )
        #expect(data["target_discovered"] == false)
        #expect(data["target_iqn"] == "iqn.2010-10.org.openstack:volume-v1")
        #expect(data["target_portal"] == "127.0.0.1:3260")
        #expect(data["target_lun"] == 1)
        #expect(data["volume_id"] == "v1")
        #expect(data["auth_method"] == "CHAP")
        #expect(data["auth_username"] == "u")
        #expect(data["auth_password"] == "p")
        #expect(data["discard"] == false)
        #expect(throws: DriverError.self) {
            try target.connectionInfo(volumeID: "v1", export: TargetExport(location: "garbage", auth: nil))
        }
    }

    @Test("tgtadm's target listing is parsed: tid, IQN, LUNs, accounts, ACL, sessions")
    func targetListingParses() {
        let listing = """
            Target 1: iqn.2010-10.org.openstack:volume-a
                System information:
                    Driver: iscsi
                    State: ready
                I_T nexus information:
                    I_T nexus: 3
                        Initiator: iqn.2008-11.org.linux-kvm: alias: none
                        Connection: 0
                            IP Address: 127.0.0.1
                    I_T nexus: 5
                        Initiator: iqn.2008-11.org.linux-kvm: alias: none
                        Connection: 1
                            IP Address: 127.0.0.1
                LUN information:
                    LUN: 0
                        Type: controller
                        Backing store path: None
                    LUN: 1
                        Type: disk
                        Backing store type: rdwr
                        Backing store path: /data/volume-a
                Account information:
                    userA
                    outuser (outgoing)
                ACL information:
                    ALL
            Target 12: iqn.2010-10.org.openstack:volume-b
                System information:
                    Driver: iscsi
                I_T nexus information:
                LUN information:
                    LUN: 0
                        Type: controller
                Account information:
                ACL information:

            """
        let targets = TgtTarget.parse(listing)
        #expect(targets.count == 2)
        #expect(targets[0].tid == 1)
        #expect(targets[0].iqn == "iqn.2010-10.org.openstack:volume-a")
        #expect(targets[0].luns == [0: "None", 1: "/data/volume-a"])
        #expect(targets[0].accounts == ["userA"])
        #expect(targets[0].acl == ["ALL"])
        #expect(targets[0].connections == [.init(sid: 3, cid: 0), .init(sid: 5, cid: 1)])
        #expect(targets[0].sessions == 2)
        #expect(targets[1].tid == 12)
        #expect(targets[1].luns == [0: "None"])
        #expect(targets[1].accounts.isEmpty && targets[1].acl.isEmpty && targets[1].sessions == 0)
        #expect(TgtTarget.parse("").isEmpty)
    }

    @Test("the local-access connector key is recognised only as true")
    func localAccessKey() {
        #expect(VolumeManager.wantsLocalAccess([VolumeRPC.InitializeConnection.localAccessKey: true]))
        #expect(!VolumeManager.wantsLocalAccess([VolumeRPC.InitializeConnection.localAccessKey: "true"]))
        #expect(!VolumeManager.wantsLocalAccess(["host": "h"]))
    }
}

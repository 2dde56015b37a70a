import EmberCore
import EmberWSGI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// The policies on every route, with keystonecontext building the caller from identity headers
/// (what authtoken sets) and cinder's answers: 404 for another project's volume, 403
/// `forbidden` for what the caller's role does not allow, admin-only fields and `all_tenants`.
@Suite struct PolicyEnforcementTests {
    static let projectA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    static let projectB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

    static func caller(_ user: String, project: String, roles: String) -> HTTPFields {
        [
            .named("X-User-Id"): user, .named("X-Project-Id"): project, .named("X-Roles"): roles,
            .contentType: "application/json", .openStackAPIVersion: "volume 3.71",
        ]
    }

    static let memberA = caller("alice", project: projectA, roles: "member,reader")
    static let readerA = caller("ann", project: projectA, roles: "reader")
    static let memberB = caller("bob", project: projectB, roles: "member,reader")
    static let readerB = caller("betty", project: projectB, roles: "reader")
    static let admin = caller("root", project: "cccccccccccccccccccccccccccccccc", roles: "admin,member,reader")

    static func create(_ client: any TestClientProtocol, as headers: HTTPFields, project: String) async throws -> String
    {
        try await client.createVolume(#"{"volume": {"size": 1, "name": "v"}}"#, headers: headers, project: project)
    }

    @Test func readersCannotCreateAndGetCindersForbidden() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, recorder, _ in
            let response = try await client.execute(
                uri: "/v3/\(Self.projectA)/volumes",
                method: .post,
                headers: Self.readerA,
                body: ByteBuffer(string: #"{"volume": {"size": 1}}"#)
            )
            #expect(response.status == .forbidden)
            #expect(response.json?["forbidden"]?["message"] == "Policy doesn't allow volume:create to be performed.")
            #expect(response.json?["forbidden"]?["code"] == 403)
            #expect(recorder.casts.isEmpty)
        }
    }

    @Test func anotherProjectsVolumeIsNotFoundForEveryVerb() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, _ in
            let id = try await Self.create(client, as: Self.memberA, project: Self.projectA)
            let base = "/v3/\(Self.projectB)/volumes/\(id)"
            let attempts: [(String, HTTPRequest.Method, String?)] = [
                (base, .get, nil),
                (base, .put, #"{"volume": {"name": "stolen"}}"#),
                (base, .delete, nil),
                (base + "/metadata", .get, nil),
                (base + "/metadata", .post, #"{"metadata": {"a": "b"}}"#),
                (base + "/metadata/a", .delete, nil),
            ]
            for (uri, method, body) in attempts {
                let response = try await client.execute(
                    uri: uri,
                    method: method,
                    headers: Self.memberB,
                    body: body.map { ByteBuffer(string: $0) }
                )
                #expect(response.status == .notFound, "\(method) \(uri)")
                #expect(response.json?["itemNotFound"]?["message"] == .string("Volume \(id) could not be found."))
            }
            let listed = try await client.execute(
                uri: "/v3/\(Self.projectB)/volumes/detail?all_tenants=1",
                method: .get,
                headers: Self.memberB
            )
            #expect(listed.json?["volumes"]?.arrayValue.isEmpty == true)
            // Still there, unchanged, for its owner.
            let shown = try await client.execute(
                uri: "/v3/\(Self.projectA)/volumes/\(id)",
                method: .get,
                headers: Self.memberA
            )
            #expect(shown.json?["volume"]?["name"] == "v")
        }
    }

    @Test func readersReadButDoNotChangeTheirProjectsVolumes() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, _ in
            let id = try await Self.create(client, as: Self.memberA, project: Self.projectA)
            let uri = "/v3/\(Self.projectA)/volumes/\(id)"
            let shown = try await client.execute(uri: uri, method: .get, headers: Self.readerA)
            #expect(shown.status == .ok)
            let metadata = try await client.execute(uri: uri + "/metadata", method: .get, headers: Self.readerA)
            #expect(metadata.status == .ok)
            let cases: [(String, HTTPRequest.Method, String?, String)] = [
                (uri, .put, #"{"volume": {"name": "x"}}"#, "volume:update"),
                (uri, .delete, nil, "volume:delete"),
                (uri + "/metadata", .post, #"{"metadata": {"a": "b"}}"#, "volume:create_volume_metadata"),
                (uri + "/metadata", .put, #"{"metadata": {"a": "b"}}"#, "volume:update_volume_metadata"),
            ]
            for (uri, method, body, action) in cases {
                let response = try await client.execute(
                    uri: uri,
                    method: method,
                    headers: Self.readerA,
                    body: body.map { ByteBuffer(string: $0) }
                )
                #expect(response.status == .forbidden, "\(method) \(uri)")
                #expect(
                    response.json?["forbidden"]?["message"]
                        == .string("Policy doesn't allow \(action) to be performed.")
                )
            }
        }
    }

    @Test func forceDeleteIsForAdminsOnly() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, _ in
            let id = try await Self.create(client, as: Self.memberA, project: Self.projectA)
            let response = try await client.execute(
                uri: "/v3/\(Self.projectA)/volumes/\(id)?force=true",
                method: .delete,
                headers: Self.memberA
            )
            #expect(response.status == .forbidden)
            #expect(
                response.json?["forbidden"]?["message"] == "Policy doesn't allow volume:force_delete to be performed."
            )
        }
    }

    @Test func adminsListAllTenantsAndSeeAdminFields() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, _ in
            let idA = try await Self.create(client, as: Self.memberA, project: Self.projectA)
            let idB = try await Self.create(client, as: Self.memberB, project: Self.projectB)
            let all = try await client.execute(
                uri: "/v3/cccccccccccccccccccccccccccccccc/volumes/detail?all_tenants=1",
                method: .get,
                headers: Self.admin
            )
            let ids = Set(all.json?["volumes"]?.arrayValue.compactMap { $0["id"]?.stringValue } ?? [])
            #expect(ids == [idA, idB])
            #expect(all.json?["volumes"]?.arrayValue.first?.keys.contains("os-vol-host-attr:host") == true)
            // Without all_tenants an admin sees its own project, as in cinder.
            let own = try await client.execute(
                uri: "/v3/cccccccccccccccccccccccccccccccc/volumes",
                method: .get,
                headers: Self.admin
            )
            #expect(own.json?["volumes"]?.arrayValue.isEmpty == true)
            // A member sees the tenant attribute (a reader rule) but not the host (admin only).
            let member = try await client.execute(
                uri: "/v3/\(Self.projectA)/volumes/\(idA)",
                method: .get,
                headers: Self.memberA
            )
            let keys = member.json?["volume"]?.keys ?? []
            #expect(keys.contains("os-vol-tenant-attr:tenant_id"))
            #expect(!keys.contains("os-vol-host-attr:host"))
            #expect(!keys.contains("os-vol-mig-status-attr:migstat"))
            #expect(!keys.contains("migration_status"))
            // An admin reaches another project's volume directly.
            let reached = try await client.execute(
                uri: "/v3/cccccccccccccccccccccccccccccccc/volumes/\(idB)",
                method: .get,
                headers: Self.admin
            )
            #expect(reached.status == .ok)
        }
    }

    @Test func quotasOfAnotherProjectAreForbiddenAndUsageFollowsItsPolicy() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, _ in
            let other = try await client.execute(
                uri: "/v3/\(Self.projectB)/os-quota-sets/\(Self.projectA)",
                method: .get,
                headers: Self.readerB
            )
            #expect(other.status == .forbidden)
            #expect(
                other.json?["forbidden"]?["message"]
                    == "Policy doesn't allow volume_extension:quotas:show to be performed."
            )
            let own = try await client.execute(
                uri: "/v3/\(Self.projectB)/os-quota-sets/\(Self.projectB)",
                method: .get,
                headers: Self.readerB
            )
            #expect(own.status == .ok)
            let limits = try await client.execute(
                uri: "/v3/\(Self.projectB)/limits",
                method: .get,
                headers: Self.readerB
            )
            #expect(limits.json?["limits"]?["absolute"]?["totalVolumesUsed"] == 0)
            let types = try await client.execute(uri: "/v3/\(Self.projectB)/types", method: .get, headers: Self.readerB)
            #expect(types.status == .ok)
            // cinder's view: readers see only the user-visible extra specs (none here), and no
            // os-volume-type-access:is_public (that rule wants a member).
            let first = types.json?["volume_types"]?.arrayValue.first
            #expect(first?["extra_specs"] == .object(JSONObject()))
            #expect(first?.keys.contains("os-volume-type-access:is_public") == false)
        }
    }

    @Test func aPolicyFileChangesTheAnswers() async throws {
        let policy = PolicyEnforcer(overrides: [
            "volume:create": "rule:xena_system_admin_or_project_reader",
            "volume:get_all": "!",
        ])
        try await APIHarness.run(trustIdentityHeaders: true, policy: policy) { client, _, _ in
            _ = try await Self.create(client, as: Self.readerA, project: Self.projectA)
            let listed = try await client.execute(
                uri: "/v3/cccccccccccccccccccccccccccccccc/volumes",
                method: .get,
                headers: Self.admin
            )
            #expect(listed.status == .forbidden)
            policy.replaceOverrides([:])
            let again = try await client.execute(
                uri: "/v3/\(Self.projectA)/volumes",
                method: .get,
                headers: Self.readerA
            )
            #expect(again.status == .ok)
            #expect(again.json?["volumes"]?.arrayValue.count == 1)
        }
    }

    @Test func withoutAUserKeystonecontextAnswers401() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, _ in
            let response = try await client.execute(uri: "/v3/\(Self.projectA)/volumes", method: .get, headers: [:])
            #expect(response.status == .unauthorized)
        }
    }
}

extension HTTPField.Name {
    static func named(_ name: String) -> HTTPField.Name { HTTPField.Name(name)! }
}

/// The policies of the extension routes, snapshots and volume actions.
@Suite struct ExtensionPolicyTests {
    typealias P = PolicyEnforcementTests

    static func send(
        _ client: any TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ path: String,
        as headers: HTTPFields,
        project: String = PolicyEnforcementTests.projectA,
        body: String? = nil
    ) async throws -> TestResponse {
        try await client.execute(
            uri: "/v3/\(project)" + path,
            method: method,
            headers: headers,
            body: body.map { ByteBuffer(string: $0) }
        )
    }

    @Test func onlyAdminsManageTypesServicesAndHosts() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, _ in
            let cases: [(HTTPRequest.Method, String, String?, String)] = [
                (.post, "/types", #"{"volume_type": {"name": "x"}}"#, "volume_extension:type_create"),
                (.get, "/os-services", nil, "volume_extension:services:index"),
                (
                    .put, "/os-services/disable", #"{"host": "h", "binary": "cinder-volume"}"#,
                    "volume_extension:services:update"
                ),
                (.get, "/os-hosts", nil, "volume_extension:hosts"),
            ]
            for (method, path, body, rule) in cases {
                let response = try await Self.send(client, method, path, as: P.memberA, body: body)
                #expect(response.status == .forbidden, "\(path)")
                #expect(
                    response.json?["forbidden"]?["message"] == .string("Policy doesn't allow \(rule) to be performed.")
                )
            }
            let created = try await Self.send(
                client,
                .post,
                "/types",
                as: P.admin,
                project: "cccccccccccccccccccccccccccccccc",
                body: #"{"volume_type": {"name": "gold", "extra_specs": {"multiattach": "<is> True", "secret": "s"}}}"#
            )
            let id = try #require(created.json?["volume_type"]?["id"]?.stringValue)
            // Members see the user-visible extra specs only; the zones list needs no role.
            let specs = try await Self.send(client, .get, "/types/\(id)/extra_specs", as: P.readerA)
            #expect(specs.json == ["extra_specs": ["multiattach": "<is> True"]])
            #expect(try await Self.send(client, .get, "/os-availability-zone", as: P.readerA).status == .ok)
        }
    }

    @Test func snapshotsFollowTheirPolicies() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, api in
            let volume = try await P.create(client, as: P.memberA, project: P.projectA)
            _ = try await api.store.updateVolume(id: volume, [.host("node@alpha#alpha"), .status(.available)])
            let body = #"{"snapshot": {"volume_id": "\#(volume)"}}"#
            let byReader = try await Self.send(client, .post, "/snapshots", as: P.readerA, body: body)
            #expect(byReader.status == .forbidden)
            #expect(
                byReader.json?["forbidden"]?["message"]
                    == "Policy doesn't allow volume:create_snapshot to be performed."
            )
            let created = try await Self.send(client, .post, "/snapshots", as: P.memberA, body: body)
            #expect(created.status == .accepted)
            let id = try #require(created.json?["snapshot"]?["id"]?.stringValue)
            // Another project sees nothing of it.
            let other = try await Self.send(client, .get, "/snapshots/\(id)", as: P.memberB, project: P.projectB)
            #expect(other.status == .notFound)
            let readerDelete = try await Self.send(client, .delete, "/snapshots/\(id)", as: P.readerA)
            #expect(readerDelete.status == .forbidden)
            let readerMeta = try await Self.send(
                client,
                .post,
                "/snapshots/\(id)/metadata",
                as: P.readerA,
                body: #"{"metadata": {"a": "b"}}"#
            )
            #expect(readerMeta.status == .forbidden)
            #expect(try await Self.send(client, .get, "/snapshots/\(id)/metadata", as: P.readerA).status == .ok)
        }
    }

    @Test func volumeActionsNeedAMemberOfTheProject() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, api in
            let volume = try await P.create(client, as: P.memberA, project: P.projectA)
            _ = try await api.store.updateVolume(id: volume, [.host("node@alpha#alpha"), .status(.available)])
            let reserve = #"{"os-reserve": null}"#
            let byReader = try await Self.send(client, .post, "/volumes/\(volume)/action", as: P.readerA, body: reserve)
            #expect(byReader.status == .forbidden)
            #expect(
                byReader.json?["forbidden"]?["message"]
                    == "Policy doesn't allow volume_extension:volume_actions:reserve to be performed."
            )
            let byOther = try await Self.send(
                client,
                .post,
                "/volumes/\(volume)/action",
                as: P.memberB,
                project: P.projectB,
                body: reserve
            )
            #expect(byOther.status == .notFound)
            #expect(try await api.store.volume(id: volume, scope: .allProjects).status == .available)
            let byMember = try await Self.send(client, .post, "/volumes/\(volume)/action", as: P.memberA, body: reserve)
            #expect(byMember.status == .accepted)
            #expect(try await api.store.volume(id: volume, scope: .allProjects).status == .attaching)
        }
    }
}

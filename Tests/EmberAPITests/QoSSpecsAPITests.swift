import EmberCore
import EmberStore
import EmberWSGI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// `/qos-specs` through the paste pipeline: every call by role (cinder's defaults make all
/// of them admin-only), the specs' life (create, show, list, update, delete_keys, delete) and
/// their association with volume types (shown as the type's `qos_specs_id`), with cinder's
/// faults.
@Suite struct QoSSpecsAPITests {
    static let project = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
    static let otherProject = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"

    static func caller(_ user: String, project: String, roles: String) -> HTTPFields {
        [
            .named("X-User-Id"): user, .named("X-Project-Id"): project, .named("X-Roles"): roles,
            .contentType: "application/json", .openStackAPIVersion: "volume 3.71",
        ]
    }

    static let admin = caller("root", project: project, roles: "admin,member,reader")
    static let member = caller("alice", project: project, roles: "member,reader")
    static let reader = caller("ann", project: project, roles: "reader")
    static let other = caller("bob", project: otherProject, roles: "member,reader")

    static func send(
        _ client: any TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ path: String,
        as headers: HTTPFields = admin,
        project: String = project,
        body: String? = nil
    ) async throws -> TestResponse {
        try await client.execute(
            uri: "/v3/\(project)\(path)",
            method: method,
            headers: headers,
            body: body.map { ByteBuffer(string: $0) }
        )
    }

    static func createSpecs(
        _ client: any TestClientProtocol,
        _ fields: String = #""name": "gold", "consumer": "front-end", "total_iops_sec": "1000""#
    ) async throws -> String {
        let response = try await send(client, .post, "/qos-specs", body: #"{"qos_specs": {\#(fields)}}"#)
        guard response.status == .ok, let id = response.json?["qos_specs"]?["id"]?.stringValue else {
            throw APITestError.unexpected(response.status.code, response.text)
        }
        return id
    }

    static func createType(_ client: any TestClientProtocol, _ name: String) async throws -> String {
        let response = try await send(client, .post, "/types", body: #"{"volume_type": {"name": "\#(name)"}}"#)
        guard let id = response.json?["volume_type"]?["id"]?.stringValue else {
            throw APITestError.unexpected(response.status.code, response.text)
        }
        return id
    }

    @Test func statusByCallAndRole() async throws {
        let calls:
            [(name: String, method: HTTPRequest.Method, path: String, body: String?, status: HTTPResponse.Status)] = [
                ("index", .get, "/qos-specs", nil, .ok),
                ("show", .get, "/qos-specs/{id}", nil, .ok),
                ("create", .post, "/qos-specs", #"{"qos_specs": {"name": "new-{n}"}}"#, .ok),
                ("update", .put, "/qos-specs/{id}", #"{"qos_specs": {"read_iops_sec": "5"}}"#, .ok),
                ("delete_keys", .put, "/qos-specs/{id}/delete_keys", #"{"keys": ["total_iops_sec"]}"#, .accepted),
                ("associations", .get, "/qos-specs/{id}/associations", nil, .ok),
                ("associate", .get, "/qos-specs/{id}/associate?vol_type_id={type}", nil, .accepted),
                ("disassociate", .get, "/qos-specs/{id}/disassociate?vol_type_id={type}", nil, .accepted),
                ("disassociate_all", .get, "/qos-specs/{id}/disassociate_all", nil, .accepted),
                ("delete", .delete, "/qos-specs/{id}", nil, .accepted),
            ]
        let callers: [(String, HTTPFields, String)] = [
            ("admin", Self.admin, Self.project), ("member", Self.member, Self.project),
            ("reader", Self.reader, Self.project), ("other", Self.other, Self.otherProject),
        ]
        try await APIHarness.run(trustIdentityHeaders: true) { client, casts, api in
            var n = 0
            for call in calls {
                for (role, headers, project) in callers {
                    n += 1
                    let specsID = try await Self.createSpecs(client, #""name": "specs-\#(n)", "total_iops_sec": "1""#)
                    let typeID = try await Self.createType(client, "type-\(n)")
                    if call.name == "disassociate" {
                        _ = try await Self.send(client, .get, "/qos-specs/\(specsID)/associate?vol_type_id=\(typeID)")
                    }
                    let path = call.path.replacingOccurrences(of: "{id}", with: specsID)
                        .replacingOccurrences(of: "{type}", with: typeID)
                    let body = call.body?.replacingOccurrences(of: "{n}", with: "\(n)")
                    let response = try await Self.send(
                        client,
                        call.method,
                        path,
                        as: headers,
                        project: project,
                        body: body
                    )
                    let expected = role == "admin" ? call.status : .forbidden
                    #expect(response.status == expected, "\(call.name) by \(role): \(response.text)")
                    if role != "admin" {
                        #expect(
                            response.json?["forbidden"]?["message"]?.stringValue?.contains("qos_specs_manage") == true,
                            "\(response.text)"
                        )
                    }
                    // What a refused caller asked for did not happen.
                    if call.name == "delete" {
                        let remaining = try await api.qosSpecs.list(ListQuery(scope: .allProjects)).items.map(\.id)
                        #expect(remaining.contains(specsID) == (role != "admin"))
                        continue
                    }
                    let specs = try await api.qosSpecs.get(id: specsID)
                    let type = try await api.types.current(id: typeID)
                    switch (call.name, role == "admin") {
                    case ("update", true): #expect(specs.specs["read_iops_sec"] == .some("5"))
                    case ("update", false): #expect(specs.specs["read_iops_sec"] == nil)
                    case ("delete_keys", true): #expect(specs.specs["total_iops_sec"] == nil)
                    case ("delete_keys", false): #expect(specs.specs["total_iops_sec"] == .some("1"))
                    case ("associate", true): #expect(type.qosSpecsID == specsID)
                    case ("associate", false): #expect(type.qosSpecsID == nil)
                    case ("disassociate", true): #expect(type.qosSpecsID == nil)
                    case ("disassociate", false): #expect(type.qosSpecsID == specsID)
                    default: break
                    }
                    if call.name == "create" {
                        let names = try await api.qosSpecs.list(ListQuery(scope: .allProjects)).items.map(\.name)
                        #expect(names.contains("new-\(n)") == (role == "admin"))
                    }
                }
            }
            #expect(casts.casts.isEmpty)
        }
    }

    @Test func lifeOfQoSSpecs() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, api in
            // Create: the consumer comes out of the specs; the name is stripped.
            let created = try await Self.send(
                client,
                .post,
                "/qos-specs",
                body:
                    #"{"qos_specs": {"name": " gold ", "consumer": "front-end", "total_iops_sec": "1000", "burst": null}}"#
            )
            #expect(created.status == .ok, "\(created.text)")
            let specs = try #require(created.json?["qos_specs"])
            let id = try #require(specs["id"]?.stringValue)
            #expect(specs["name"] == "gold")
            #expect(specs["consumer"] == "front-end")
            // A null value adds no key (cinder's object sees no change).
            #expect(specs["specs"] == ["total_iops_sec": "1000"])
            let links = created.json?["links"]?.arrayValue ?? []
            #expect(links.first?["href"]?.stringValue?.hasSuffix("/v3/\(Self.project)/qos-specs/\(id)") == true)
            #expect(links.map { $0["rel"] } == ["self", "bookmark"])

            // Without a consumer: back-end. A taken name is cinder's 409.
            let silverID = try await Self.createSpecs(client, #""name": "silver""#)
            let silver = try await Self.send(client, .get, "/qos-specs/\(silverID)")
            #expect(silver.json?["qos_specs"]?["consumer"] == "back-end")
            #expect(silver.json?["qos_specs"]?["specs"] == [:])
            let taken = try await Self.send(client, .post, "/qos-specs", body: #"{"qos_specs": {"name": "gold"}}"#)
            #expect(taken.status == .conflict)
            #expect(taken.json?["conflictingRequest"]?["message"] == "QoS Specs gold already exists.")

            // Update answers with its body; the consumer moves, other keys stay; null clears a
            // key that is set and adds none.
            let update = #"{"qos_specs": {"consumer": "both", "read_iops_sec": "20", "burst": null}}"#
            let updated = try await Self.send(client, .put, "/qos-specs/\(id)", body: update)
            #expect(updated.status == .ok)
            #expect(updated.json == (try JSONValue.parse(update)))
            let shown = try #require(try await Self.send(client, .get, "/qos-specs/\(id)").json?["qos_specs"])
            #expect(shown["consumer"] == "both")
            #expect(shown["specs"] == ["read_iops_sec": "20", "total_iops_sec": "1000"])
            _ = try await Self.send(client, .put, "/qos-specs/\(id)", body: #"{"qos_specs": {"burst": "9"}}"#)
            _ = try await Self.send(client, .put, "/qos-specs/\(id)", body: #"{"qos_specs": {"burst": null}}"#)
            let cleared = try await Self.send(client, .get, "/qos-specs/\(id)")
            #expect(
                cleared.json?["qos_specs"]?["specs"] == ["burst": nil, "read_iops_sec": "20", "total_iops_sec": "1000"]
            )
            let badConsumer = try await Self.send(
                client,
                .put,
                "/qos-specs/\(id)",
                body: #"{"qos_specs": {"consumer": "sideways"}}"#
            )
            #expect(badConsumer.status == .badRequest)
            #expect(badConsumer.json?["badRequest"]?["message"] == .string(QoSSpecsAPI.invalidConsumer))

            // delete_keys: up to the first key not set, which is the 404.
            let missingKey = try await Self.send(
                client,
                .put,
                "/qos-specs/\(id)/delete_keys",
                body: #"{"keys": ["burst", "nope", "read_iops_sec"]}"#
            )
            #expect(missingKey.status == .notFound)
            #expect(
                missingKey.json?["itemNotFound"]?["message"] == .string("QoS spec \(id) has no spec with key nope.")
            )
            #expect(try await api.qosSpecs.get(id: id).specs == ["read_iops_sec": "20", "total_iops_sec": "1000"])

            // List: created_at, id descending by default; paging with a next link.
            let all = try await Self.send(client, .get, "/qos-specs")
            #expect(all.json?["qos_specs"]?.arrayValue.compactMap { $0["name"]?.stringValue } == ["silver", "gold"])
            #expect(all.json?["qos_specs_links"] == nil)
            let first = try await Self.send(client, .get, "/qos-specs?limit=1&sort=created_at:asc,id:asc")
            #expect(first.json?["qos_specs"]?.arrayValue.count == 1)
            let next = try #require(first.json?["qos_specs_links"]?.arrayValue.first?["href"]?.stringValue)
            let marker = try #require(first.json?["qos_specs"]?.arrayValue.first?["id"]?.stringValue)
            #expect(next.contains("marker=\(marker)"))
            let second = try await Self.send(
                client,
                .get,
                "/qos-specs?limit=1&sort=created_at:asc,id:asc&marker=\(marker)"
            )
            #expect(second.json?["qos_specs"]?.arrayValue.first?["id"] != .string(marker))
            // A filter on a column of cinder's model matches; `name` is none of them.
            let byID = try await Self.send(client, .get, "/qos-specs?id=\(id)")
            #expect(byID.json?["qos_specs"]?.arrayValue.compactMap { $0["id"]?.stringValue } == [id])
            let byName = try await Self.send(client, .get, "/qos-specs?name=gold")
            #expect(byName.json?["qos_specs"] == [])

            // Associate: the type shows the specs' id; another type too; a type with other
            // specs is refused.
            let fast = try await Self.createType(client, "fast")
            let slow = try await Self.createType(client, "slow")
            let noType = try await Self.send(client, .get, "/qos-specs/\(id)/associate")
            #expect(noType.json?["badRequest"]?["message"] == "Volume Type id must not be None.")
            #expect(
                try await Self.send(client, .get, "/qos-specs/\(id)/associate?vol_type_id=\(fast)").status == .accepted
            )
            #expect(
                try await Self.send(client, .get, "/qos-specs/\(id)/associate?vol_type_id=\(slow)").status == .accepted
            )
            let typeView = try await Self.send(client, .get, "/types/\(fast)")
            #expect(typeView.json?["volume_type"]?["qos_specs_id"] == .string(id))
            let clash = try await Self.send(client, .get, "/qos-specs/\(silverID)/associate?vol_type_id=\(fast)")
            #expect(clash.status == .badRequest)
            #expect(
                clash.json?["badRequest"]?["message"]
                    == .string("Invalid volume type: Type \(fast) is already associated with another qos specs: \(id)")
            )
            let unknownType = try await Self.send(client, .get, "/qos-specs/\(id)/associate?vol_type_id=nope")
            #expect(unknownType.status == .notFound)
            #expect(unknownType.json?["itemNotFound"]?["message"] == "Volume type nope could not be found.")
            let associations = try await Self.send(client, .get, "/qos-specs/\(id)/associations")
            #expect(
                associations.json == [
                    "qos_associations": [
                        ["association_type": "volume_type", "name": "fast", "id": .string(fast)],
                        ["association_type": "volume_type", "name": "slow", "id": .string(slow)],
                    ]
                ]
            )

            // In use: delete is cinder's 400 without force; disassociate one, then force.
            let inUse = try await Self.send(client, .delete, "/qos-specs/\(id)")
            #expect(inUse.status == .badRequest)
            #expect(inUse.json?["badRequest"]?["message"] == "Qos specs still in use.")
            #expect(try await api.qosSpecs.get(id: id).name == "gold")
            let badForce = try await Self.send(client, .delete, "/qos-specs/\(id)?force=maybe")
            #expect(badForce.json?["badRequest"]?["message"] == "Value 'maybe' for 'force' is not a boolean.")
            #expect(
                try await Self.send(client, .get, "/qos-specs/\(id)/disassociate?vol_type_id=\(fast)").status
                    == .accepted
            )
            #expect(try await api.types.current(id: fast).qosSpecsID == nil)
            #expect(try await Self.send(client, .delete, "/qos-specs/\(id)?force=True").status == .accepted)
            #expect(try await api.types.current(id: slow).qosSpecsID == nil)
            let gone = try await Self.send(client, .get, "/qos-specs/\(id)")
            #expect(gone.status == .notFound)
            #expect(gone.json?["itemNotFound"]?["message"] == .string("No such QoS spec \(id)."))

            // disassociate_all lets every type go, then a plain delete succeeds.
            _ = try await Self.send(client, .get, "/qos-specs/\(silverID)/associate?vol_type_id=\(fast)")
            #expect(try await Self.send(client, .get, "/qos-specs/\(silverID)/disassociate_all").status == .accepted)
            #expect(try await api.types.current(id: fast).qosSpecsID == nil)
            #expect(try await Self.send(client, .delete, "/qos-specs/\(silverID)").status == .accepted)
            #expect(try await Self.send(client, .get, "/qos-specs").json?["qos_specs"] == [])
        }
    }

    @Test func qosSpecsExtensionIsListed() async throws {
        try await APIHarness.run { client, _, _ in
            let response = try await client.execute(
                uri: "/v3/\(APIHarness.project)/extensions/qos-specs",
                method: .get,
                headers: APIHarness.token
            )
            #expect(response.status == .ok)
            #expect(
                response.json?["extension"]
                    == [
                        "alias": "qos-specs", "description": "QoS specs support.", "links": [],
                        "name": "Qos_specs_manage", "updated": "2013-08-02T00:00:00+00:00",
                    ]
            )
        }
    }

    /// cinder's `volume_qos_allows_retype`: an in-use volume may not move to a type whose
    /// front-end specs differ from its own (an available one may); back-end specs do not
    /// hold it back.
    @Test func inUseRetypeKeepsTheFrontEndSpecs() async throws {
        try await APIHarness.run { client, casts, api in
            let frontEnd = try await api.qosSpecs.create(name: "fe", specs: ["consumer": "front-end"]).id
            let backEnd = try await api.qosSpecs.create(name: "be", specs: ["consumer": "back-end"]).id
            let plain = try await api.store.createVolumeType(VolumeType(name: "plain"))
            let fast = try await api.store.createVolumeType(VolumeType(name: "fast"))
            let slow = try await api.store.createVolumeType(VolumeType(name: "slow"))
            try await api.qosSpecs.associate(id: frontEnd, volumeTypeID: fast.id)
            try await api.qosSpecs.associate(id: backEnd, volumeTypeID: slow.id)
            let refusal =
                "Invalid volume: Retype needs volume to be in available or in-use state, not be part of an active migration or a consistency group, requested type has to be different that the one from the volume, and for in-use volumes front-end qos specs cannot change."

            func retype(
                _ status: VolumeStatus,
                from type: VolumeType,
                to target: VolumeType
            ) async throws
                -> TestResponse
            {
                let id = try await client.placedVolume(api, status: status)
                _ = try await api.store.updateVolume(id: id, [.volumeTypeID(type.id)])
                return try await client.send(
                    .post,
                    "/volumes/\(id)/action",
                    #"{"os-retype": {"new_type": "\#(target.id)", "migration_policy": "on-demand"}}"#
                )
            }
            // In use: to or from front-end specs is refused, nothing reserved or cast.
            for (from, to) in [(plain, fast), (fast, plain), (fast, slow)] {
                let response = try await retype(.inUse, from: from, to: to)
                #expect(response.status == .badRequest, "\(from.name) → \(to.name)")
                #expect(response.json?["badRequest"]?["message"] == .string(refusal))
            }
            #expect(!casts.casts.contains { $0.hasPrefix("retype") })
            // Back-end specs or none: allowed in use; anything is allowed when available.
            #expect(try await retype(.inUse, from: plain, to: slow).status == .accepted)
            #expect(try await retype(.inUse, from: slow, to: plain).status == .accepted)
            #expect(try await retype(.available, from: plain, to: fast).status == .accepted)
            #expect(try await retype(.available, from: fast, to: slow).status == .accepted)
        }
    }
}

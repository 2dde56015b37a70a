import EmberCore
import EmberStore
import EmberWSGI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// `/group_types` and `/group_types/{id}/group_specs` (3.11) through the paste pipeline:
/// every call by role (listing and showing are open to every caller, managing types and
/// every specs call admin-only), the life of a type with cinder's answers and faults, the
/// default group type and private types.
@Suite struct GroupTypesAPITests {
    typealias Roles = QoSSpecsAPITests

    static func send(
        _ client: any TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ path: String,
        as headers: HTTPFields = Roles.admin,
        project: String = Roles.project,
        body: String? = nil
    ) async throws -> TestResponse {
        try await Roles.send(client, method, path, as: headers, project: project, body: body)
    }

    static func createType(
        _ client: any TestClientProtocol,
        _ fields: String = #""name": "gold""#
    ) async throws -> String {
        let response = try await send(client, .post, "/group_types", body: #"{"group_type": {\#(fields)}}"#)
        guard response.status == .accepted, let id = response.json?["group_type"]?["id"]?.stringValue else {
            throw APITestError.unexpected(response.status.code, response.text)
        }
        return id
    }

    @Test func statusByCallAndRole() async throws {
        let calls:
            [(name: String, method: HTTPRequest.Method, path: String, body: String?, status: HTTPResponse.Status)] = [
                ("index", .get, "/group_types", nil, .ok),
                ("show", .get, "/group_types/{id}", nil, .ok),
                ("create", .post, "/group_types", #"{"group_type": {"name": "new-{n}"}}"#, .accepted),
                ("update", .put, "/group_types/{id}", #"{"group_type": {"description": "changed"}}"#, .ok),
                ("delete", .delete, "/group_types/{id}", nil, .accepted),
                ("specs index", .get, "/group_types/{id}/group_specs", nil, .ok),
                ("specs show", .get, "/group_types/{id}/group_specs/k", nil, .ok),
                (
                    "specs create", .post, "/group_types/{id}/group_specs", #"{"group_specs": {"added": "1"}}"#,
                    .accepted
                ),
                ("specs update", .put, "/group_types/{id}/group_specs/k", #"{"k": "changed"}"#, .ok),
                ("specs delete", .delete, "/group_types/{id}/group_specs/k", nil, .accepted),
            ]
        let callers: [(String, HTTPFields, String)] = [
            ("admin", Roles.admin, Roles.project), ("member", Roles.member, Roles.project),
            ("reader", Roles.reader, Roles.project), ("other", Roles.other, Roles.otherProject),
        ]
        try await APIHarness.run(trustIdentityHeaders: true) { client, casts, api in
            var n = 0
            for call in calls {
                for (role, headers, project) in callers {
                    n += 1
                    let typeID = try await Self.createType(client, #""name": "type-\#(n)", "group_specs": {"k": "v"}"#)
                    let path = call.path.replacingOccurrences(of: "{id}", with: typeID)
                    let body = call.body?.replacingOccurrences(of: "{n}", with: "\(n)")
                    let response = try await Self.send(
                        client,
                        call.method,
                        path,
                        as: headers,
                        project: project,
                        body: body
                    )
                    let open = call.name == "index" || call.name == "show"
                    let expected = role == "admin" || open ? call.status : .forbidden
                    #expect(response.status == expected, "\(call.name) by \(role): \(response.text)")
                    if expected == .forbidden {
                        #expect(
                            response.json?["forbidden"]?["message"]?.stringValue?.hasPrefix(
                                "Policy doesn't allow group:"
                            )
                                == true,
                            "\(response.text)"
                        )
                    }
                    if open {
                        // Only admins see the specs (group:access_group_types_specs).
                        let entry =
                            call.name == "show"
                            ? response.json?["group_type"]
                            : response.json?["group_types"]?.arrayValue.first { $0["id"] == .string(typeID) }
                        #expect(entry?["name"] == .string("type-\(n)"))
                        #expect((entry?["group_specs"] != nil) == (role == "admin"), "\(role): \(response.text)")
                        continue
                    }
                    // What a refused caller asked for did not happen.
                    let admin = Identity(userID: "root", projectID: Roles.project, roles: ["admin"], isAdmin: true)
                    if call.name == "delete" {
                        let found = try? await api.groupTypes.get(id: typeID, identity: admin)
                        #expect((found == nil) == (role == "admin"))
                        continue
                    }
                    let type = try await api.groupTypes.get(id: typeID, identity: admin)
                    let done = role == "admin"
                    switch call.name {
                    case "create":
                        let names = try await api.groupTypes.page(ListQuery(scope: .allProjects)).items.map(\.name)
                        #expect(names.contains("new-\(n)") == done)
                    case "update": #expect((type.description == "changed") == done)
                    case "specs create": #expect((type.groupSpecs["added"] != nil) == done)
                    case "specs update": #expect((type.groupSpecs["k"] == .some("changed")) == done)
                    case "specs delete": #expect((type.groupSpecs["k"] == nil) == done)
                    default: break
                    }
                }
            }
            #expect(casts.casts.isEmpty)
        }
    }

    @Test func lifeOfAGroupType() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, _ in
            // Create answers 202 with the view; is_public takes cinder's boolean strings.
            let created = try await Self.send(
                client,
                .post,
                "/group_types",
                body:
                    #"{"group_type": {"name": "gold", "description": "fast", "is_public": "false", "group_specs": {"consistent_group_snapshot_enabled": "<is> True"}}}"#
            )
            #expect(created.status == .accepted, "\(created.text)")
            let view = try #require(created.json?["group_type"])
            let id = try #require(view["id"]?.stringValue)
            #expect(
                view == [
                    "id": .string(id), "name": "gold", "description": "fast", "is_public": false,
                    "group_specs": ["consistent_group_snapshot_enabled": "<is> True"],
                ]
            )
            let taken = try await Self.send(client, .post, "/group_types", body: #"{"group_type": {"name": "gold"}}"#)
            #expect(taken.status == .conflict)
            #expect(taken.json?["conflictingRequest"]?["message"] == "Group Type gold already exists.")

            // A private type is not the member's to see.
            let hidden = try await Self.send(client, .get, "/group_types/\(id)", as: Roles.member)
            #expect(hidden.status == .notFound)
            #expect(hidden.json?["itemNotFound"]?["message"] == .string("Group type \(id) could not be found."))
            let memberList = try await Self.send(client, .get, "/group_types", as: Roles.member)
            #expect(memberList.json?["group_types"]?.arrayValue.map { $0["name"] } == ["default_cgsnapshot_type"])

            // Admins: absent or true lists public types; false the private ones; none all.
            func names(_ query: String) async throws -> [String] {
                let response = try await Self.send(client, .get, "/group_types\(query)")
                return response.json?["group_types"]?.arrayValue.compactMap { $0["name"]?.stringValue } ?? []
            }
            #expect(try await names("") == ["default_cgsnapshot_type"])
            #expect(try await names("?is_public=false") == ["gold"])
            #expect(try await names("?is_public=None&sort=name:asc") == ["default_cgsnapshot_type", "gold"])
            let badFilter = try await Self.send(client, .get, "/group_types?is_public=maybe")
            #expect(badFilter.json?["badRequest"]?["message"] == "Invalid is_public filter [maybe]")
            // Paging: a full page carries the next link.
            let page = try await Self.send(client, .get, "/group_types?is_public=none&limit=1&sort=name:asc")
            #expect(page.json?["group_types"]?.arrayValue.count == 1)
            let next = try #require(page.json?["group_type_links"]?.arrayValue.first?["href"]?.stringValue)
            #expect(next.contains("/group_types?") && next.contains("marker="))
            let badMarker = try await Self.send(client, .get, "/group_types?marker=nope")
            #expect(badMarker.json?["itemNotFound"]?["message"] == "Group type nope could not be found.")

            // Update: name, description, is_public; nothing to change is cinder's 400.
            let updated = try await Self.send(
                client,
                .put,
                "/group_types/\(id)",
                body: #"{"group_type": {"name": "platinum", "is_public": true}}"#
            )
            #expect(updated.status == .ok)
            #expect(updated.json?["group_type"]?["name"] == "platinum")
            #expect(updated.json?["group_type"]?["is_public"] == true)
            #expect(updated.json?["group_type"]?["description"] == "fast")
            let blank = try await Self.send(
                client,
                .put,
                "/group_types/\(id)",
                body: #"{"group_type": {"name": "  "}}"#
            )
            #expect(blank.json?["badRequest"]?["message"] == "Group type name can not be empty.")
            let nothing = try await Self.send(client, .put, "/group_types/\(id)", body: #"{"group_type": {}}"#)
            #expect(
                nothing.json?["badRequest"]?["message"]
                    == "Specify group type name, description or a combination thereof."
            )
            let clash = try await Self.send(
                client,
                .put,
                "/group_types/\(id)",
                body: #"{"group_type": {"name": "default_cgsnapshot_type"}}"#
            )
            #expect(clash.status == .conflict)
            let missing = try await Self.send(
                client,
                .put,
                "/group_types/nope",
                body: #"{"group_type": {"description": "x"}}"#
            )
            #expect(missing.json?["itemNotFound"]?["message"] == "Group type nope could not be found.")

            // Specs: create answers its body, show one key, update in place, delete.
            let specs = #"{"group_specs": {"replication_enabled": "<is> False", "blank": null}}"#
            let set = try await Self.send(client, .post, "/group_types/\(id)/group_specs", body: specs)
            #expect(set.status == .accepted)
            #expect(set.json == (try JSONValue.parse(specs)))
            let all = try await Self.send(client, .get, "/group_types/\(id)/group_specs")
            #expect(
                all.json == [
                    "group_specs": [
                        "blank": nil, "consistent_group_snapshot_enabled": "<is> True",
                        "replication_enabled": "<is> False",
                    ]
                ]
            )
            let one = try await Self.send(client, .get, "/group_types/\(id)/group_specs/replication_enabled")
            #expect(one.json == ["replication_enabled": "<is> False"])
            let noKey = try await Self.send(client, .get, "/group_types/\(id)/group_specs/nope")
            #expect(
                noKey.json?["itemNotFound"]?["message"] == .string("Group Type \(id) has no extra spec with key nope.")
            )
            let mismatch = try await Self.send(
                client,
                .put,
                "/group_types/\(id)/group_specs/replication_enabled",
                body: #"{"other": "1"}"#
            )
            #expect(mismatch.json?["badRequest"]?["message"] == "Request body and URI mismatch")
            let changed = try await Self.send(
                client,
                .put,
                "/group_types/\(id)/group_specs/replication_enabled",
                body: #"{"replication_enabled": "<is> True"}"#
            )
            #expect(changed.status == .ok)
            #expect(changed.json == ["replication_enabled": "<is> True"])
            #expect(
                try await Self.send(client, .delete, "/group_types/\(id)/group_specs/replication_enabled").status
                    == .accepted
            )
            let deletedTwice = try await Self.send(
                client,
                .delete,
                "/group_types/\(id)/group_specs/replication_enabled"
            )
            #expect(
                deletedTwice.json?["itemNotFound"]?["message"]
                    == .string("Group Type \(id) has no specs with key replication_enabled.")
            )
            let unknownType = try await Self.send(client, .get, "/group_types/nope/group_specs")
            #expect(unknownType.json?["itemNotFound"]?["message"] == "Group type nope could not be found.")

            // Delete: 202, then 404.
            #expect(try await Self.send(client, .delete, "/group_types/\(id)").status == .accepted)
            let gone = try await Self.send(client, .delete, "/group_types/\(id)")
            #expect(gone.json?["itemNotFound"]?["message"] == .string("Group type \(id) could not be found."))
        }
    }

    @Test func defaultGroupTypeAndMicroversion() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, _ in
            let unset = try await Self.send(client, .get, "/group_types/default")
            #expect(unset.status == .notFound)
            #expect(unset.json?["itemNotFound"]?["message"] == "Default group type can not be found.")
            // Before 3.11 the routes are no API method.
            var old = Roles.admin
            old[.openStackAPIVersion] = "volume 3.10"
            let early = try await Self.send(client, .get, "/group_types", as: old)
            #expect(early.status == .notFound)
        }
        try await APIHarness.run(conf: "default_group_type = default_cgsnapshot_type\n", trustIdentityHeaders: true) {
            client,
            _,
            _ in
            let shown = try await Self.send(client, .get, "/group_types/default", as: Roles.reader)
            #expect(shown.status == .ok)
            #expect(shown.json?["group_type"]?["name"] == "default_cgsnapshot_type")
            #expect(shown.json?["group_type"]?["group_specs"] == nil)
        }
    }
}

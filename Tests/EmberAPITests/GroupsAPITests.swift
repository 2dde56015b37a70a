import EmberCore
import EmberStore
import EmberWSGI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// `/groups` (3.13) through the paste pipeline, with the casts recorded instead of workers
/// (the scheduler's placement is done through the store as the scheduler does it): create
/// with cinder's lookups and the `groups` quota, the views by microversion, volumes created
/// into a group, update's rules on which volumes may join and leave, delete with and
/// without `delete-volumes`, reset_status, the replication actions, and every call by role.
@Suite struct GroupsAPITests {
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

    /// A group type and two volume types; returns their ids.
    static func types(_ client: any TestClientProtocol) async throws -> (group: String, fast: String, slow: String) {
        let group = try await GroupTypesAPITests.createType(client, #""name": "gt""#)
        let fast = try await Roles.createType(client, "fast")
        let slow = try await Roles.createType(client, "slow")
        return (group, fast, slow)
    }

    static func createGroup(
        _ client: any TestClientProtocol,
        _ body: String,
        as headers: HTTPFields = Roles.admin,
        project: String = Roles.project
    ) async throws -> String {
        let response = try await send(client, .post, "/groups", as: headers, project: project, body: body)
        guard response.status == .accepted, let id = response.json?["group"]?["id"]?.stringValue else {
            throw APITestError.unexpected(response.status.code, response.text)
        }
        return id
    }

    /// What the scheduler and the backend do: the group lands on `host` and is `available`.
    static func place(_ api: VolumeAPI, _ id: String, host: String = "node@alpha#alpha") async throws {
        _ = try await api.store.apply(GroupTransitions.schedule, toGroup: id, also: [.host(host)])
        _ = try await api.store.apply(GroupTransitions.created, toGroup: id)
    }

    /// A volume of `typeID` that the backend made `available` on `host`.
    static func volume(
        _ client: any TestClientProtocol,
        _ api: VolumeAPI,
        type typeID: String,
        group: String? = nil,
        host: String = "node@alpha#alpha"
    ) async throws -> String {
        let groupField = group.map { #", "group_id": "\#($0)""# } ?? ""
        let response = try await send(
            client,
            .post,
            "/volumes",
            body: #"{"volume": {"size": 1, "volume_type": "\#(typeID)"\#(groupField)}}"#
        )
        guard response.status == .accepted, let id = response.json?["volume"]?["id"]?.stringValue else {
            throw APITestError.unexpected(response.status.code, response.text)
        }
        _ = try await api.store.updateVolume(id: id, [.status(.available), .host(host)])
        return id
    }

    @Test func lifeOfAGroup() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, casts, api in
            let types = try await Self.types(client)
            // Create: the types by name or id; 202 with the summary; the scheduler's cast.
            let created = try await Self.send(
                client,
                .post,
                "/groups",
                body:
                    #"{"group": {"name": " g1 ", "description": "d", "group_type": "gt", "volume_types": ["fast", "\#(types.slow)"]}}"#
            )
            #expect(created.status == .accepted, "\(created.text)")
            let id = try #require(created.json?["group"]?["id"]?.stringValue)
            #expect(created.json == ["group": ["id": .string(id), "name": "g1"]])
            #expect(casts.casts == ["create_group:\(id)"])

            // Show by microversion.
            var v313 = Roles.admin
            v313[.openStackAPIVersion] = "volume 3.13"
            let early = try #require(try await Self.send(client, .get, "/groups/\(id)", as: v313).json?["group"])
            #expect(early["status"] == "creating" && early["group_type"] == .string(types.group))
            #expect(early["volume_types"] == [.string(types.fast), .string(types.slow)])
            #expect(early["availability_zone"] == "nova" && early["description"] == "d")
            #expect(early["group_snapshot_id"] == nil && early["replication_status"] == nil)
            let late = try #require(
                try await Self.send(client, .get, "/groups/\(id)?list_volume=true").json?["group"]
            )
            #expect(late["group_snapshot_id"] == .null && late["source_group_id"] == .null)
            #expect(late["replication_status"] == "disabled" && late["volumes"] == [])
            #expect(late["project_id"] == .string(Roles.project))
            let badFlag = try await Self.send(client, .get, "/groups/\(id)?list_volume=maybe")
            #expect(badFlag.json?["badRequest"]?["message"] == "Value 'maybe' for 'list_volume' is not a boolean.")

            // Placed and available, a volume created into the group joins it and lands on
            // the group's backend.
            try await Self.place(api, id)
            let member = try await Self.volume(client, api, type: types.fast, group: id)
            #expect(try await api.store.volume(id: member, scope: .allProjects).groupID == id)
            let shownVolume = try await Self.send(client, .get, "/volumes/\(member)")
            #expect(shownVolume.json?["volume"]?["group_id"] == .string(id))
            let wrongType = try await Self.send(
                client,
                .post,
                "/volumes",
                body: #"{"volume": {"size": 1, "volume_type": "__DEFAULT__", "group_id": "\#(id)"}}"#
            )
            #expect(
                wrongType.json?["badRequest"]?["message"]
                    == "Invalid input received: Invalid volume_type provided: __DEFAULT__ (requested type must be supported by this group)."
            )
            let noType = try await Self.send(
                client,
                .post,
                "/volumes",
                body: #"{"volume": {"size": 1, "group_id": "\#(id)"}}"#
            )
            #expect(
                noType.json?["badRequest"]?["message"]
                    == "Invalid input received: volume_type must be provided when creating a volume in a group."
            )

            // Update: add a volume of a group type on the group's backend; the group is
            // `updating` and the backend is asked.
            let loose = try await Self.volume(client, api, type: types.slow)
            let elsewhere = try await Self.volume(client, api, type: types.slow, host: "node@beta#beta")
            let other = try await Self.volume(client, api, type: "__DEFAULT__")
            func update(_ fields: String) async throws -> TestResponse {
                try await Self.send(client, .put, "/groups/\(id)", body: #"{"group": {\#(fields)}}"#)
            }
            let unknown = try await update(#""add_volumes": "\#(Self.missing)""#)
            #expect(
                unknown.json?["badRequest"]?["message"]
                    == .string(
                        "Invalid volume: Cannot add volume \(Self.missing) to group \(id) because volume cannot be found."
                    )
            )
            let unsupported = try await update(#""add_volumes": "\#(other)""#)
            #expect(
                unsupported.json?["badRequest"]?["message"]?.stringValue?.hasSuffix(
                    "is not supported by the group."
                ) == true
            )
            let remote = try await update(#""add_volumes": "\#(elsewhere)""#)
            #expect(remote.json?["badRequest"]?["message"] == "Invalid volume: Volume is not local to this node.")
            let both = try await update(#""add_volumes": "\#(loose)", "remove_volumes": "\#(loose)""#)
            #expect(
                both.json?["badRequest"]?["message"]
                    == .string("Invalid volume: UUIDs ['\(loose)'] are in both add and remove volume list.")
            )
            let notMember = try await update(#""remove_volumes": "\#(loose)""#)
            #expect(
                notMember.json?["badRequest"]?["message"]
                    == .string(
                        "Invalid volume: Cannot remove volume \(loose) from group \(id) because it is not in the group."
                    )
            )
            let nothing = try await update(#""name": "g1""#)
            #expect(
                nothing.json?["badRequest"]?["message"]
                    == .string(
                        "Invalid Group: Cannot update group \(id) because no valid name, description, add_volumes, or remove_volumes were provided."
                    )
            )
            #expect(
                try await api.groups.get(id: id, caller: .init(userID: "u", projectID: nil, isAdmin: true)).status
                    == .available
            )
            let adding = try await update(#""add_volumes": "\#(loose),\#(member)""#)
            #expect(adding.status == .accepted, "\(adding.text)")
            #expect(casts.casts.last == "update_group:\(id):+\(loose):-")
            let busy = try await update(#""remove_volumes": "\#(member)""#)
            #expect(busy.json?["badRequest"]?["message"] == "Invalid Group: Group status must be available.")
            // A rename needs no backend and leaves the group `available`.
            let renamed = try await update(#""name": "g2", "description": "e""#)
            #expect(renamed.status == .accepted)
            let afterRename = try await Self.send(client, .get, "/groups/\(id)")
            #expect(afterRename.json?["group"]?["name"] == "g2" && afterRename.json?["group"]?["status"] == "available")

            // Delete: members need delete-volumes; with it the group and its volumes go
            // `deleting` and the backend is asked.
            let withMembers = try await Self.send(
                client,
                .post,
                "/groups/\(id)/action",
                body: #"{"delete": {}}"#
            )
            #expect(
                withMembers.json?["badRequest"]?["message"]
                    == .string(
                        "Invalid Group: Group \(id) still contains volumes. The delete-volumes flag is required to delete it."
                    )
            )
            let deleting = try await Self.send(
                client,
                .post,
                "/groups/\(id)/action",
                body: #"{"delete": {"delete-volumes": true}}"#
            )
            #expect(deleting.status == .accepted, "\(deleting.text)")
            #expect(casts.casts.last == "delete_group:\(id)")
            #expect(try await api.store.group(id: id, scope: .allProjects).status == .deleting)
            #expect(try await api.store.volume(id: member, scope: .allProjects).status == .deleting)
            #expect(try await api.store.volume(id: loose, scope: .allProjects).status == .available)
        }
    }

    static let missing = "00000000-0000-0000-0000-000000000000"

    @Test func groupsQuotaIsEnforcedAndAnUnplacedGroupIsDeletedAtOnce() async throws {
        try await APIHarness.run(conf: "quota_groups = 1\n", trustIdentityHeaders: true) { client, casts, api in
            let types = try await Self.types(client)
            let body = #"{"group": {"group_type": "\#(types.group)", "volume_types": ["fast"]}}"#
            let first = try await Self.createGroup(client, body)
            let over = try await Self.send(client, .post, "/groups", body: body)
            #expect(over.status.code == 413)
            #expect(
                over.json?["overLimit"]?["message"]
                    == "GroupLimitExceeded: Maximum number of groups allowed (1) exceeded"
            )
            #expect(over.headers[.retryAfter] == "0")
            #expect(try await api.store.listGroups(ListQuery(scope: .allProjects)).items.count == 1)
            // Never placed: deleted here, its quota given back, nothing cast.
            let castsBefore = casts.casts.count
            let deleted = try await Self.send(client, .post, "/groups/\(first)/action", body: #"{"delete": {}}"#)
            #expect(deleted.status == .accepted)
            #expect(casts.casts.count == castsBefore)
            #expect(try await Self.send(client, .get, "/groups/\(first)").status == .notFound)
            _ = try await Self.createGroup(client, body)
        }
    }

    @Test func cindersLookupsAndRefusals() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, api in
            let types = try await Self.types(client)
            func create(_ fields: String) async throws -> TestResponse {
                try await Self.send(client, .post, "/groups", body: #"{"group": {\#(fields)}}"#)
            }
            let noGroupType = try await create(#""group_type": "nope", "volume_types": ["fast"]"#)
            #expect(noGroupType.json?["itemNotFound"]?["message"] == "Group type with name nope could not be found.")
            let noVolumeType = try await create(#""group_type": "gt", "volume_types": ["nope"]"#)
            #expect(noVolumeType.json?["itemNotFound"]?["message"] == "Volume type with name nope could not be found.")
            let noVolumeTypeID = try await create(#""group_type": "gt", "volume_types": ["\#(Self.missing)"]"#)
            #expect(
                noVolumeTypeID.json?["itemNotFound"]?["message"]
                    == .string("Volume type \(Self.missing) could not be found.")
            )
            let zone = try await create(#""group_type": "gt", "volume_types": ["fast"], "availability_zone": "moon""#)
            #expect(
                zone.json?["badRequest"]?["message"] == "Invalid input received: Availability zone 'moon' is invalid."
            )
            let cg = try await api.store.groupType(name: "default_cgsnapshot_type").id
            let reserved = try await create(#""group_type": "\#(cg)", "volume_types": ["fast"]"#)
            #expect(
                reserved.json?["badRequest"]?["message"]
                    == .string(
                        "Group_type \(cg) is reserved for migrating CGs to groups. Migrated group can only be operated by CG APIs."
                    )
            )
            #expect(try await api.store.listGroups(ListQuery(scope: .allProjects)).items.isEmpty)

            // reset_status (3.20) and the replication actions (3.38).
            let id = try await Self.createGroup(
                client,
                #"{"group": {"group_type": "\#(types.group)", "volume_types": ["fast"]}}"#
            )
            let reset = try await Self.send(
                client,
                .post,
                "/groups/\(id)/action",
                body: #"{"reset_status": {"status": "error"}}"#
            )
            #expect(reset.status == .accepted)
            #expect(try await api.store.group(id: id, scope: .allProjects).status == .error)
            let badStatus = try await Self.send(
                client,
                .post,
                "/groups/\(id)/action",
                body: #"{"reset_status": {"status": "in-use"}}"#
            )
            #expect(
                badStatus.json?["badRequest"]?["message"]
                    == "Invalid Group Status: Group status: in-use is invalid, valid status are: ('error', 'available', 'creating', 'deleting', 'deleted', 'updating', 'in-use', 'error_deleting')."
            )
            for action in ["enable_replication", "disable_replication", "list_replication_targets"] {
                let response = try await Self.send(
                    client,
                    .post,
                    "/groups/\(id)/action",
                    body: #"{"\#(action)": {}}"#
                )
                #expect(
                    response.json?["badRequest"]?["message"]
                        == .string("Invalid group type: Group \(id) is not a replication group type."),
                    "\(action): \(response.text)"
                )
            }
            // The list: summary and detail, filters, the CG type's groups left out.
            let list = try await Self.send(client, .get, "/groups")
            #expect(list.json?["groups"] == [["id": .string(id), "name": nil]])
            let detail = try await Self.send(client, .get, "/groups/detail?status=error")
            #expect(detail.json?["groups"]?.arrayValue.first?["status"] == "error")
            let none = try await Self.send(client, .get, "/groups/detail?status=available")
            #expect(none.json?["groups"] == [])
            let memberFilter = try await Self.send(client, .get, "/groups?status=error", as: Roles.member)
            #expect(
                memberFilter.json?["badRequest"]?["message"] == "Invalid filters status are found in query options."
            )
        }
    }

    @Test func statusByCallAndRole() async throws {
        let calls: [(name: String, method: HTTPRequest.Method, path: String, body: String?)] = [
            ("index", .get, "/groups", nil),
            ("detail", .get, "/groups/detail", nil),
            ("show", .get, "/groups/{id}", nil),
            ("create", .post, "/groups", #"{"group": {"group_type": "gt", "volume_types": ["fast"]}}"#),
            ("update", .put, "/groups/{id}", #"{"group": {"name": "renamed"}}"#),
            ("delete", .post, "/groups/{id}/action", #"{"delete": {}}"#),
            ("reset_status", .post, "/groups/{id}/action", #"{"reset_status": {"status": "error"}}"#),
        ]
        // cinder's defaults: readers read, members change, reset_status is admin-only; another
        // project's group is not found.
        let expected: [String: [String: Int]] = [
            "index": ["admin": 200, "member": 200, "reader": 200, "other": 200],
            "detail": ["admin": 200, "member": 200, "reader": 200, "other": 200],
            "show": ["admin": 200, "member": 200, "reader": 200, "other": 404],
            "create": ["admin": 202, "member": 202, "reader": 403, "other": 202],
            "update": ["admin": 202, "member": 202, "reader": 403, "other": 404],
            "delete": ["admin": 202, "member": 202, "reader": 403, "other": 404],
            "reset_status": ["admin": 202, "member": 403, "reader": 403, "other": 404],
        ]
        let callers: [(String, HTTPFields, String)] = [
            ("admin", Roles.admin, Roles.project), ("member", Roles.member, Roles.project),
            ("reader", Roles.reader, Roles.project), ("other", Roles.other, Roles.otherProject),
        ]
        try await APIHarness.run(conf: "quota_groups = -1\n", trustIdentityHeaders: true) { client, _, api in
            _ = try await Self.types(client)
            for call in calls {
                for (role, headers, project) in callers {
                    let id = try await Self.createGroup(
                        client,
                        #"{"group": {"group_type": "gt", "volume_types": ["fast"]}}"#,
                        as: Roles.member
                    )
                    try await Self.place(api, id)
                    let response = try await Self.send(
                        client,
                        call.method,
                        call.path.replacingOccurrences(of: "{id}", with: id),
                        as: headers,
                        project: project,
                        body: call.body
                    )
                    let status = expected[call.name]?[role] ?? 0
                    #expect(Int(response.status.code) == status, "\(call.name) by \(role): \(response.text)")
                    let group = try await api.store.group(id: id, scope: .allProjects)
                    let done = status == 202
                    switch call.name {
                    case "update": #expect((group.name == "renamed") == done)
                    case "delete": #expect((group.status == .deleting) == done)
                    case "reset_status": #expect((group.status == .error) == done)
                    case "index", "detail":
                        let ids = response.json?["groups"]?.arrayValue.compactMap { $0["id"]?.stringValue } ?? []
                        #expect(ids.contains(id) == (role != "other"), "\(call.name) by \(role)")
                    default: break
                    }
                }
            }
        }
    }
}

import EmberCore
import EmberStore
import EmberTesting
import EmberWSGI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberAPI
@testable import EmberVolume

/// Callers of the tests below: an admin, a member and a reader of project A, a member of B.
enum Callers {
    static let projectA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    static let projectB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

    static func caller(_ user: String, project: String, roles: String) -> HTTPFields {
        [
            .named("X-User-Id"): user, .named("X-Project-Id"): project, .named("X-Roles"): roles,
            .contentType: "application/json",
        ]
    }

    static let admin = caller("root", project: projectA, roles: "admin,member,reader")
    static let memberA = caller("alice", project: projectA, roles: "member,reader")
    static let readerA = caller("rita", project: projectA, roles: "reader")
    static let memberB = caller("bob", project: projectB, roles: "member,reader")

    static let roles: [(String, HTTPFields)] = [
        ("admin", admin), ("member", memberA), ("reader", readerA), ("other project", memberB),
    ]
}

/// A test client that sends as one of ``Callers`` at one microversion.
struct RoleClient {
    let client: any TestClientProtocol
    let api: VolumeAPI

    func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        _ body: String? = nil,
        as headers: HTTPFields = Callers.memberA,
        version: String = "3.71",
        project: String? = nil
    ) async throws -> TestResponse {
        var headers = headers
        headers[.openStackAPIVersion] = "volume \(version)"
        let owner = project ?? headers[.named("X-Project-Id")] ?? Callers.projectA
        return try await client.execute(
            uri: "/v3/\(owner)" + path,
            method: method,
            headers: headers,
            body: body.map { ByteBuffer(string: $0) }
        )
    }

    static func run(
        conf: String = "",
        clock: any EmberClock = .system,
        _ body: @escaping @Sendable (RoleClient) async throws -> Void
    ) async throws {
        try await APIHarness.run(conf: conf, trustIdentityHeaders: true, clock: clock) { client, _, api in
            try await body(RoleClient(client: client, api: api))
        }
    }
}

extension TestResponse {
    var cinderFaultMessage: String? {
        guard case .object(let object)? = json, let fault = object.entries.first?.value else { return nil }
        return fault["message"]?.stringValue
    }
}

// MARK: - Messages

@Suite struct MessagesAPITests {
    static func record(
        _ api: VolumeAPI,
        project: String = Callers.projectA,
        action: String? = "001",
        detail: String? = "003",
        createdAt: Date = Date()
    ) async throws -> UserMessage {
        try await api.store.createMessage(
            UserMessage(
                projectID: project,
                requestID: "req-\(UUID().uuidString.lowercased())",
                resourceType: "VOLUME",
                resourceUUID: UUID().uuidString.lowercased(),
                eventID: "VOLUME_VOLUME_\(action ?? "000")_\(detail ?? "000")",
                detailID: detail,
                actionID: action,
                expiresAt: createdAt + 2_592_000,
                createdAt: createdAt
            )
        )
    }

    /// The status × call × role table (cinder's defaults: list and show for readers of the
    /// project, delete for members; another project sees nothing).
    @Test(arguments: [
        ("GET", "list", [200, 200, 200, 200]),
        ("GET", "show", [200, 200, 200, 404]),
        ("DELETE", "delete-by-reader-or-stranger", [204, 204, 403, 404]),
    ])
    func roleTable(method: String, call: String, expected: [Int]) async throws {
        for (index, (role, headers)) in Callers.roles.enumerated() {
            try await RoleClient.run { c in
                let message = try await Self.record(c.api)
                let path = call == "list" ? "/messages" : "/messages/\(message.id)"
                let response = try await c.send(HTTPRequest.Method(method)!, path, as: headers, version: "3.3")
                #expect(response.status.code == expected[index], "\(role): \(response.text)")
                if call == "list" {
                    let ids = response.json?["messages"]?.arrayValue.compactMap { $0["id"]?.stringValue } ?? []
                    #expect(ids == (role == "other project" ? [] : [message.id]), "\(role)")
                }
                if response.status.code == 204 {
                    #expect(response.headers[.contentType] == "text/html; charset=UTF-8")
                    let again = try await c.send(.get, "/messages/\(message.id)", as: Callers.admin, version: "3.3")
                    #expect(again.status == .notFound)
                } else if method == "DELETE" {
                    let kept = try await c.send(.get, "/messages/\(message.id)", as: Callers.admin, version: "3.3")
                    #expect(kept.status == .ok, "nothing was deleted")
                }
            }
        }
    }

    @Test func showHasCindersFieldsAndText() async throws {
        try await RoleClient.run { c in
            let message = try await Self.record(c.api)
            let response = try await c.send(.get, "/messages/\(message.id)", version: "3.3")
            let view = try #require(response.json?["message"])
            #expect(
                view.keys == [
                    "id", "event_id", "user_message", "message_level", "created_at", "guaranteed_until",
                    "request_id", "links", "resource_type", "resource_uuid",
                ]
            )
            #expect(view["user_message"] == "schedule allocate volume:Could not find any available weighted backend.")
            #expect(view["event_id"] == "VOLUME_VOLUME_001_003")
            #expect(view["message_level"] == "ERROR")
            #expect(view["resource_uuid"]?.stringValue == message.resourceUUID)
            #expect(view["links"]?.arrayValue.count == 2)
            // Unknown ids are cinder's "unknown action" and the unknown error's text.
            let odd = try await Self.record(c.api, action: "099", detail: "099")
            let oddView = try await c.send(.get, "/messages/\(odd.id)", version: "3.3").json?["message"]
            #expect(oddView?["user_message"] == "unknown action:An unknown error occurred.")
            // Before 3.3 there is no such resource.
            #expect(try await c.send(.get, "/messages/\(message.id)", version: "3.2").status == .notFound)
            let missing = try await c.send(.get, "/messages/\(UUID().uuidString.lowercased())", version: "3.3")
            #expect(missing.status == .notFound)
            #expect(missing.cinderFaultMessage?.hasPrefix("Message ") == true)
        }
    }

    @Test func listPagesSortsAndFiltersFrom35() async throws {
        try await RoleClient.run { c in
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            var ids: [String] = []
            for index in 0..<3 {
                ids.append(try await Self.record(c.api, createdAt: start + Double(index)).id)
            }
            let levelled = try await Self.record(c.api, action: "007", detail: "010", createdAt: start + 10)
            // Newest first; before 3.5 the query is ignored.
            let all = try await c.send(.get, "/messages?limit=1", version: "3.4")
            #expect(all.json?["messages"]?.arrayValue.count == 4)
            let page = try await c.send(.get, "/messages?limit=2&sort=created_at:asc", version: "3.5")
            #expect(page.json?["messages"]?.arrayValue.compactMap { $0["id"]?.stringValue } == Array(ids.prefix(2)))
            #expect(page.json?["messages_links"]?.arrayValue.first?["rel"] == "next")
            let next = try await c.send(
                .get,
                "/messages?limit=2&sort=created_at:asc&marker=\(ids[1])",
                version: "3.5"
            )
            #expect(next.json?["messages"]?.arrayValue.compactMap { $0["id"]?.stringValue } == [ids[2], levelled.id])
            let byEvent = try await c.send(.get, "/messages?event_id=VOLUME_VOLUME_007_010", version: "3.31")
            #expect(byEvent.json?["messages"]?.arrayValue.compactMap { $0["id"]?.stringValue } == [levelled.id])
            // From 3.31 a non-admin may use only the configured `message` filters.
            let refused = try await c.send(.get, "/messages?detail_id=010&bogus=1", version: "3.31")
            #expect(refused.status == .badRequest)
            #expect(refused.cinderFaultMessage == "Invalid filters detail_id,bogus are found in query options.")
            // cinderclient's all_tenants is dropped silently.
            let tenants = try await c.send(.get, "/messages?all_tenants=1", version: "3.31")
            #expect(tenants.json?["messages"]?.arrayValue.count == 4)
            // Before 3.31 any key filters (one naming no column matches nothing).
            let old = try await c.send(.get, "/messages?bogus=1", version: "3.30")
            #expect(old.json?["messages"]?.arrayValue.isEmpty == true)
            // Admins may filter on any column.
            let admin = try await c.send(.get, "/messages?detail_id=010", as: Callers.admin, version: "3.31")
            #expect(admin.json?["messages"]?.arrayValue.compactMap { $0["id"]?.stringValue } == [levelled.id])
            let badMarker = try await c.send(.get, "/messages?marker=nope", version: "3.5")
            #expect(badMarker.status == .notFound)
            #expect(badMarker.cinderFaultMessage == "Message nope could not be found.")
        }
    }
}

// MARK: - Default types

@Suite struct DefaultTypesAPITests {
    @Test(arguments: [
        ("PUT", "/default-types/\(Callers.projectB)", [200, 403, 403, 403]),
        ("GET", "/default-types/\(Callers.projectB)", [200, 403, 403, 403]),
        ("GET", "/default-types", [200, 403, 403, 403]),
        ("DELETE", "/default-types/\(Callers.projectB)", [204, 403, 403, 403]),
    ])
    func roleTable(method: String, path: String, expected: [Int]) async throws {
        for (index, (role, headers)) in Callers.roles.enumerated() {
            try await RoleClient.run { c in
                let gold = try await c.api.types.create(VolumeType(name: "gold"))
                if method != "PUT" {
                    _ = try await c.api.types.setProjectDefault(projectID: Callers.projectB, type: gold.id)
                }
                let body = method == "PUT" ? #"{"default_type": {"volume_type": "gold"}}"# : nil
                let response = try await c.send(HTTPRequest.Method(method)!, path, body, as: headers, version: "3.62")
                #expect(response.status.code == expected[index], "\(role): \(response.text)")
                if response.status.code == 403 {
                    #expect(response.cinderFaultMessage == "You are not authorized to perform this operation.")
                }
                let stored = try await c.api.store.projectDefaultVolumeType(projectID: Callers.projectB)
                switch (method, response.status.code) {
                case ("PUT", 200):
                    #expect(
                        response.json == [
                            "default_type": [
                                "project_id": .string(Callers.projectB), "volume_type_id": .string(gold.id),
                            ]
                        ]
                    )
                    #expect(stored?.volumeTypeID == gold.id)
                case ("PUT", _): #expect(stored == nil, "nothing was stored")
                case ("DELETE", 204): #expect(stored == nil)
                default: #expect(stored?.volumeTypeID == gold.id)
                }
                // Before 3.62 there are no such routes.
                let old = try await c.send(HTTPRequest.Method(method)!, path, body, as: headers, version: "3.61")
                #expect(old.status == .notFound)
            }
        }
    }

    @Test func createWithoutATypeUsesTheProjectsDefault() async throws {
        try await RoleClient.run { c in
            let gold = try await c.api.types.create(VolumeType(name: "gold"))
            let set = try await c.send(
                .put,
                "/default-types/\(Callers.projectA)",
                #"{"default_type": {"volume_type": "\#(gold.id)"}}"#,
                as: Callers.admin,
                version: "3.62"
            )
            #expect(set.status == .ok)
            let list = try await c.send(.get, "/default-types", as: Callers.admin, version: "3.62")
            #expect(list.json?["default_types"]?.arrayValue.count == 1)
            // The type some project has as its default cannot be deleted.
            let refused = try await c.send(.delete, "/types/\(gold.id)", as: Callers.admin)
            #expect(refused.status == .badRequest)
            #expect(
                refused.cinderFaultMessage
                    == "The volume type \(gold.id) is a default volume type and cannot be deleted."
            )
            // A member of A gets gold; a member of B the configured default.
            let created = try await c.send(.post, "/volumes", #"{"volume": {"size": 1}}"#)
            #expect(created.json?["volume"]?["volume_type"] == "gold", "\(created.text)")
            let other = try await c.send(.post, "/volumes", #"{"volume": {"size": 1}}"#, as: Callers.memberB)
            #expect(other.json?["volume"]?["volume_type"] == "__DEFAULT__", "\(other.text)")
            let shown = try await c.send(.get, "/types/default")
            #expect(shown.json?["volume_type"]?["name"] == "gold")
            let unset = try await c.send(
                .delete,
                "/default-types/\(Callers.projectA)",
                as: Callers.admin,
                version: "3.62"
            )
            #expect(unset.status == .noContent)
            let again = try await c.send(.get, "/default-types/\(Callers.projectA)", as: Callers.admin, version: "3.62")
            #expect(again.status == .notFound)
            #expect(again.cinderFaultMessage == "Default type for project \(Callers.projectA) not found.")
            let later = try await c.send(.post, "/volumes", #"{"volume": {"size": 1}}"#)
            #expect(later.json?["volume"]?["volume_type"] == "__DEFAULT__")
        }
    }

    static let base = "/default-types/\(Callers.projectB)"

    /// Bad input: cinder's fault and nothing stored.
    @Test(arguments: [
        (#"{"default_type": {"volume_type": "nosuch"}}"#, "Volume type with name nosuch could not be found."),
        (
            #"{"default_type": {"volume_type": "00000000-0000-0000-0000-000000000000"}}"#,
            "Volume type 00000000-0000-0000-0000-000000000000 could not be found."
        ),
        (
            #"{"default_type": {"volume_type": ""}}"#,
            "Invalid input for field/attribute volume_type. Value: . '' should be non-empty"
        ),
        (
            #"{"default_type": {"volume_type": "gold", "extra": 1}}"#,
            "Additional properties are not allowed ('extra' was unexpected)"
        ),
        (#"{"default_type": {}}"#, "'volume_type' is a required property"),
    ])
    func badInputIsRefused(body: String, message: String) async throws {
        try await RoleClient.run { c in
            _ = try await c.api.types.create(VolumeType(name: "gold"))
            let response = try await c.send(.put, Self.base, body, as: Callers.admin, version: "3.62")
            #expect(response.status == .badRequest, "\(response.text)")
            #expect(response.cinderFaultMessage?.contains(message) == true, "\(response.text)")
            #expect(try await c.api.store.listProjectDefaultVolumeTypes().isEmpty)
        }
    }
}

// MARK: - Resource filters

@Suite struct ResourceFiltersAPITests {
    @Test func listsCindersDefaultFileWhenUnset() async throws {
        try await RoleClient.run { c in
            let all = try await c.send(.get, "/resource_filters", version: "3.33")
            #expect(all.status == .ok)
            let entries = all.json?["resource_filters"]?.arrayValue ?? []
            #expect(
                entries.compactMap { $0["resource"]?.stringValue } == [
                    "volume", "backup", "snapshot", "group", "group_snapshot", "attachment", "message", "pool",
                    "volume_type",
                ]
            )
            let shipped = try String(contentsOfFile: RepositoryPaths.etc("resource_filters.json"), encoding: .utf8)
            #expect(try ResourceFilters.parse(shipped) == .cinderDefault)
            let one = try await c.send(.get, "/resource_filters?resource=backup", version: "3.33")
            #expect(
                one.json == ["resource_filters": [["resource": "backup", "filters": ["name", "status", "volume_id"]]]]
            )
            let none = try await c.send(.get, "/resource_filters?resource=bogus", version: "3.33")
            #expect(none.json == ["resource_filters": []])
            #expect(try await c.send(.get, "/resource_filters", version: "3.32").status == .notFound)
        }
    }

    @Test func aConfiguredFileDecidesWhatNonAdminsMayFilterOn() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/filters.json"
        try #"{"volume": ["name", "host", "status~"], "snapshot": []}"#.write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        try await RoleClient.run(conf: "resource_query_filters_file = \(path)\n") { c in
            let listed = try await c.send(.get, "/resource_filters", version: "3.33")
            #expect(listed.json?["resource_filters"]?.arrayValue.count == 2)
            _ = try await c.send(.post, "/volumes", #"{"volume": {"size": 1, "name": "one"}}"#)
            #expect(try await c.send(.get, "/volumes?host=x", version: "3.31").status == .ok)
            // `status~` configured: status and status~ both pass from 3.34.
            #expect(try await c.send(.get, "/volumes?status~=avail", version: "3.34").status == .ok)
            #expect(try await c.send(.get, "/volumes?status=available", version: "3.34").status == .ok)
            let refused = try await c.send(.get, "/volumes?size=1&bootable=false", version: "3.31")
            #expect(refused.status == .badRequest)
            #expect(refused.cinderFaultMessage == "Invalid filters size,bootable are found in query options.")
            // Before 3.31 unconfigured filters are dropped, not refused.
            let dropped = try await c.send(.get, "/volumes?size=7", version: "3.30")
            #expect(dropped.json?["volumes"]?.arrayValue.count == 1)
            #expect(try await c.send(.get, "/snapshots?name=x", version: "3.31").status == .badRequest)
            // A resource the file leaves out allows no filter.
            #expect(try await c.send(.get, "/backups?name=x", version: "3.31").status == .badRequest)
            // Admins are not held to the file.
            #expect(try await c.send(.get, "/backups?name=x", as: Callers.admin, version: "3.31").status == .ok)
        }
    }

    @Test func defaultFileRefusesUnconfiguredFiltersFrom331() async throws {
        try await RoleClient.run { c in
            for path in ["/volumes?host=x", "/snapshots?project_id=x", "/backups?host=x", "/attachments?host=x"] {
                let refused = try await c.send(.get, path, version: "3.31")
                #expect(refused.status == .badRequest, "\(path)")
                #expect(refused.cinderFaultMessage?.hasPrefix("Invalid filters ") == true, "\(path)")
            }
            // `name~` needs `name~` in the file (cinder's default has none).
            #expect(try await c.send(.get, "/volumes?name~=x", version: "3.34").status == .badRequest)
            let ascii = try await c.send(.get, "/volumes?n%C3%A4me=x", version: "3.31")
            #expect(ascii.cinderFaultMessage == "Filter keys can only contain ASCII characters.")
        }
    }

    @Test func poolFiltersHoldAdminsTooFrom331() async throws {
        try await RoleClient.run { c in
            let path = "/scheduler-stats/get_pools"
            let refused = try await c.send(.get, path + "?bogus=1&name=x", as: Callers.admin, version: "3.31")
            #expect(refused.status == .badRequest)
            #expect(refused.cinderFaultMessage == "Invalid filters bogus are found in query options.")
            #expect(try await c.send(.get, path + "?name=x", as: Callers.admin, version: "3.31").status == .ok)
            #expect(try await c.send(.get, path + "?all_tenants=1", as: Callers.admin, version: "3.31").status == .ok)
            #expect(try await c.send(.get, path + "?bogus=1", as: Callers.admin, version: "3.30").status == .ok)
        }
    }

    /// `get_pools?detail=true` shows a backend's preferred protocol variant (the first of a
    /// list, as cinder's view), and null for a pool without capabilities.
    @Test func poolDetailShowsOneProtocolVariant() {
        let listed = SchedulerStatsController.capabilities(
            ["storage_protocol": ["FC", "fibre_channel"], "volume_backend_name": "alpha"]
        )
        #expect(listed == ["storage_protocol": "FC", "volume_backend_name": "alpha"])
        #expect(SchedulerStatsController.capabilities(["storage_protocol": "iSCSI"]) == ["storage_protocol": "iSCSI"])
        #expect(SchedulerStatsController.capabilities(nil) == .null)
    }

    @Test func anUnreadableOrMalformedFileStopsStartUp() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let bad = directory.path + "/bad.json"
        try #"{"volume": "name"}"#.write(toFile: bad, atomically: true, encoding: .utf8)
        for (path, text) in [(directory.path + "/missing.json", "[DEFAULT]\n"), (bad, "[DEFAULT]\n")] {
            let files = ConfigFiles(
                documents: [try INIDocument(text: text + "resource_query_filters_file = \(path)\n", path: "t.conf")]
            )
            #expect(throws: ConfigurationError.self) { try VolumeServiceConfiguration(files: files) }
        }
    }
}

// MARK: - Types index (3.52)

@Suite struct TypesIndexTests {
    static func names(_ response: TestResponse) -> [String] {
        response.json?["volume_types"]?.arrayValue.compactMap { $0["name"]?.stringValue } ?? []
    }

    @Test func sortsPagesAndFilters() async throws {
        try await RoleClient.run { c in
            let a = try await c.api.types.create(VolumeType(name: "a", extraSpecs: ["multiattach": "<is> True"]))
            _ = try await c.api.types.create(VolumeType(name: "b", extraSpecs: ["secret": "x"]))
            _ = try await c.api.types.create(VolumeType(name: "c", isPublic: false))
            let admin = Callers.admin
            let probe = try await c.send(.get, "/types?sort=name:desc&limit=2", as: admin)
            #expect(probe.status == .ok, "\(probe.text)")
            // A full page carries cinder's next link.
            let next = probe.json?["volume_type_links"]?.arrayValue.first?["href"]?.stringValue ?? ""
            #expect(next.hasSuffix("/types?sort=name%3Adesc&limit=2&marker=\(a.id)"), "\(next)")
            #expect(Self.names(try await c.send(.get, "/types?sort=name:desc&limit=2", as: admin)) == ["b", "a"])
            #expect(
                Self.names(try await c.send(.get, "/types?sort=name:desc&marker=\(a.id)", as: admin)) == ["__DEFAULT__"]
            )
            #expect(Self.names(try await c.send(.get, "/types?sort=name:asc&offset=1", as: admin)) == ["a", "b"])
            #expect(Self.names(try await c.send(.get, "/types?is_public=false", as: admin)) == ["c"])
            #expect(
                Self.names(try await c.send(.get, "/types?is_public=None&sort=name:asc", as: admin)) == [
                    "__DEFAULT__", "a", "b", "c",
                ]
            )
            let badPublic = try await c.send(.get, "/types?is_public=maybe", as: admin)
            #expect(badPublic.status == .badRequest)
            #expect(badPublic.cinderFaultMessage == "Invalid is_public filter [maybe]")
            let bySpec = try await c.send(.get, "/types?extra_specs=%7B%27secret%27%3A%27x%27%7D", as: admin)
            #expect(Self.names(bySpec) == ["b"])
            let badMarker = try await c.send(.get, "/types?marker=nope", as: admin)
            #expect(badMarker.status == .notFound)
            // A member sees public types; from 3.52 only is_public and extra_specs filter.
            let member = try await c.send(.get, "/types?sort=name:asc&is_public=false", version: "3.52")
            #expect(Self.names(member) == ["__DEFAULT__", "a", "b"])
            let visible = try await c.send(
                .get,
                "/types?extra_specs=%7B%27multiattach%27%3A%27%3Cis%3E%20True%27%7D",
                version: "3.52"
            )
            #expect(Self.names(visible) == ["a"])
            // A spec the member may not read matches nothing, as cinder answers.
            let sensitive = try await c.send(.get, "/types?extra_specs=%7B%27secret%27%3A%27x%27%7D", version: "3.52")
            #expect(Self.names(sensitive).isEmpty)
            let refused = try await c.send(.get, "/types?name=a", version: "3.52")
            #expect(refused.cinderFaultMessage == "Invalid filters name are found in query options.")
            // Before 3.52 a member's other filters are dropped.
            #expect(
                Self.names(try await c.send(.get, "/types?name=a&sort=name:asc", version: "3.51")) == [
                    "__DEFAULT__", "a", "b",
                ]
            )
        }
    }

    @Test func extensionsListSchedulerHints() async throws {
        try await RoleClient.run { c in
            let listed = try await c.send(.get, "/extensions", as: Callers.admin)
            let aliases = listed.json?["extensions"]?.arrayValue.compactMap { $0["alias"]?.stringValue } ?? []
            #expect(aliases.contains("OS-SCH-HNT"))
            #expect(try await c.send(.get, "/extensions/OS-SCH-HNT", as: Callers.admin).status == .ok)
        }
    }
}

// MARK: - Bad input

extension BadInputTests {
    static let project = APIHarness.project
    static let missingMessage = "00000000-0000-4000-8000-000000000000"

    /// Messages, default types, resource filters and the types index under the same rule:
    /// cinder's fault, nothing stored, nothing cast.
    @Test(arguments: [
        (
            "GET", "/v3/\(project)/messages/\(missingMessage)", "3.3", "", 404, "itemNotFound",
            "Message \(missingMessage) could not be found."
        ),
        (
            "DELETE", "/v3/\(project)/messages/\(missingMessage)", "3.3", "", 404, "itemNotFound",
            "Message \(missingMessage) could not be found."
        ),
        ("GET", "/v3/\(project)/messages?limit=abc", "3.5", "", 400, "badRequest", "limit param must be an integer"),
        (
            "GET", "/v3/\(project)/messages?sort=created_at:sideways", "3.5", "", 400, "badRequest",
            "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'."
        ),
        (
            "GET", "/v3/\(project)/messages?marker=nope", "3.5", "", 404, "itemNotFound",
            "Message nope could not be found."
        ),
        (
            "PUT", "/v3/\(project)/default-types/\(project)", "3.62", #"{"default_type": {"volume_type": "nosuch"}}"#,
            400, "badRequest", "Volume type with name nosuch could not be found."
        ),
        (
            "PUT", "/v3/\(project)/default-types/\(project)", "3.62", "[1]", 400, "badRequest",
            "[1] is not of type 'object'"
        ),
        (
            "GET", "/v3/\(project)/default-types/\(project)", "3.62", "", 404, "itemNotFound",
            "Default type for project \(project) not found."
        ),
        (
            "GET", "/v3/\(project)/types?is_public=maybe", "3.52", "", 400, "badRequest",
            "Invalid is_public filter [maybe]"
        ),
        (
            "GET", "/v3/\(project)/types?marker=nope", "3.52", "", 404, "itemNotFound",
            "Volume type nope could not be found."
        ),
    ])
    func everydayRoutesRefusedWithCindersFault(
        method: String,
        uri: String,
        version: String,
        body: String,
        status: Int,
        fault: String,
        message: String
    ) async throws {
        try await APIHarness.run { client, casts, api in
            try await BadInputTests.expectFault(
                client,
                casts,
                method: method,
                uri: uri,
                version: version,
                body: body,
                status: status,
                fault: fault,
                message: message
            )
            #expect(try await api.store.listProjectDefaultVolumeTypes().isEmpty, "nothing was stored")
            #expect(try await api.store.listMessages(ListQuery(scope: .allProjects)).items.isEmpty)
            #expect(try await api.listVolumes(.init(scope: .allProjects)).items.isEmpty)
        }
    }
}

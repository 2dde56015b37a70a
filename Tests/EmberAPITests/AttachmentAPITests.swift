import EmberCore
import EmberStore
import EmberWSGI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// The attachments API (3.27–3.54) against cinder 29.0.0's answers, with the backend calls
/// recorded (the live suite, `LiveAttachmentTests`, runs them through a real volume service):
/// the state table (every volume status × create, update, delete, complete), multiattach,
/// the schemas, views, filters and project scoping.
@Suite struct AttachmentAPITests {
    static let projectA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    static let projectB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
    static let server1 = "11111111-1111-4111-8111-111111111111"
    static let server2 = "22222222-2222-4222-8222-222222222222"
    static let connector =
        #"{"host": "compute-1", "initiator": "iqn.1993-08.org.debian:01:abc", "mountpoint": "/dev/vdb"}"#

    static func caller(_ user: String, project: String, roles: String, version: String = "3.54") -> HTTPFields {
        [
            .named("X-User-Id"): user, .named("X-Project-Id"): project, .named("X-Roles"): roles,
            .contentType: "application/json", .openStackAPIVersion: "volume \(version)",
        ]
    }

    static let memberA = caller("alice", project: projectA, roles: "member,reader")
    static let memberB = caller("bob", project: projectB, roles: "member,reader")
    static let admin = caller("root", project: projectA, roles: "admin,member,reader")
    /// Nova with its service token: only a service may drop an attachment that connects a server.
    static let nova: HTTPFields = {
        var fields = caller("nova", project: projectA, roles: "member,reader,service")
        fields[.named("X-Service-Roles")] = "service"
        return fields
    }()

    struct Client {
        let client: any TestClientProtocol
        let api: VolumeAPI

        func send(
            _ method: HTTPRequest.Method,
            _ path: String,
            _ body: String? = nil,
            as headers: HTTPFields = AttachmentAPITests.memberA,
            project: String = AttachmentAPITests.projectA
        ) async throws -> TestResponse {
            try await client.execute(
                uri: "/v3/\(project)" + path,
                method: method,
                headers: headers,
                body: body.map { ByteBuffer(string: $0) }
            )
        }

        /// A volume of project A in `status`.
        func volume(
            _ status: VolumeStatus = .available,
            multiattach: Bool = false,
            bootable: Bool = false
        )
            async throws -> String
        {
            let id = try await client.createVolume(
                #"{"volume": {"size": 1}}"#,
                headers: AttachmentAPITests.memberA,
                project: AttachmentAPITests.projectA
            )
            _ = try await api.store.updateVolume(
                id: id,
                [.status(status), .multiattach(multiattach), .bootable(bootable)]
            )
            return id
        }

        func create(
            _ volumeID: String,
            instance: String? = AttachmentAPITests.server1,
            connector: String? = nil,
            mode: String? = nil,
            as headers: HTTPFields = AttachmentAPITests.memberA
        ) async throws -> TestResponse {
            var fields = [#""volume_uuid": "\#(volumeID)""#]
            if let instance { fields.append(#""instance_uuid": "\#(instance)""#) }
            if let connector { fields.append(#""connector": \#(connector)"#) }
            if let mode { fields.append(#""mode": "\#(mode)""#) }
            return try await send(
                .post,
                "/attachments",
                #"{"attachment": {\#(fields.joined(separator: ", "))}}"#,
                as: headers
            )
        }

        func volumeStatus(_ id: String) async throws -> (VolumeStatus, VolumeAttachStatus) {
            let volume = try await api.store.volume(id: id, scope: .allProjects)
            return (volume.status, volume.attachStatus)
        }
    }

    static func run(_ body: @escaping @Sendable (Client, CastRecorder) async throws -> Void) async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, recorder, api in
            try await body(Client(client: client, api: api), recorder)
        }
    }

    // MARK: - The state table

    /// cinder's `"error" in volume.status`.
    static let errorStatuses = VolumeStatus.allCases.filter { $0.rawValue.contains("error") }

    /// `attachment_create` without a connector from every volume status: `error*` → 400
    /// (error state), `available`/`downloading` → 200 and `reserved`, anything else → 400
    /// (status must be available or downloading); multiattach adds `in-use`.
    @Test(arguments: VolumeStatus.allCases.filter { $0 != .deleted })
    func createFromEveryStatus(status: VolumeStatus) async throws {
        try await Self.run { c, recorder in
            for multiattach in [false, true] {
                let id = try await c.volume(status, multiattach: multiattach)
                let response = try await c.create(id)
                let message = response.json?["badRequest"]?["message"]?.stringValue
                if Self.errorStatuses.contains(status) {
                    #expect(response.status == .badRequest)
                    #expect(
                        message
                            == "Invalid volume: Volume attachments can not be created if the volume is in an error state. The Volume \(id) currently has a status of: \(status.rawValue) "
                    )
                    #expect(try await c.volumeStatus(id).0 == status)
                } else if [.available, .downloading].contains(status) || (multiattach && status == .inUse) {
                    #expect(response.status == .ok, "\(status) \(response.text)")
                    let attachment = response.json?["attachment"]
                    #expect(attachment?["status"]?.stringValue == "reserved")
                    #expect(attachment?["connection_info"] == .object([:]))
                    #expect(attachment?["attach_mode"]?.stringValue == "null")
                    #expect(try await c.volumeStatus(id).0 == .reserved)
                } else {
                    #expect(response.status == .badRequest, "\(status)")
                    let allowed = multiattach ? "available, in-use or downloading" : "available or downloading"
                    #expect(
                        message
                            == "Invalid volume: Volume \(id) status must be \(allowed) to reserve, but the current status is \(status.rawValue)."
                    )
                    #expect(try await c.volumeStatus(id).0 == status)
                }
            }
            #expect(!recorder.casts.contains { $0.hasPrefix("attachment_update") })
        }
    }

    /// `attachment_update` from every volume status: `error*` → 409 `ResourceConflict`, else
    /// the backend is called and the connection info stored.
    @Test(arguments: VolumeStatus.allCases.filter { $0 != .deleted })
    func updateFromEveryStatus(status: VolumeStatus) async throws {
        try await Self.run { c, recorder in
            let id = try await c.volume()
            let attachmentID = try #require(try await c.create(id).json?["attachment"]?["id"]?.stringValue)
            _ = try await c.api.store.updateVolume(id: id, [.status(status)])
            let response = try await c.send(
                .put,
                "/attachments/\(attachmentID)",
                #"{"attachment": {"connector": \#(Self.connector)}}"#
            )
            if Self.errorStatuses.contains(status) {
                #expect(response.status == .conflict)
                #expect(
                    response.json?["conflictingRequest"]?["message"]?.stringValue
                        == "Resource conflict: Volume attachments can not be updated if the volume is in an error state. The Volume \(id) currently has a status of: \(status.rawValue) "
                )
                #expect(!recorder.casts.contains("attachment_update:\(id):\(attachmentID)"))
            } else {
                #expect(response.status == .ok, "\(status) \(response.text)")
                #expect(recorder.casts.contains("attachment_update:\(id):\(attachmentID)"))
                let info = response.json?["attachment"]?["connection_info"]
                #expect(info?["attachment_id"]?.stringValue == attachmentID)
                let stored = try await c.api.store.attachment(id: attachmentID)
                #expect(stored.connectionInfo.flatMap { try? JSONValue.parse($0) } == info)
            }
        }
    }

    /// `os-complete` and `delete` check no volume status: from every status the attachment
    /// ends `attached` and the volume `in-use`/`attached`, and a delete always goes through.
    @Test(arguments: VolumeStatus.allCases.filter { $0 != .deleted })
    func completeAndDeleteFromEveryStatus(status: VolumeStatus) async throws {
        try await Self.run { c, recorder in
            let id = try await c.volume()
            let attachmentID = try #require(try await c.create(id).json?["attachment"]?["id"]?.stringValue)
            _ = try await c.api.store.updateVolume(id: id, [.status(status)])
            let complete = try await c.send(.post, "/attachments/\(attachmentID)/action", #"{"os-complete": null}"#)
            #expect(complete.status == .noContent)
            #expect(try await c.volumeStatus(id) == (.inUse, .attached))
            #expect(try await c.api.store.attachment(id: attachmentID).attachStatus == .attached)
            _ = try await c.api.store.updateVolume(id: id, [.status(status)])
            // No connection info: the member may delete it (nothing connects a server).
            let delete = try await c.send(.delete, "/attachments/\(attachmentID)")
            #expect(delete.status == .ok, "\(delete.text)")
            #expect(delete.json == ["attachments": []])
            // An attached row asks the backend to terminate its connection.
            #expect(recorder.casts.contains("attachment_delete:\(id):\(attachmentID)"))
            let after = try await c.volumeStatus(id)
            #expect(after.1 == .detached)
            #expect(after.0 == (status == .uploading ? .uploading : .available))
        }
    }

    // MARK: - Nova's sequences (recorded backend)

    /// Create without a connector → update with one → `os-complete` → delete (as Nova, with
    /// its service token): the answers and statuses at each step.
    @Test func novaSequenceWithoutConnectorAtCreate() async throws {
        try await Self.run { c, recorder in
            let id = try await c.volume()
            let created = try await c.create(id, as: Self.nova)
            #expect(created.status == .ok)
            let attachment = try #require(created.json?["attachment"])
            let attachmentID = try #require(attachment["id"]?.stringValue)
            #expect(
                attachment.keys.sorted() == [
                    "attach_mode", "attached_at", "connection_info", "detached_at", "id", "instance", "status",
                    "volume_id",
                ]
            )
            #expect(attachment["instance"]?.stringValue == Self.server1)
            #expect(attachment["volume_id"]?.stringValue == id)
            #expect(attachment["attached_at"]?.stringValue == "")
            #expect(attachment["detached_at"]?.stringValue == "")
            #expect(try await c.volumeStatus(id).0 == .reserved)

            let updated = try await c.send(
                .put,
                "/attachments/\(attachmentID)",
                #"{"attachment": {"connector": \#(Self.connector)}}"#,
                as: Self.nova
            )
            #expect(updated.status == .ok)
            // cinder answers the row as read before the backend call.
            #expect(updated.json?["attachment"]?["status"]?.stringValue == "reserved")
            #expect(updated.json?["attachment"]?["connection_info"]?["driver_volume_type"]?.stringValue == "local")

            let done = try await c.send(
                .post,
                "/attachments/\(attachmentID)/action",
                #"{"os-complete": {}}"#,
                as: Self.nova
            )
            #expect(done.status == .noContent)
            #expect(done.text.isEmpty)
            #expect(try await c.volumeStatus(id) == (.inUse, .attached))
            let shown = try await c.send(.get, "/attachments/\(attachmentID)")
            #expect(shown.json?["attachment"]?["status"]?.stringValue == "attached")
            // The volume shows the attachment.
            let volume = try await c.send(.get, "/volumes/\(id)")
            #expect(
                volume.json?["volume"]?["attachments"]?.arrayValue.first?["attachment_id"]?.stringValue == attachmentID
            )

            // A member may not drop an attachment that connects a server (bug #2004555).
            let refused = try await c.send(.delete, "/attachments/\(attachmentID)")
            #expect(refused.status == .conflict)
            #expect(
                refused.json?["conflictingRequest"]?["message"]?.stringValue
                    == "ConflictNovaUsingAttachment: Detach volume from instance \(Self.server1) using the Compute API"
            )
            let deleted = try await c.send(.delete, "/attachments/\(attachmentID)", as: Self.nova)
            #expect(deleted.status == .ok)
            #expect(deleted.json == ["attachments": []])
            #expect(try await c.volumeStatus(id) == (.available, .detached))
            #expect((try await c.send(.get, "/attachments/\(attachmentID)")).status == .notFound)
            #expect(
                recorder.casts.filter { $0.hasPrefix("attachment_") } == [
                    "attachment_update:\(id):\(attachmentID)", "attachment_delete:\(id):\(attachmentID)",
                ]
            )
        }
    }

    /// Create with the connector in the body (one backend call), `mode` (3.54) kept.
    @Test func createWithConnectorCallsTheBackendOnce() async throws {
        try await Self.run { c, recorder in
            let id = try await c.volume()
            let created = try await c.create(id, connector: Self.connector, mode: "ro", as: Self.nova)
            #expect(created.status == .ok)
            let attachment = try #require(created.json?["attachment"])
            let attachmentID = try #require(attachment["id"]?.stringValue)
            #expect(attachment["status"]?.stringValue == "reserved")
            #expect(attachment["attach_mode"]?.stringValue == "ro")
            #expect(attachment["connection_info"]?["attachment_id"]?.stringValue == attachmentID)
            #expect(recorder.casts.filter { $0.hasPrefix("attachment_update") }.count == 1)
            let done = try await c.send(.post, "/attachments/\(attachmentID)/action", #"{"os-complete": ""}"#)
            #expect(done.status == .noContent)
            #expect(try await c.volumeStatus(id) == (.inUse, .attached))
            #expect((try await c.send(.delete, "/attachments/\(attachmentID)", as: Self.nova)).status == .ok)
            #expect(try await c.volumeStatus(id) == (.available, .detached))
        }
    }

    /// The volume's `readonly` admin metadata forces `ro` (cinder's deprecated override),
    /// and `mode` is no field before 3.54.
    @Test func modeRules() async throws {
        try await Self.run { c, _ in
            let id = try await c.volume()
            _ = try await c.api.store.updateVolumeMetadata(id: id, kind: .admin, ["readonly": "False"], replace: false)
            let forced = try await c.create(id, mode: "rw")
            #expect(forced.json?["attachment"]?["attach_mode"]?.stringValue == "ro")
            let other = try await c.volume()
            let old = try await c.send(
                .post,
                "/attachments",
                #"{"attachment": {"volume_uuid": "\#(other)", "mode": "rw"}}"#,
                as: Self.caller("alice", project: Self.projectA, roles: "member", version: "3.53")
            )
            #expect(old.status == .badRequest)
            #expect(
                old.json?["badRequest"]?["message"]?.stringValue
                    == "Invalid input for field/attribute attachment. Value: {'volume_uuid': '\(other)', 'mode': 'rw'}. Additional properties are not allowed ('mode' was unexpected)"
            )
            let bad = try await c.create(other, mode: "rx")
            #expect(bad.status == .badRequest)
        }
    }

    // MARK: - Multiattach

    /// A non-multiattach volume takes one attachment; the same server may reserve again
    /// (live migration, LP #1694530); a multiattach volume takes a second server, and the
    /// volume stays `in-use` until the last attachment goes.
    @Test func multiattachWithTwoServers() async throws {
        try await Self.run { c, _ in
            let single = try await c.volume()
            let first = try #require(try await c.create(single).json?["attachment"]?["id"]?.stringValue)
            let second = try await c.create(single, instance: Self.server2)
            #expect(second.status == .badRequest)
            #expect(
                second.json?["badRequest"]?["message"]?.stringValue
                    == "Invalid volume: Volume \(single) status must be available or downloading to reserve, but the current status is reserved."
            )
            let again = try await c.create(single, instance: Self.server1)
            #expect(again.status == .ok)
            _ = first

            let shared = try await c.volume(multiattach: true)
            let a1 = try #require(
                try await c.create(shared, connector: Self.connector).json?["attachment"]?["id"]?.stringValue
            )
            #expect(
                (try await c.send(.post, "/attachments/\(a1)/action", #"{"os-complete": {}}"#)).status == .noContent
            )
            #expect(try await c.volumeStatus(shared).0 == .inUse)
            let a2Response = try await c.create(shared, instance: Self.server2, connector: #"{"host": "compute-2"}"#)
            #expect(a2Response.status == .ok)
            let a2 = try #require(a2Response.json?["attachment"]?["id"]?.stringValue)
            #expect(
                (try await c.send(.post, "/attachments/\(a2)/action", #"{"os-complete": {}}"#)).status == .noContent
            )
            let listed = try await c.send(.get, "/attachments?volume_id=\(shared)")
            #expect(
                Set(listed.json?["attachments"]?.arrayValue.compactMap { $0["instance"]?.stringValue } ?? []) == [
                    Self.server1, Self.server2,
                ]
            )
            let left = try await c.send(.delete, "/attachments/\(a1)", as: Self.nova)
            #expect(left.status == .ok)
            #expect(left.json?["attachments"]?.arrayValue.map { $0["id"]?.stringValue } == [a2])
            #expect(
                left.json?["attachments"]?.arrayValue.first?.keys.sorted() == ["id", "instance", "status", "volume_id"]
            )
            #expect(try await c.volumeStatus(shared) == (.inUse, .attached))
            #expect((try await c.send(.delete, "/attachments/\(a2)", as: Self.nova)).status == .ok)
            #expect(try await c.volumeStatus(shared) == (.available, .detached))
        }
    }

    /// A multiattach bootable volume in use needs `volume:multiattach_bootable_volume`.
    @Test func multiattachBootablePolicy() async throws {
        let policy = PolicyEnforcer(overrides: ["volume:multiattach_bootable_volume": "!"])
        try await APIHarness.run(trustIdentityHeaders: true, policy: policy) { client, _, api in
            let c = Client(client: client, api: api)
            let id = try await c.volume(.inUse, multiattach: true, bootable: true)
            let refused = try await c.create(id, instance: Self.server2)
            #expect(refused.status == .forbidden)
            #expect(
                refused.json?["forbidden"]?["message"]?.stringValue
                    == "Policy doesn't allow volume:multiattach_bootable_volume to be performed."
            )
            let plain = try await c.volume(.inUse, multiattach: true)
            #expect((try await c.create(plain, instance: Self.server2)).status == .ok)
        }
    }

    /// `attachment_update` of a second attachment of a volume that is not multiattach, once
    /// another is connected: 409 "duplicate connectors".
    @Test func duplicateConnectorsAreAConflict() async throws {
        try await Self.run { c, _ in
            let id = try await c.volume()
            let first = try #require(
                try await c.create(id, connector: Self.connector).json?["attachment"]?["id"]?.stringValue
            )
            _ = try await c.api.store.updateVolume(id: id, [.status(.inUse)])
            let second = try #require(try await c.create(id).json?["attachment"]?["id"]?.stringValue)
            _ = first
            let response = try await c.send(
                .put,
                "/attachments/\(second)",
                #"{"attachment": {"connector": {"host": "compute-2"}}}"#
            )
            #expect(response.status == .conflict)
            #expect(
                response.json?["conflictingRequest"]?["message"]?.stringValue
                    == "Resource conflict: duplicate connectors detected on volume \(id)"
            )
        }
    }

    // MARK: - Errors, schemas, versions

    @Test func errorsAsCinderAnswersThem() async throws {
        try await Self.run { c, _ in
            let missing = "99999999-9999-4999-8999-999999999999"
            let noVolume = try await c.create(missing)
            #expect(noVolume.status == .notFound)
            #expect(noVolume.json?["itemNotFound"]?["message"]?.stringValue == "Volume \(missing) could not be found.")
            for (method, path, body) in [
                (HTTPRequest.Method.get, "/attachments/\(missing)", nil),
                (.put, "/attachments/\(missing)", #"{"attachment": {"connector": {"host": "h"}}}"#),
                (.delete, "/attachments/\(missing)", nil),
                (.post, "/attachments/\(missing)/action", #"{"os-complete": {}}"#),
            ] as [(HTTPRequest.Method, String, String?)] {
                let response = try await c.send(method, path, body)
                #expect(response.status == .notFound, "\(method) \(path)")
                #expect(
                    response.json?["itemNotFound"]?["message"]?.stringValue
                        == "Volume attachment could not be found with filter: attachment_id = \(missing)."
                )
            }
            let noUUID = try await c.send(
                .post,
                "/attachments",
                #"{"attachment": {"instance_uuid": "\#(Self.server1)"}}"#
            )
            #expect(noUUID.status == .badRequest)
            #expect(
                noUUID.json?["badRequest"]?["message"]?.stringValue
                    == "Invalid input for field/attribute attachment. Value: {'instance_uuid': '\(Self.server1)'}. 'volume_uuid' is a required property"
            )
            let badUUID = try await c.send(.post, "/attachments", #"{"attachment": {"volume_uuid": "nope"}}"#)
            #expect(badUUID.status == .badRequest)
            let id = try await c.volume()
            let attachmentID = try #require(try await c.create(id).json?["attachment"]?["id"]?.stringValue)
            let emptyConnector = try await c.send(
                .put,
                "/attachments/\(attachmentID)",
                #"{"attachment": {"connector": {}}}"#
            )
            #expect(emptyConnector.status == .badRequest)
            #expect(
                emptyConnector.json?["badRequest"]?["message"]?.stringValue
                    == "Invalid input for field/attribute connector. Value: {}. {} should be non-empty"
            )
            let extra = try await c.send(.post, "/attachments/\(attachmentID)/action", #"{"os-complete": {}, "x": 1}"#)
            #expect(extra.status == .badRequest)
            // Before 3.27 there is no attachments API; before 3.44 no os-complete.
            let old = try await c.send(
                .get,
                "/attachments",
                as: Self.caller("a", project: Self.projectA, roles: "member", version: "3.26")
            )
            #expect(old.status == .notFound)
            let early = try await c.send(
                .post,
                "/attachments/\(attachmentID)/action",
                #"{"os-complete": {}}"#,
                as: Self.caller("a", project: Self.projectA, roles: "member", version: "3.43")
            )
            #expect(early.status == .notFound)
        }
    }

    // MARK: - Lists and scoping

    @Test func listsFilterSortPageAndScopeByProject() async throws {
        try await Self.run { c, _ in
            let v1 = try await c.volume()
            let v2 = try await c.volume(multiattach: true)
            let a1 = try #require(try await c.create(v1).json?["attachment"]?["id"]?.stringValue)
            let a2 = try #require(
                try await c.create(v2, instance: Self.server2).json?["attachment"]?["id"]?.stringValue
            )
            #expect(
                (try await c.send(.post, "/attachments/\(a2)/action", #"{"os-complete": {}}"#)).status == .noContent
            )

            let all = try await c.send(.get, "/attachments?sort=created_at:asc")
            #expect(all.json?["attachments"]?.arrayValue.map { $0["id"]?.stringValue } == [a1, a2])
            #expect(
                all.json?["attachments"]?.arrayValue.first?.keys.sorted() == ["id", "instance", "status", "volume_id"]
            )
            let detail = try await c.send(.get, "/attachments/detail?volume_id=\(v2)")
            #expect(detail.json?["attachments"]?.arrayValue.map { $0["id"]?.stringValue } == [a2])
            #expect(detail.json?["attachments"]?.arrayValue.first?.keys.count == 8)
            let byInstance = try await c.send(.get, "/attachments?instance_id=\(Self.server1)")
            #expect(byInstance.json?["attachments"]?.arrayValue.map { $0["id"]?.stringValue } == [a1])
            let byAttachStatus = try await c.send(.get, "/attachments?attach_status=attached")
            #expect(byAttachStatus.json?["attachments"]?.arrayValue.map { $0["id"]?.stringValue } == [a2])
            // `status` is an allowed filter but no column of volume_attachment: cinder matches nothing.
            let byStatus = try await c.send(.get, "/attachments?status=attached")
            #expect(byStatus.json == ["attachments": []])
            let page = try await c.send(.get, "/attachments?sort=created_at:asc&limit=1&marker=\(a1)")
            #expect(page.json?["attachments"]?.arrayValue.map { $0["id"]?.stringValue } == [a2])
            let invalid = try await c.send(.get, "/attachments?host=x")
            #expect(invalid.status == .badRequest)
            #expect(
                invalid.json?["badRequest"]?["message"]?.stringValue
                    == "Invalid filters host are found in query options."
            )
            let badMarker = try await c.send(.get, "/attachments?marker=nope")
            #expect(badMarker.status == .notFound)

            // Project B sees none of A's attachments; an admin sees them with all_tenants.
            let other = try await c.send(.get, "/attachments", as: Self.memberB, project: Self.projectB)
            #expect(other.json == ["attachments": []])
            let hidden = try await c.send(.get, "/attachments/\(a1)", as: Self.memberB, project: Self.projectB)
            #expect(hidden.status == .notFound)
            let adminB = Self.caller("root", project: Self.projectB, roles: "admin,member,reader")
            let ownProject = try await c.send(.get, "/attachments", as: adminB, project: Self.projectB)
            #expect(ownProject.json == ["attachments": []])
            let everyone = try await c.send(.get, "/attachments?all_tenants=1", as: adminB, project: Self.projectB)
            #expect(everyone.json?["attachments"]?.arrayValue.count == 2)
            let shown = try await c.send(.get, "/attachments/\(a1)", as: adminB, project: Self.projectB)
            #expect(shown.status == .ok)
            // Another project's member cannot attach A's volume: the volume is not found.
            let foreign = try await c.send(
                .post,
                "/attachments",
                #"{"attachment": {"volume_uuid": "\#(v1)"}}"#,
                as: Self.memberB,
                project: Self.projectB
            )
            #expect(foreign.status == .notFound)
            // `all_tenants` from a member changes nothing (cinder does not take it as a filter).
            let memberAll = try await c.send(
                .get,
                "/attachments?all_tenants=1",
                as: Self.memberB,
                project: Self.projectB
            )
            #expect(memberAll.json == ["attachments": []])
            let memberOwn = try await c.send(.get, "/attachments?all_tenants=1")
            #expect(memberOwn.json?["attachments"]?.arrayValue.count == 2)
        }
    }

    /// Since 3.67 the project id may be left out of the path.
    @Test func projectLessPaths() async throws {
        try await Self.run { c, _ in
            let id = try await c.volume()
            var headers = Self.memberA
            headers[.openStackAPIVersion] = "volume 3.67"
            let created = try await c.client.execute(
                uri: "/v3/attachments",
                method: .post,
                headers: headers,
                body: ByteBuffer(string: #"{"attachment": {"volume_uuid": "\#(id)"}}"#)
            )
            #expect(created.status == .ok, "\(created.text)")
            let attachmentID = try #require(created.json?["attachment"]?["id"]?.stringValue)
            let listed = try await c.client.execute(uri: "/v3/attachments/detail", method: .get, headers: headers)
            #expect(listed.json?["attachments"]?.arrayValue.map { $0["id"]?.stringValue } == [attachmentID])
            let deleted = try await c.client.execute(
                uri: "/v3/attachments/\(attachmentID)",
                method: .delete,
                headers: headers
            )
            #expect(deleted.status == .ok)
            #expect(try await c.volumeStatus(id) == (.available, .detached))
        }
    }

    /// The legacy actions share the state machine: `os-reserve` refuses a volume the
    /// attachments API reserved, and deleting a reserved attachment makes it available again.
    @Test func legacyActionsShareTheStateMachine() async throws {
        try await Self.run { c, _ in
            let id = try await c.volume()
            let attachmentID = try #require(try await c.create(id).json?["attachment"]?["id"]?.stringValue)
            let reserve = try await c.send(.post, "/volumes/\(id)/action", #"{"os-reserve": null}"#)
            #expect(reserve.status == .badRequest)
            #expect(
                reserve.json?["badRequest"]?["message"]?.stringValue
                    == "Invalid volume: Volume status must be available to reserve, but the status is reserved."
            )
            #expect((try await c.send(.delete, "/attachments/\(attachmentID)")).status == .ok)
            #expect(try await c.volumeStatus(id) == (.available, .detached))
            #expect((try await c.send(.post, "/volumes/\(id)/action", #"{"os-reserve": null}"#)).status == .accepted)
            // A volume the legacy flow holds (`attaching`) cannot be reserved by the new API.
            let refused = try await c.create(id)
            #expect(refused.status == .badRequest)
        }
    }
}

/// cinder's create flow asks `volume:multiattach` when the volume's type is a multiattach
/// type (`extra_specs['multiattach'] == '<is> True'`), before anything is reserved or stored.
@Suite struct MultiattachCreatePolicyTests {
    @Test func aMultiattachTypeNeedsTheMultiattachPolicyAtCreate() async throws {
        let policy = PolicyEnforcer(overrides: ["volume:multiattach": "!"])
        try await APIHarness.run(policy: policy) { client, _, api in
            _ = try await api.types.create(VolumeType(name: "shared", extraSpecs: ["multiattach": "<is> True"]))
            let refused = try await client.execute(
                uri: "/v3/\(APIHarness.project)/volumes",
                method: .post,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"volume": {"size": 1, "volume_type": "shared"}}"#)
            )
            #expect(refused.status == .forbidden)
            #expect(
                refused.json?["forbidden"]?["message"]?.stringValue
                    == "Policy doesn't allow volume:multiattach to be performed."
            )
            #expect(try await api.listVolumes(ListQuery(scope: .allProjects)).items.isEmpty)
            let usage = try await api.quotaSets.usages(projectID: APIHarness.project)
            #expect((usage["volumes"]?.inUse ?? 0) + (usage["volumes"]?.reserved ?? 0) == 0)
            // A type without the spec needs no such right.
            _ = try await client.createVolume()
        }
    }
}

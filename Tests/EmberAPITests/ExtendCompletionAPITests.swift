import EmberCore
import EmberStore
import EmberWSGI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// `os-extend_volume_completion` (3.71) against cinder 29.0.0's answers: the volume must be
/// `extending` with well-formed `extend_new_size`/`extend_reservations` admin metadata; then
/// the keys go and the backend is told (a cast), which the live test follows to the end.
@Suite struct ExtendCompletionAPITests {
    static func action(
        _ client: any TestClientProtocol,
        _ id: String,
        _ body: String,
        version: String = "3.71"
    )
        async throws -> TestResponse
    {
        try await client.execute(
            uri: "/v3/\(APIHarness.project)/volumes/\(id)/action",
            method: .post,
            headers: APIHarness.headers(version: version),
            body: ByteBuffer(string: body)
        )
    }

    @Test func refusalsAndTheCast() async throws {
        try await APIHarness.run { client, recorder, api in
            let id = try await client.createVolume()
            _ = try await api.store.updateVolume(id: id, [.status(.available)])
            let body = #"{"os-extend_volume_completion": {"error": false}}"#
            func message(_ response: TestResponse) -> String? { response.json?["badRequest"]?["message"]?.stringValue }

            let notExtending = try await Self.action(client, id, body)
            #expect(notExtending.status == .badRequest)
            #expect(message(notExtending) == "Invalid volume: Volume is not being extended.")

            _ = try await api.store.updateVolume(id: id, [.status(.extending)])
            let missing = try await Self.action(client, id, body)
            #expect(message(missing) == "Invalid volume: Required volume admin metadata is malformed or missing.")

            func store(_ metadata: [String: String]) async throws {
                _ = try await api.store.updateVolumeMetadata(id: id, kind: .admin, metadata, replace: false)
            }
            try await store(["extend_new_size": "1", "extend_reservations": "[]"])
            let smaller = try await Self.action(client, id, body)
            #expect(
                message(smaller)
                    == "Invalid volume: The target volume size provided in volume admin metadata 1 is smaller or equal to the current volume size."
            )
            try await store(["extend_new_size": "3", "extend_reservations": "{}"])
            let notList = try await Self.action(client, id, body)
            #expect(
                message(notList)
                    == "Invalid volume: The stored quota reservations for extending the volume must be in a list format."
            )
            try await store(["extend_new_size": "x"])
            #expect(message(try await Self.action(client, id, body))?.contains("malformed or missing") == true)

            let schema = try await Self.action(client, id, #"{"os-extend_volume_completion": {"error": 1}}"#)
            #expect(schema.status == .badRequest)
            #expect(
                message(schema)
                    == "Invalid input for field/attribute error. Value: 1. 1 is not of type 'string', 'null', 'boolean'"
            )

            try await store(["extend_new_size": "3", "extend_reservations": #"["r1", "r2"]"#])
            let done = try await Self.action(client, id, #"{"os-extend_volume_completion": {"error": "yes"}}"#)
            #expect(done.status == .accepted)
            #expect(recorder.casts.contains(#"extend_volume_completion:\#(id):3:["r1", "r2"]:true"#))
            let volume = try await api.store.volume(id: id, scope: .allProjects)
            #expect(volume.adminMetadata["extend_new_size"] == nil)
            #expect(volume.adminMetadata["extend_reservations"] == nil)
        }
    }

    /// The action is an admin action (`rule:admin_api`): a member gets cinder's 403.
    @Test func membersAreRefused() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, _ in
            let project = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            let member: HTTPFields = [
                HTTPField.Name("X-User-Id")!: "alice", HTTPField.Name("X-Project-Id")!: project,
                HTTPField.Name("X-Roles")!: "member,reader", .contentType: "application/json",
                .openStackAPIVersion: "volume 3.71",
            ]
            let id = try await client.createVolume(headers: member, project: project)
            let response = try await client.execute(
                uri: "/v3/\(project)/volumes/\(id)/action",
                method: .post,
                headers: member,
                body: ByteBuffer(string: #"{"os-extend_volume_completion": {}}"#)
            )
            #expect(response.status == .forbidden)
            #expect(
                response.json?["forbidden"]?["message"]?.stringValue
                    == "Policy doesn't allow volume_extension:volume_admin_actions:extend_volume_completion to be performed."
            )
        }
    }

    /// Through the bus: the backend gives the volume its new size and its status back, or
    /// `error_extending` when the compute service reported an error.
    @Test(arguments: LiveBackend.all)
    func theBackendFinishesTheExtend(backend: LiveBackend) async throws {
        try await LiveHarness.run(backend) { live in
            for error in [false, true] {
                let created = try await live.request(.post, "/volumes", #"{"volume": {"size": 1}}"#)
                let id = try #require(created.json?["volume"]?["id"]?.stringValue)
                try await live.waitForStatus("/volumes/\(id)", "volume", ["available"])
                _ = try await live.store.updateVolume(id: id, [.status(.extending)])
                _ = try await live.store.updateVolumeMetadata(
                    id: id,
                    kind: .admin,
                    ["extend_new_size": "2", "extend_reservations": "[]"],
                    replace: false
                )
                let response = try await live.request(
                    .post,
                    "/volumes/\(id)/action",
                    #"{"os-extend_volume_completion": {"error": \#(error)}}"#,
                    version: "3.71"
                )
                #expect(response.status == .accepted, "\(response.text)")
                let volume = try await live.waitForStatus(
                    "/volumes/\(id)",
                    "volume",
                    [error ? "error_extending" : "available"]
                )
                #expect(volume["size"] == .int(error ? 1 : 2))
            }
        }
    }
}

import EmberCore
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// What schemathesis found against the served OpenAPI document (Tests/schemathesis), each
/// now a clear 4xx (or the call it asked for) with nothing stored.
extension BadInputTests {
    static let hosts = "/v3/\(APIHarness.project)/os-hosts"

    /// `PUT /os-hosts/{host}` answered 501 for every body (schemathesis: a 5xx); cinder checks
    /// the body first (its volume API then raises NotImplementedError, a 500).
    @Test(arguments: [
        ("PUT", "\(hosts)/node", "[null, null]", 400, "badRequest", "Malformed request body"),
        ("PUT", "\(hosts)/node", #"{"status": "sideways"}"#, 400, "badRequest", "Invalid status: 'sideways'"),
        ("PUT", "\(hosts)/node", #"{"status": 1}"#, 400, "badRequest", "Invalid status: '1'"),
        ("PUT", "\(hosts)/node", #"{"colour": "red"}"#, 400, "badRequest", "Invalid update setting: 'colour'"),
        ("PUT", "\(hosts)/nowhere", #"{"status": "disable"}"#, 404, "itemNotFound", "Host nowhere could not be found."),
    ])
    func hostUpdatesRefusedWithCindersFault(
        method: String,
        uri: String,
        body: String,
        status: Int,
        fault: String,
        message: String
    ) async throws {
        try await BadInputTests.expectRefused(method, uri, body, status, fault, message, version: "3.71") {
            api throws in
            #expect(try await api.services.list(disabled: true).isEmpty, "no service was disabled")
        }
    }
}

@Suite struct SchemathesisFindingsTests {
    /// A path segment that starts with an emoji modifier (`/snapshots/🏻/metadata`) answered
    /// webob's HTML 404 (schemathesis: an undocumented content type): split by characters, the
    /// modifier joined the slash before it and no route matched. It is an id like any other.
    @Test func aSegmentStartingWithACombiningScalarStillRoutes() async throws {
        try await APIHarness.run { client, _, _ in
            for uri in [
                "/v3/\(APIHarness.project)/snapshots/%F0%9F%8F%BB/metadata",
                "/v3/\(APIHarness.project)/volumes/%CC%81",
            ] {
                let response = try await client.execute(uri: uri, method: .get, headers: APIHarness.token)
                #expect(response.status == .notFound, "\(uri)")
                #expect(response.headers[.contentType] == "application/json", "\(uri)")
                #expect(response.json?["itemNotFound"]?["code"] == 404, "\(uri)")
            }
        }
    }

    /// `PUT /os-hosts/{host}` with a valid body disables and enables the host's volume services.
    @Test func hostUpdateDisablesAndEnablesTheVolumeServices() async throws {
        try await APIHarness.run { client, _, api in
            _ = try await api.store.createService(
                ServiceRecord(
                    host: "node@alpha",
                    binary: "cinder-volume",
                    topic: "cinder-volume",
                    availabilityZone: "nova"
                )
            )
            let uri = "/v3/\(APIHarness.project)/os-hosts/node"
            let disabled = try await client.execute(
                uri: uri,
                method: .put,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"status": "Disable"}"#)
            )
            #expect(disabled.status == .ok)
            #expect(disabled.json == ["host": "node", "status": "disabled"])
            #expect(try await api.services.list(disabled: true).map(\.host) == ["node@alpha"])
            let enabled = try await client.execute(
                uri: uri,
                method: .put,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"status": "enable"}"#)
            )
            #expect(enabled.json == ["host": "node", "status": "enabled"])
            #expect(try await api.services.list(disabled: true).isEmpty)
            // Nothing to change: cinder's empty answer.
            let nothing = try await client.execute(
                uri: uri,
                method: .put,
                headers: APIHarness.token,
                body: ByteBuffer(string: "{}")
            )
            #expect(nothing.status == .ok)
            #expect(nothing.json == [:])
        }
    }
}

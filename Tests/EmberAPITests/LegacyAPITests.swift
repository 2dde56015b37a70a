import EmberAPI
import EmberCore
import EmberVolume
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The seed's `/v2` and `/v1` routers mounted by Ember's default `api-paste.ini`.
@Suite struct LegacyAPITests {
    @Test func versionDocumentListsEveryMountedVersion() async throws {
        try await APIHarness.run { client, _, _ in
            let root = try await client.execute(uri: "/", method: .get)
            let versions = try #require(root.json?["versions"]).arrayValue
            #expect(versions.map { $0["id"]?.stringValue ?? "" } == ["v3.0", "v2.0", "v1.0"])
            #expect(versions.map { $0["status"]?.stringValue ?? "" } == ["CURRENT", "DEPRECATED", "DEPRECATED"])
            #expect(versions[1]["links"]?.arrayValue.last?["href"] == "http://localhost/v2/")
        }
    }

    @Test func eachLegacyRouterDescribesItsOwnVersion() async throws {
        try await APIHarness.run { client, _, _ in
            for (prefix, id) in [("/v2/", "v2.0"), ("/v1/", "v1.0")] {
                let index = try await client.execute(uri: prefix, method: .get, headers: APIHarness.token)
                #expect(index.status == .ok)
                let versions = try #require(index.json?["versions"]).arrayValue
                #expect(versions.map { $0["id"]?.stringValue ?? "" } == [id])
            }
            let v3 = try await client.execute(uri: "/v3/", method: .get, headers: APIHarness.token)
            #expect(v3.json?["versions"]?.arrayValue.first?["id"] == "v3.0")
        }
    }

    @Test func v1CreatesAnswer200AndTakeAnyExtraSpecValue() async throws {
        try await APIHarness.run { client, _, api in
            let volumeID = try await client.placedVolume(api)
            let snapshot = try await client.execute(
                uri: "/v1/\(APIHarness.project)/snapshots",
                method: .post,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"snapshot": {"volume_id": "\#(volumeID)", "force": true}}"#)
            )
            #expect(snapshot.status == .ok, "\(snapshot.text)")
            let v2Snapshot = try await client.execute(
                uri: "/v2/\(APIHarness.project)/snapshots",
                method: .post,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"snapshot": {"volume_id": "\#(volumeID)", "force": true}}"#)
            )
            #expect(v2Snapshot.status == .accepted, "\(v2Snapshot.text)")

            let type = try await client.execute(
                uri: "/v1/\(APIHarness.project)/types",
                method: .post,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"volume_type": {"name": "old", "extra_specs": {"priority": 3}}}"#)
            )
            #expect(type.status == .ok, "\(type.text)")
            #expect(type.json?["volume_type"]?["extra_specs"] == ["priority": "3"])
            let v3Type = try await client.execute(
                uri: "/v3/\(APIHarness.project)/types",
                method: .post,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"volume_type": {"name": "new", "extra_specs": {"priority": 3}}}"#)
            )
            #expect(v3Type.status == .badRequest)
        }
    }

    @Test func v1UsesDisplayNamesAndV2IsTheV30Shape() async throws {
        try await APIHarness.run { client, _, _ in
            let created = try await client.execute(
                uri: "/v1/\(APIHarness.project)/volumes",
                method: .post,
                headers: APIHarness.token,
                body: ByteBuffer(
                    string: #"{"volume": {"size": 1, "display_name": "old-style", "display_description": "d"}}"#
                )
            )
            #expect(created.status == .ok, "the 2013 v1 API answered creates with 200")
            let v1 = try #require(created.json?["volume"])
            #expect(v1["display_name"] == "old-style")
            #expect(v1["name"] == nil)
            #expect(v1["links"] == nil)
            let id = try #require(v1["id"]?.stringValue)
            #expect(created.headers[.openStackAPIVersion] == nil)

            let v2 = try await client.execute(
                uri: "/v2/\(APIHarness.project)/volumes/\(id)",
                method: .get,
                headers: APIHarness.headers(version: "3.60")
            )
            let volume = try #require(v2.json?["volume"])
            #expect(volume["name"] == "old-style")
            #expect(volume["group_id"] == nil, "v2 has no microversions")
            #expect(
                volume["links"]?.arrayValue.first?["href"]
                    == .string("http://localhost/v2/\(APIHarness.project)/volumes/\(id)")
            )
            #expect(v2.headers[.openStackAPIVersion] == nil)

            let v1List = try await client.execute(
                uri: "/v1/\(APIHarness.project)/volumes",
                method: .get,
                headers: APIHarness.token
            )
            #expect(v1List.json?["volumes"]?.arrayValue.first?["display_name"] == "old-style", "\(v1List.text)")
        }
    }
}

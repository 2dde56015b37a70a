import EmberAPI
import EmberCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// Differences from cinder 29.0.0 that the fidelity harness (Tests/fidelity) found, pinned
/// here without cinder.
@Suite struct FidelityFindingsTests {
    @Test func adminsUnknownFilterMatchesNothing() async throws {
        try await APIHarness.run { client, _, _ in
            _ = try await client.createVolume(#"{"volume": {"size": 1}}"#)
            let admin = try await client.send(.get, "/volumes?bogus=1", version: "3.71")
            #expect(admin.status == .ok)
            #expect(admin.json?["volumes"]?.arrayValue.isEmpty == true)
            // Before 3.45 with_count is no parameter but a filter like any other.
            let counted = try await client.send(.get, "/volumes?with_count=true", version: "3.0")
            #expect(counted.json?["volumes"]?.arrayValue.isEmpty == true)
            let offset = try await client.send(.get, "/volumes?offset=x", version: "3.71")
            #expect(offset.json?["badRequest"]?["message"] == "offset must be an integer")
        }
    }

    @Test func adminsListPublicTypesUnlessIsPublicSaysOtherwise() async throws {
        try await APIHarness.run { client, _, _ in
            let created = try await client.send(
                .post,
                "/types",
                #"{"volume_type": {"name": "hidden", "os-volume-type-access:is_public": false}}"#
            )
            #expect(created.status == .ok)
            let names = { (path: String) async throws -> [String] in
                try await client.send(.get, path, version: "3.71").json?["volume_types"]?.arrayValue
                    .compactMap { $0["name"]?.stringValue } ?? []
            }
            #expect(try await names("/types") == ["__DEFAULT__"])
            #expect(try await names("/types?is_public=None") == ["hidden", "__DEFAULT__"])
            #expect(try await names("/types?is_public=false") == ["hidden"])
        }
    }

    @Test func volumeNamesLongerThan255AreInvalidInput() async throws {
        try await APIHarness.run { client, _, _ in
            let name = String(repeating: "x", count: 256)
            let refused = try await client.send(.post, "/volumes", #"{"volume": {"size": 1, "name": "\#(name)"}}"#)
            #expect(refused.status == .badRequest)
            #expect(
                refused.json?["badRequest"]?["message"]
                    == "Invalid input received: name has 256 characters, more than 255."
            )
        }
    }

    @Test func aVolumeFromASnapshotOrACloneIsAsBootableAsItsSource() async throws {
        try await APIHarness.run { client, _, api in
            let source = try await client.placedVolume(api)
            _ = try await api.store.updateVolume(id: source, [.bootable(true)])
            let snapshot = try await client.createSnapshot(source)
            _ = try await api.store.updateSnapshot(id: snapshot, [.status(.available)])
            let fromSnapshot = try await client.send(
                .post,
                "/volumes",
                #"{"volume": {"size": 1, "snapshot_id": "\#(snapshot)"}}"#
            )
            #expect(fromSnapshot.json?["volume"]?["bootable"] == "true", "\(fromSnapshot.text)")
            let clone = try await client.send(.post, "/volumes", #"{"volume": {"source_volid": "\#(source)"}}"#)
            #expect(clone.json?["volume"]?["bootable"] == "true", "\(clone.text)")
        }
    }

    @Test func versionHeadersAndRequestIDsAsCindersResource() async throws {
        try await APIHarness.run { client, _, _ in
            // cinder's _is_legacy_endpoint: no version headers for a requested 2.0.
            let old = try await client.send(.get, "/volumes", version: "2.0")
            #expect(old.status == .notAcceptable)
            #expect(old.headers[.openStackAPIVersion] == nil)
            #expect(old.headers[.vary] == nil)
            let new = try await client.send(.get, "/volumes", version: "3.99")
            #expect(new.headers[.openStackAPIVersion] == "volume 3.99")

            let id = try await client.createVolume(#"{"volume": {"size": 1, "metadata": {"a": "1"}}}"#)
            // A bare webob.Response in cinder: text/html, no x-compute-request-id.
            let etagged = try await client.send(.get, "/volumes/\(id)/metadata", version: "3.15")
            #expect(etagged.headers[.contentType] == "text/html; charset=UTF-8")
            #expect(etagged.headers[HTTPField.Name("x-compute-request-id")!] == nil)
            #expect(etagged.headers[HTTPField.Name("x-ember-bare-webob-response")!] == nil)
            let plain = try await client.send(.get, "/volumes/\(id)/metadata", version: "3.14")
            #expect(plain.headers[.contentType] == "application/json")
            #expect(plain.headers[HTTPField.Name("x-compute-request-id")!] != nil)
            let deleted = try await client.send(.delete, "/volumes/\(id)/metadata/a")
            #expect(deleted.headers[HTTPField.Name("x-compute-request-id")!] == nil)
            // An action cinder decorates with @wsgi.response: empty application/json.
            let action = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-set_bootable": {"bootable": true}}"#
            )
            #expect(action.status == .ok)
            #expect(action.headers[.contentType] == "application/json")
            #expect(action.headers[HTTPField.Name("x-compute-request-id")!] != nil)
        }
    }
}

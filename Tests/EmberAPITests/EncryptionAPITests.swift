import EmberCore
import EmberKeys
import EmberStore
import EmberWSGI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// `/types/{type_id}/encryption` through the paste pipeline: every call by role (cinder's
/// defaults make all of them admin-only), the encryption's life and cinder's faults,
/// including the refusals while volumes have the type.
@Suite struct EncryptionTypesAPITests {
    static let project = QoSSpecsAPITests.project
    static let admin = QoSSpecsAPITests.admin
    static let luks =
        #"{"encryption": {"provider": "luks", "cipher": "aes-xts-plain64", "key_size": 256, "control_location": "front-end"}}"#

    static func send(
        _ client: any TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ path: String,
        as headers: HTTPFields = admin,
        project: String = project,
        body: String? = nil
    ) async throws -> TestResponse {
        try await QoSSpecsAPITests.send(client, method, path, as: headers, project: project, body: body)
    }

    /// A new type with the `luks` encryption; returns the type's id.
    static func encryptedType(
        _ client: any TestClientProtocol,
        _ name: String,
        body: String = luks
    ) async throws
        -> String
    {
        let typeID = try await QoSSpecsAPITests.createType(client, name)
        let response = try await send(client, .post, "/types/\(typeID)/encryption", body: body)
        guard response.status == .ok else { throw APITestError.unexpected(response.status.code, response.text) }
        return typeID
    }

    @Test func statusByCallAndRole() async throws {
        let calls:
            [(name: String, method: HTTPRequest.Method, path: String, body: String?, status: HTTPResponse.Status)] = [
                ("index", .get, "/types/{type}/encryption", nil, .ok),
                ("show", .get, "/types/{type}/encryption/provider", nil, .ok),
                ("create", .post, "/types/{plain}/encryption", Self.luks, .ok),
                ("update", .put, "/types/{type}/encryption/x", #"{"encryption": {"key_size": 512}}"#, .ok),
                ("delete", .delete, "/types/{type}/encryption/x", nil, .accepted),
            ]
        let callers: [(String, HTTPFields, String)] = [
            ("admin", QoSSpecsAPITests.admin, QoSSpecsAPITests.project),
            ("member", QoSSpecsAPITests.member, QoSSpecsAPITests.project),
            ("reader", QoSSpecsAPITests.reader, QoSSpecsAPITests.project),
            ("other", QoSSpecsAPITests.other, QoSSpecsAPITests.otherProject),
        ]
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, api in
            var n = 0
            for call in calls {
                for (role, headers, project) in callers {
                    n += 1
                    let typeID = try await Self.encryptedType(client, "enc-\(n)")
                    let plainID = try await QoSSpecsAPITests.createType(client, "plain-\(n)")
                    let path = call.path.replacingOccurrences(of: "{type}", with: typeID)
                        .replacingOccurrences(of: "{plain}", with: plainID)
                    let response = try await Self.send(
                        client,
                        call.method,
                        path,
                        as: headers,
                        project: project,
                        body: call.body
                    )
                    let expected = role == "admin" ? call.status : .forbidden
                    #expect(response.status == expected, "\(call.name) by \(role): \(response.text)")
                    if role != "admin" {
                        #expect(
                            response.json?["forbidden"]?["message"]?.stringValue?.contains("volume_type_encryption")
                                == true,
                            "\(response.text)"
                        )
                    }
                    // What a refused caller asked for did not happen.
                    let encryption = try await api.store.volumeTypeEncryption(volumeTypeID: typeID)
                    let plain = try await api.store.volumeTypeEncryption(volumeTypeID: plainID)
                    switch call.name {
                    case "create": #expect((plain != nil) == (role == "admin"))
                    case "update": #expect(encryption?.keySize == (role == "admin" ? 512 : 256))
                    case "delete": #expect((encryption == nil) == (role == "admin"))
                    default: #expect(encryption?.keySize == 256 && plain == nil)
                    }
                }
            }
        }
    }

    @Test func encryptionLifeWithCindersAnswers() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, api in
            let typeID = try await QoSSpecsAPITests.createType(client, "secret")
            let path = "/types/\(typeID)/encryption"
            #expect(try await Self.send(client, .get, path).json == .object([:]))
            #expect(try await Self.send(client, .get, path + "/cipher").status == .notFound)

            // cinder echoes the body, `key_size` made an integer, extra keys kept.
            let created = try await Self.send(
                client,
                .post,
                path,
                body:
                    #"{"encryption": {"provider": "luks", "key_size": "256", "control_location": "front-end", "note": "x"}}"#
            )
            #expect(created.status == .ok, "\(created.text)")
            let encryptionID = try #require(created.json?["encryption"]?["encryption_id"]?.stringValue)
            #expect(
                created.json
                    == [
                        "encryption": [
                            "provider": "luks", "key_size": 256, "control_location": "front-end", "note": "x",
                            "volume_type_id": .string(typeID), "encryption_id": .string(encryptionID),
                        ]
                    ]
            )
            let again = try await Self.send(client, .post, path, body: Self.luks)
            #expect(again.status == .badRequest)
            #expect(
                again.json?["badRequest"]?["message"]
                    == .string("Volume type encryption for type \(typeID) already exists.")
            )

            let index = try #require(try await Self.send(client, .get, path).json)
            #expect(index["provider"] == "luks" && index["cipher"] == .null && index["key_size"] == 256)
            #expect(index["control_location"] == "front-end" && index["volume_type_id"] == .string(typeID))
            #expect(index["deleted"] == false && index["deleted_at"] == .null && index["updated_at"] == .null)
            #expect(index["encryption_id"] == .string(encryptionID))
            #expect(index["created_at"]?.stringValue?.count == 26)
            #expect(index["note"] == nil)
            #expect(try await Self.send(client, .get, path + "/provider").json == ["provider": "luks"])
            let missingKey = try await Self.send(client, .get, path + "/nope")
            #expect(missingKey.status == .notFound)
            #expect(
                missingKey.json?["itemNotFound"]?["message"]
                    == .string("Volume type encryption for type \(typeID) does not exist.")
            )

            let updated = try await Self.send(
                client,
                .put,
                path + "/anything",
                body: #"{"encryption": {"cipher": "aes-xts-plain64", "key_size": null}}"#
            )
            #expect(updated.json == ["encryption": ["cipher": "aes-xts-plain64", "key_size": .null]])
            let afterUpdate = try #require(try await Self.send(client, .get, path).json)
            #expect(afterUpdate["cipher"] == "aes-xts-plain64" && afterUpdate["key_size"] == .null)
            #expect(afterUpdate["provider"] == "luks" && afterUpdate["updated_at"] != .null)

            // While a volume has the type, nothing changes.
            let volume = try await api.store.createVolume(
                Volume(userID: "u", projectID: Self.project, size: 1, volumeTypeID: typeID)
            )
            for (method, suffix, body, verb) in [
                (HTTPRequest.Method.post, "", Self.luks, "create"),
                (.put, "/x", #"{"encryption": {"key_size": 128}}"#, "update"),
                (.delete, "/x", nil, "delete"),
            ] {
                let refused = try await Self.send(client, method, path + suffix, body: body)
                #expect(refused.status == .badRequest, "\(verb)")
                #expect(
                    refused.json?["badRequest"]?["message"]
                        == .string("Cannot \(verb) encryption specs. Volume type in use.")
                )
            }
            #expect(try await api.store.volumeTypeEncryption(volumeTypeID: typeID)?.keySize == nil)
            try await api.store.deleteVolume(id: volume.id)

            let updateMissing = try await Self.send(
                client,
                .put,
                "/types/\(try await QoSSpecsAPITests.createType(client, "bare"))/encryption/x",
                body: #"{"encryption": {}}"#
            )
            #expect(updateMissing.status == .notFound, "\(updateMissing.text)")

            #expect(try await Self.send(client, .delete, path + "/x").status == .accepted)
            #expect(try await Self.send(client, .get, path).json == .object([:]))
            let deletedAgain = try await Self.send(client, .delete, path + "/x")
            #expect(deletedAgain.status == .notFound)
            #expect(
                deletedAgain.json?["itemNotFound"]?["message"]
                    == .string("Volume type encryption for type \(typeID) does not exist.")
            )
        }
    }

    @Test func theExtensionsAreListedAsCindersAre() async throws {
        try await APIHarness.run { client, _, _ in
            for (alias, name, description, updated) in [
                (
                    "encryption", "VolumeTypeEncryption", "Encryption support for volume types.",
                    "2013-07-01T00:00:00+00:00"
                ),
                (
                    "os-volume-encryption-metadata", "VolumeEncryptionMetadata",
                    "Volume encryption metadata retrieval support.", "2013-07-10T00:00:00+00:00"
                ),
            ] {
                let response = try await client.execute(
                    uri: "/v3/\(APIHarness.project)/extensions/\(alias)",
                    method: .get,
                    headers: APIHarness.token
                )
                #expect(
                    response.json
                        == [
                            "extension": [
                                "name": .string(name), "alias": .string(alias), "description": .string(description),
                                "updated": .string(updated), "links": [],
                            ]
                        ]
                )
            }
        }
    }
}

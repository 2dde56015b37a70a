import EmberAPI
import EmberCore
import EmberImage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// Create from `imageRef`, `os-volume_upload_image` and `os-reimage` at the API: without an
/// image service (cinder's answers when Glance cannot be reached), against an unreachable one,
/// and against a real Glance (image checks, the image created, the casts).
@Suite struct ImageAPITests {
    /// An image id no Glance knows.
    static let unknownImage = UUID().uuidString.lowercased()

    // MARK: - No image service

    @Test func createFromImageWithoutAnImageServiceIsCindersUnreachableAnswer() async throws {
        try await APIHarness.run { client, casts, _ in
            for key in ["imageRef", "image_id"] {
                let response = try await client.send(
                    .post,
                    "/volumes",
                    #"{"volume": {"size": 1, "\#(key)": "\#(Self.unknownImage)"}}"#
                )
                #expect(response.status == .badRequest)
                #expect(
                    response.json?["badRequest"]?["message"]
                        == "Invalid image identifier or unable to access requested image."
                )
            }
            #expect(casts.casts.isEmpty)
        }
    }

    @Test func uploadWithoutAnImageServiceFailsAndRestoresTheStatus() async throws {
        try await APIHarness.run { client, casts, api in
            let id = try await client.placedVolume(api)
            let response = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-volume_upload_image": {"image_name": "backup-image"}}"#
            )
            #expect(response.status == .badRequest)
            #expect(
                response.json?["badRequest"]?["message"]
                    == "Connection to glance failed: no image service is configured ([glance] api_servers is empty)"
            )
            let volume = try await api.store.volume(id: id, scope: .allProjects)
            #expect(volume.status == .available)
            #expect(volume.previousStatus == nil)
            #expect(!casts.casts.contains { $0.hasPrefix("copy_volume_to_image") })
        }
    }

    @Test func uploadRefusesACompressedContainer() async throws {
        try await APIHarness.run { client, _, api in
            let id = try await client.placedVolume(api)
            let response = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-volume_upload_image": {"image_name": "x", "container_format": "compressed"}}"#
            )
            #expect(response.status == .badRequest)
            #expect(
                response.json?["badRequest"]?["message"]
                    == "Image compression upload disallowed, but container_format is compressed"
            )
            #expect(try await api.store.volume(id: id, scope: .allProjects).status == .available)
        }
    }

    @Test func uploadAgainstAnUnreachableGlanceNamesTheServer() async throws {
        let service = GlanceService(
            configuration: GlanceConfiguration(apiServers: ["127.0.0.1:9"], numRetries: 0),
            logger: TestGlance.logger
        )
        defer { Task { try? await service.shutdown() } }
        try await APIHarness.run(images: service.client) { client, _, api in
            let id = try await client.placedVolume(api)
            let response = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-volume_upload_image": {"image_name": "x"}}"#
            )
            #expect(response.status == .badRequest)
            let message = response.json?["badRequest"]?["message"]?.stringValue ?? ""
            #expect(
                message.hasPrefix("Connection to glance failed: Error finding address for http://127.0.0.1:9/v2/images")
            )
            let created = try await client.send(
                .post,
                "/volumes",
                #"{"volume": {"size": 1, "imageRef": "\#(Self.unknownImage)"}}"#
            )
            #expect(
                created.json?["badRequest"]?["message"]
                    == "Invalid image identifier or unable to access requested image."
            )
        }
        try await service.shutdown()
    }

    @Test func uploadNeedsAnAvailableVolumeAndHonoursForceOnlyWhenEnabled() async throws {
        try await APIHarness.run { client, _, api in
            let id = try await client.placedVolume(api, status: .inUse)
            let response = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-volume_upload_image": {"image_name": "x", "force": true}}"#
            )
            #expect(response.status == .badRequest)
            #expect(
                response.json?["badRequest"]?["message"]
                    == .string("Invalid volume: Volume \(id) status must be available")
            )
        }
        try await APIHarness.run(conf: "enable_force_upload = true\n") { client, _, api in
            let id = try await client.placedVolume(api, status: .error)
            let response = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-volume_upload_image": {"image_name": "x", "force": "True"}}"#
            )
            #expect(
                response.json?["badRequest"]?["message"]
                    == .string("Invalid volume: Volume \(id) status must be available or in-use")
            )
        }
    }

    @Test(arguments: [
        (#"{"os-volume_upload_image": {}}"#, "3.0", "'image_name' is a required property"),
        (#"{"os-volume_upload_image": {"image_name": ""}}"#, "3.0", "should be non-empty"),
        (#"{"os-volume_upload_image": {"image_name": "x", "disk_format": "iso"}}"#, "3.0", "is not one of"),
        (#"{"os-volume_upload_image": {"image_name": "x", "visibility": "public"}}"#, "3.0", "Additional properties"),
        (#"{"os-volume_upload_image": {"image_name": "x", "visibility": "everyone"}}"#, "3.1", "is not one of"),
        (#"{"os-volume_upload_image": {"image_name": "x", "force": "maybe"}}"#, "3.0", "force"),
    ])
    func uploadBodiesAreValidatedAsCinder(body: String, version: String, fragment: String) async throws {
        try await APIHarness.run { client, _, api in
            let id = try await client.placedVolume(api)
            let response = try await client.send(.post, "/volumes/\(id)/action", body, version: version)
            #expect(response.status == .badRequest)
            let message = response.json?["badRequest"]?["message"]?.stringValue ?? ""
            #expect(message.contains(fragment), "\(message)")
            #expect(try await api.store.volume(id: id, scope: .allProjects).status == .available)
        }
    }

    @Test func reimageIsA368ActionAndAnUnreachableGlanceIsA500() async throws {
        try await APIHarness.run { client, casts, api in
            let id = try await client.placedVolume(api)
            let body = #"{"os-reimage": {"image_id": "\#(Self.unknownImage)"}}"#
            #expect(try await client.send(.post, "/volumes/\(id)/action", body, version: "3.67").status == .notFound)
            let response = try await client.send(.post, "/volumes/\(id)/action", body, version: "3.68")
            #expect(response.status == .internalServerError)
            #expect(response.json?["computeFault"]?["message"] == .string(EmberError.internalErrorMessage))
            #expect(try await api.store.volume(id: id, scope: .allProjects).status == .available)
            let invalid = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-reimage": {"image_id": "not-a-uuid"}}"#,
                version: "3.68"
            )
            #expect(invalid.status == .badRequest)
            #expect(!casts.casts.contains { $0.hasPrefix("reimage") })
        }
    }

    // MARK: - The image checks (`check_image_metadata`)

    static func image(
        status: String = "active",
        size: Int? = 1 << 20,
        minDisk: Int = 0,
        virtual: Int? = nil
    )
        -> GlanceImage
    {
        var fields: JSONObject = ["id": "img", "status": .string(status), "min_disk": .int(minDisk)]
        fields["size"] = size.map { JSONValue.int($0) } ?? .null
        fields["virtual_size"] = virtual.map { JSONValue.int($0) } ?? .null
        return GlanceImage(fields: fields, baseProperties: ["id", "status", "size", "min_disk", "virtual_size"])
    }

    @Test(arguments: [
        (image(status: "queued", size: nil), 1, "Invalid input received: Image img is not active."),
        (
            image(size: (1 << 30) + 1), 1,
            "Invalid input received: Size of specified image 2GB is larger than volume size 1GB."
        ),
        (
            image(minDisk: 3), 2,
            "Invalid input received: Volume size 2GB cannot be smaller than the image minDisk size 3GB."
        ),
        (
            image(virtual: 5 << 30), 4,
            "Image img is unacceptable: Image virtual size is 5GB and doesn't fit in a volume of size 4GB."
        ),
        (image(size: 1 << 30, minDisk: 1, virtual: 1 << 30), 1, ""),
    ])
    func imageChecksAreCinders(image: GlanceImage, volumeSize: Int, message: String) async throws {
        try await APIHarness.run { _, _, api in
            do {
                try api.checkImageMetadata(image, volumeSize: volumeSize)
                #expect(message.isEmpty)
            } catch let error as EmberError {
                #expect(error.status == 400)
                #expect(error.message == message)
            }
        }
    }

    // MARK: - A real Glance

    @Test(.enabled(if: TestGlance.available))
    func createFromImageChecksTheImageThenCastsWithIt() async throws {
        try await TestGlance.withClient { glance in
            try await APIHarness.run(images: glance) { client, casts, api in
                let queued = try await TestGlance.image(glance)
                let notActive = try await client.send(
                    .post,
                    "/volumes",
                    #"{"volume": {"size": 1, "imageRef": "\#(queued.id)"}}"#
                )
                #expect(notActive.status == .badRequest)
                #expect(
                    notActive.json?["badRequest"]?["message"]
                        == .string("Invalid input received: Image \(queued.id) is not active.")
                )
                let big = try await TestGlance.image(glance, ["min_disk": 2], data: [1, 2, 3])
                let small = try await client.send(
                    .post,
                    "/volumes",
                    #"{"volume": {"size": 1, "imageRef": "\#(big.id)"}}"#
                )
                #expect(
                    small.json?["badRequest"]?["message"]
                        == "Invalid input received: Volume size 1GB cannot be smaller than the image minDisk size 2GB."
                )
                // Exclusive with a source volume.
                let source = try await client.placedVolume(api)
                let both = try await client.send(
                    .post,
                    "/volumes",
                    #"{"volume": {"size": 2, "imageRef": "\#(big.id)", "source_volid": "\#(source)"}}"#
                )
                #expect(
                    both.json?["badRequest"]?["message"]
                        == "Invalid input received: May specify only one of backup, imageRef, snapshot, source volume"
                )
                // By id, by a nova-style href, and by name.
                for reference in [big.id, "http://glance.example.test/v2/images/\(big.id)", big.name ?? ""] {
                    let response = try await client.send(
                        .post,
                        "/volumes",
                        #"{"volume": {"size": 2, "imageRef": "\#(reference)"}}"#
                    )
                    #expect(response.status == .accepted, "\(reference): \(response.text)")
                    let id = try #require(response.json?["volume"]?["id"]?.stringValue)
                    #expect(casts.casts.contains("create_volume:\(id)"))
                    let volume = try await api.store.volume(id: id, scope: .allProjects)
                    #expect(volume.adminMetadata[Volume.createImageKey] == big.id)
                    #expect(volume.imageMetadata.isEmpty)
                }
                // `image_id` replaces `imageRef`, even when it is null.
                let overridden = try await client.send(
                    .post,
                    "/volumes",
                    #"{"volume": {"size": 1, "imageRef": "\#(queued.id)", "image_id": null}}"#
                )
                #expect(overridden.status == .accepted, "\(overridden.text)")
                let plain = try #require(overridden.json?["volume"]?["id"]?.stringValue)
                #expect(try await api.store.volume(id: plain, scope: .allProjects).adminMetadata.isEmpty)
                // Two images of one name: cinder asks for the id.
                let name = "ember-twin-" + queued.id
                _ = try await TestGlance.image(glance, ["name": .string(name)], data: [1])
                _ = try await TestGlance.image(glance, ["name": .string(name)], data: [2])
                let twins = try await client.send(
                    .post,
                    "/volumes",
                    #"{"volume": {"size": 1, "imageRef": "\#(name)"}}"#
                )
                #expect(twins.status == .conflict)
                #expect(
                    twins.json?["conflictingRequest"]?["message"]
                        == .string("Multiple matches found for '\(name)', use an ID to be more specific.")
                )
            }
        }
    }

    @Test(.enabled(if: TestGlance.available))
    func uploadCreatesTheImageAndAnswersAsCinder() async throws {
        try await TestGlance.withClient { glance in
            try await APIHarness.run(images: glance) { client, casts, api in
                let id = try await client.placedVolume(api)
                _ = try await api.store.updateVolumeMetadata(
                    id: id,
                    kind: .image,
                    ["image_id": "old", "hw_disk_bus": "scsi", "os_glance_importing": "x"],
                    replace: true
                )
                let response = try await client.send(
                    .post,
                    "/volumes/\(id)/action",
                    #"{"os-volume_upload_image": {"image_name": "ember-upload", "disk_format": "qcow2", "protected": true}}"#,
                    version: "3.1"
                )
                #expect(response.status == .accepted, "\(response.text)")
                let body = try #require(response.json?["os-volume_upload_image"])
                #expect(
                    Set(body.keys)
                        == [
                            "id", "updated_at", "status", "display_description", "size", "volume_type", "image_id",
                            "container_format", "disk_format", "image_name", "protected", "visibility",
                        ]
                )
                #expect(body["status"] == "uploading")
                #expect(body["id"] == .string(id))
                #expect(body["disk_format"] == "qcow2")
                #expect(body["container_format"] == "bare")
                #expect(body["protected"] == true)
                #expect(body["visibility"] == "private")
                #expect(body["volume_type"]?["name"] == "__DEFAULT__")
                let imageID = try #require(body["image_id"]?.stringValue)
                #expect(casts.casts.contains("copy_volume_to_image:\(id):\(imageID)"))
                let volume = try await api.store.volume(id: id, scope: .allProjects)
                #expect(volume.status == .uploading)
                #expect(volume.previousStatus == "available")
                let image = try await glance.show(imageID, caller: TestGlance.caller)
                #expect(image.status == "queued")
                #expect(image.name == "ember-upload")
                // The volume's custom image properties travel; core and reserved ones do not.
                #expect(image.properties["hw_disk_bus"] == "scsi")
                #expect(image.properties["image_id"] == nil)
                #expect(image.properties["os_glance_importing"] == nil)
            }
        }
    }

    @Test(.enabled(if: TestGlance.available))
    func publicUploadNeedsTheUploadPublicPolicy() async throws {
        try await TestGlance.withClient { glance in
            try await APIHarness.run(trustIdentityHeaders: true, images: glance) { client, casts, api in
                let typeID = try await api.types.defaultType().id
                let id = try await api.store.createVolume(
                    Volume(
                        userID: "member-user",
                        projectID: APIHarness.project,
                        size: 1,
                        volumeTypeID: typeID,
                        status: .available,
                        host: "node@alpha#alpha"
                    )
                ).id
                var member = APIHarness.headers(version: "3.1")
                member[HTTPField.Name("X-User-Id")!] = "member-user"
                member[HTTPField.Name("X-Project-Id")!] = APIHarness.project
                member[HTTPField.Name("X-Roles")!] = "member,reader"
                let response = try await client.execute(
                    uri: "/v3/\(APIHarness.project)/volumes/\(id)/action",
                    method: .post,
                    headers: member,
                    body: ByteBuffer(
                        string: #"{"os-volume_upload_image": {"image_name": "x", "visibility": "public"}}"#
                    )
                )
                #expect(response.status == .forbidden, "\(response.text)")
                #expect(try await api.store.volume(id: id, scope: .allProjects).status == .available)
                #expect(casts.casts.isEmpty)
            }
        }
    }

    @Test(.enabled(if: TestGlance.available))
    func reimageChecksTheImageAndCasts() async throws {
        try await TestGlance.withClient { glance in
            try await APIHarness.run(images: glance) { client, casts, api in
                let id = try await client.placedVolume(api)
                let action = "/volumes/\(id)/action"
                let missing = try await client.send(
                    .post,
                    action,
                    #"{"os-reimage": {"image_id": "\#(Self.unknownImage)"}}"#,
                    version: "3.68"
                )
                #expect(missing.status == .notFound)
                #expect(
                    missing.json?["itemNotFound"]?["message"]
                        == .string("Image \(Self.unknownImage) could not be found.")
                )
                let queued = try await TestGlance.image(glance)
                let notActive = try await client.send(
                    .post,
                    action,
                    #"{"os-reimage": {"image_id": "\#(queued.id)"}}"#,
                    version: "3.68"
                )
                #expect(notActive.status == .badRequest)
                #expect(try await api.store.volume(id: id, scope: .allProjects).status == .available)
                _ = try await api.store.updateVolume(id: id, [.status(.reserved)])
                let active = try await TestGlance.image(glance, data: [7, 7, 7])
                let reserved = try await client.send(
                    .post,
                    action,
                    #"{"os-reimage": {"image_id": "\#(active.id)"}}"#,
                    version: "3.68"
                )
                #expect(reserved.status == .badRequest)
                #expect(
                    reserved.json?["badRequest"]?["message"]
                        == .string(
                            "Invalid volume: Volume \(id) status must be available or error, but current status is reserved."
                        )
                )
                let accepted = try await client.send(
                    .post,
                    action,
                    #"{"os-reimage": {"image_id": "\#(active.id)", "reimage_reserved": true}}"#,
                    version: "3.68"
                )
                #expect(accepted.status == .accepted)
                let volume = try await api.store.volume(id: id, scope: .allProjects)
                #expect(volume.status == .downloading)
                #expect(volume.previousStatus == "reserved")
                #expect(casts.casts.filter { $0.hasPrefix("reimage") } == ["reimage:\(id):\(active.id)"])
            }
        }
    }
}

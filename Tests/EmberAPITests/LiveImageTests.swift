import EmberCore
import EmberImage
import EmberTesting
import Foundation
import NIOCore
import Synchronization
import Testing

/// Images end to end: the API, the scheduler and a file backend with a real Glance behind
/// them. Bytes go into Glance, through a volume and back out, and are compared.
@Suite("Live API: volumes from images and images from volumes, byte for byte")
struct LiveImageTests {
    static let gib = 1 << 30

    /// `qemu-img`, for the tests of other disk formats; nil (with a notice) when missing.
    static let qemuImg: String? = {
        for path in ["/usr/bin/qemu-img", "/usr/local/bin/qemu-img"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        print("notice: qemu-img not installed (Debian: qemu-utils); skipping the qcow2 image tests")
        return nil
    }()

    /// Compares an image's data, streamed, with `prefix` followed by zeros up to `length`
    /// (`memcmp` per chunk: a byte loop over a GiB is slow in debug builds).
    static func expectImageData(_ glance: GlanceClient, _ id: String, prefix: [UInt8], length: Int) async throws {
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        var mismatch: Int?
        let count = try await glance.download(id, caller: TestGlance.caller) { chunk in
            chunk.withUnsafeReadableBytes { bytes in
                var position = 0
                while position < bytes.count, mismatch == nil {
                    let at = offset + position
                    let run: Int
                    let differs: Bool
                    if at < prefix.count {
                        run = Swift.min(bytes.count - position, prefix.count - at)
                        differs = prefix.withUnsafeBytes {
                            memcmp(bytes.baseAddress! + position, $0.baseAddress! + at, run) != 0
                        }
                    } else {
                        run = Swift.min(bytes.count - position, zeros.count)
                        differs = zeros.withUnsafeBytes {
                            memcmp(bytes.baseAddress! + position, $0.baseAddress!, run) != 0
                        }
                    }
                    if differs { mismatch = at }
                    position += run
                }
            }
            offset += chunk.readableBytes
        }
        #expect(count == length)
        #expect(mismatch == nil, "a differing byte in the block at \(mismatch ?? -1)")
    }

    /// Waits until Glance shows the image `active` (or `killed`/deleted).
    static func waitForActive(_ glance: GlanceClient, _ id: String) async throws -> GlanceImage? {
        var image: GlanceImage?
        let settled = try await poll(every: .milliseconds(100)) {
            image = try? await glance.show(id, caller: TestGlance.caller)
            return image.map { $0.status == "active" || $0.status == "killed" } ?? true
        }
        if !settled { Issue.record("image \(id) never became active") }
        return settled ? image : nil
    }

    @Test(
        "a raw image fills a new volume byte for byte; the volume uploads back byte for byte",
        .enabled(if: TestGlance.available),
        arguments: LiveBackend.all
    )
    func rawRoundTrip(kind: LiveBackend) async throws {
        try await TestGlance.withClient { glance in
            try await LiveHarness.run(kind, images: glance) { live in
                let bytes = imagePattern(5 * (1 << 20) + 4321, seed: 11)
                let image = try await TestGlance.image(glance, ["ember_os": "linux", "min_ram": 64], data: bytes)
                let created = try await live.request(
                    .post,
                    "/volumes",
                    #"{"volume": {"size": 1, "imageRef": "\#(image.id)"}}"#
                )
                #expect(created.status == .accepted, "\(created.text)")
                let id = try #require(created.json?["volume"]?["id"]?.stringValue)
                let volume = try await live.waitForStatus("/volumes/\(id)", "volume", ["available", "error"])
                #expect(volume["status"] == "available")
                #expect(volume["bootable"] == "true")
                let metadata = volume["volume_image_metadata"]
                #expect(metadata?["image_id"] == .string(image.id))
                #expect(metadata?["image_name"] == .optional(image.name))
                #expect(metadata?["ember_os"] == "linux")
                #expect(metadata?["min_ram"] == "64")
                #expect(metadata?["size"] == .string(String(bytes.count)))
                #expect(metadata?["checksum"] == .string(MD5.hexDigest(bytes)))
                #expect(metadata?["disk_format"] == "raw")
                #expect(fileSize(live.volumeFile(id)) == Self.gib)
                #expect(try readBytes(bytes.count, from: live.volumeFile(id), at: 0) == bytes)
                #expect(
                    try readBytes(4096, from: live.volumeFile(id), at: UInt64(bytes.count))
                        == [UInt8](repeating: 0, count: 4096)
                )
                // The create remembered the image only while it ran (the key goes just after
                // `available`).
                _ = try await poll { try await live.store.volume(id: id, scope: .allProjects).adminMetadata.isEmpty }
                #expect(try await live.store.volume(id: id, scope: .allProjects).adminMetadata.isEmpty)

                let upload = try await live.request(
                    .post,
                    "/volumes/\(id)/action",
                    #"{"os-volume_upload_image": {"image_name": "ember-live-upload"}}"#
                )
                #expect(upload.status == .accepted, "\(upload.text)")
                let imageID = try #require(upload.json?["os-volume_upload_image"]?["image_id"]?.stringValue)
                let back = try await live.waitForStatus(
                    "/volumes/\(id)",
                    "volume",
                    ["available", "error"],
                    timeout: .seconds(300)
                )
                #expect(back["status"] == "available")
                let uploaded = try #require(try await Self.waitForActive(glance, imageID))
                #expect(uploaded.status == "active")
                #expect(uploaded.size == Self.gib)
                #expect(uploaded.properties["ember_os"] == "linux")
                try await Self.expectImageData(glance, imageID, prefix: bytes, length: Self.gib)
                try await glance.delete(imageID, caller: TestGlance.caller)
                try await glance.delete(image.id, caller: TestGlance.caller)
            }
        }
    }

    @Test(
        "a qcow2 image is converted into the volume; the volume uploads as qcow2",
        .enabled(if: TestGlance.available && qemuImg != nil)
    )
    func qcow2RoundTrip() async throws {
        let qemu = try #require(Self.qemuImg)
        let dir = try TemporaryDirectory(prefix: "ember-qcow2")
        defer { dir.remove() }
        let bytes = imagePattern(3 * (1 << 20) + 77, seed: 23)
        try Data(bytes).write(to: URL(fileURLWithPath: dir.path + "/disk.raw"))
        let convert = try await ChildProcess.run(
            qemu,
            ["convert", "-f", "raw", "-O", "qcow2", dir.path + "/disk.raw", dir.path + "/disk.qcow2"]
        )
        #expect(convert.status == 0, "\(convert.output)")
        let qcow2 = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.path + "/disk.qcow2")))
        try await TestGlance.withClient { glance in
            try await LiveHarness.run(.sqlite, images: glance) { live in
                let image = try await TestGlance.image(glance, ["disk_format": "qcow2"], data: qcow2)
                let created = try await live.request(
                    .post,
                    "/volumes",
                    #"{"volume": {"size": 1, "imageRef": "\#(image.id)"}}"#
                )
                let id = try #require(created.json?["volume"]?["id"]?.stringValue)
                let volume = try await live.waitForStatus("/volumes/\(id)", "volume", ["available", "error"])
                #expect(volume["status"] == "available")
                #expect(volume["volume_image_metadata"]?["disk_format"] == "qcow2")
                #expect(fileSize(live.volumeFile(id)) == Self.gib)
                #expect(try readBytes(bytes.count, from: live.volumeFile(id), at: 0) == bytes)

                let upload = try await live.request(
                    .post,
                    "/volumes/\(id)/action",
                    #"{"os-volume_upload_image": {"image_name": "ember-qcow2-upload", "disk_format": "qcow2"}}"#
                )
                let imageID = try #require(upload.json?["os-volume_upload_image"]?["image_id"]?.stringValue)
                _ = try await live.waitForStatus(
                    "/volumes/\(id)",
                    "volume",
                    ["available", "error"],
                    timeout: .seconds(300)
                )
                let uploaded = try #require(try await Self.waitForActive(glance, imageID))
                #expect(uploaded.diskFormat == "qcow2")
                let download = dir.path + "/uploaded.qcow2"
                let handle = try #require(
                    FileManager.default.createFile(atPath: download, contents: nil)
                        ? FileHandle(forWritingAtPath: download) : nil
                )
                try await glance.download(imageID, caller: TestGlance.caller) { chunk in
                    try handle.write(contentsOf: Data(chunk.readableBytesView))
                }
                try handle.close()
                let info = try await ChildProcess.run(qemu, ["info", "--output=json", download])
                #expect(info.output.contains(#""format": "qcow2""#), "\(info.output)")
                #expect(info.output.contains(#""virtual-size": \#(Self.gib)"#), "\(info.output)")
                let back = try await ChildProcess.run(
                    qemu,
                    ["convert", "-f", "qcow2", "-O", "raw", download, dir.path + "/back.raw"]
                )
                #expect(back.status == 0)
                #expect(try readBytes(bytes.count, from: dir.path + "/back.raw", at: 0) == bytes)
                #expect(fileSize(dir.path + "/back.raw") == Self.gib)
            }
        }
    }

    @Test(
        "an image qemu-img cannot read as its disk format leaves the volume in error, with a message",
        .enabled(if: TestGlance.available && qemuImg != nil)
    )
    func formatMismatchFailsTheCreate() async throws {
        try await TestGlance.withClient { glance in
            try await LiveHarness.run(.sqlite, images: glance) { live in
                // Glance itself refuses data that is not in a format it inspects (qcow2, vmdk, …),
                // so an `ami` image with plain bytes stands for data in no format qemu-img reads.
                let image = try await TestGlance.image(
                    glance,
                    ["disk_format": "ami", "container_format": "ami"],
                    data: imagePattern(1 << 16, seed: 5)
                )
                let created = try await live.request(
                    .post,
                    "/volumes",
                    #"{"volume": {"size": 1, "imageRef": "\#(image.id)"}}"#
                )
                let id = try #require(created.json?["volume"]?["id"]?.stringValue)
                let volume = try await live.waitForStatus("/volumes/\(id)", "volume", ["available", "error"])
                #expect(volume["status"] == "error")
                #expect(volume["volume_image_metadata"] == nil)
                #expect(fileSize(live.volumeFile(id)) == nil)
                // The volume manager records the user message just after it sets `error`.
                let store = live.store
                try await waitFor("the volume manager recorded the user message") {
                    try await !store.listMessages(ListQuery(scope: .allProjects)).items.isEmpty
                }
                let messages = try await live.store.listMessages(ListQuery(scope: .allProjects))
                #expect(messages.items.map(\.eventID).contains("VOLUME_VOLUME_008_012"))
                #expect(messages.items.first { $0.eventID == "VOLUME_VOLUME_008_012" }?.resourceUUID == id)
            }
        }
    }

    @Test(
        "reimage writes the image over the volume and replaces its image metadata",
        .enabled(if: TestGlance.available)
    )
    func reimageReplacesTheData() async throws {
        try await TestGlance.withClient { glance in
            try await LiveHarness.run(.sqlite, images: glance) { live in
                let created = try await live.request(.post, "/volumes", #"{"volume": {"size": 1}}"#)
                let id = try #require(created.json?["volume"]?["id"]?.stringValue)
                _ = try await live.waitForStatus("/volumes/\(id)", "volume", ["available", "error"])
                try writeBytes([UInt8](repeating: 0xAB, count: 8 << 20), to: live.volumeFile(id), at: 0)
                let bytes = imagePattern(1 << 20, seed: 3)
                let image = try await TestGlance.image(glance, ["ember_role": "golden"], data: bytes)
                let response = try await live.request(
                    .post,
                    "/volumes/\(id)/action",
                    #"{"os-reimage": {"image_id": "\#(image.id)"}}"#,
                    version: "3.68"
                )
                #expect(response.status == .accepted, "\(response.text)")
                let volume = try await live.waitForStatus("/volumes/\(id)", "volume", ["available", "error"])
                #expect(volume["status"] == "available")
                #expect(volume["volume_image_metadata"]?["ember_role"] == "golden")
                #expect(volume["volume_image_metadata"]?["image_id"] == .string(image.id))
                #expect(try readBytes(bytes.count, from: live.volumeFile(id), at: 0) == bytes)
                // What the volume held beyond the image is gone (zeros), not left behind.
                #expect(
                    try readBytes(4096, from: live.volumeFile(id), at: UInt64(bytes.count))
                        == [UInt8](repeating: 0, count: 4096)
                )
                #expect(fileSize(live.volumeFile(id)) == Self.gib)
            }
        }
    }
}

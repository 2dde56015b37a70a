import EmberCore
import EmberTesting
import EmberWorkers
import Foundation
import Testing

/// The POSIX chunked backup driver on small files, without a store or a bus.
@Suite("Backup driver: chunked objects, compression, incrementals, restore, corruption")
struct BackupDriverTests {
    /// 4 MiB "volumes", 256 KiB objects, 64 KiB SHA blocks.
    static func configuration(
        _ directory: TemporaryDirectory,
        compression: BackupCompression = .zlib
    )
        -> BackupConfiguration
    {
        var configuration = BackupConfiguration(posixPath: directory.path + "/backup")
        configuration.fileSize = 256 << 10
        configuration.shaBlockSize = 64 << 10
        configuration.compression = compression
        return configuration
    }

    static let volumeBytes = 4 << 20

    static func job(
        _ id: String = UUID().uuidString.lowercased(),
        parent: (location: BackupLocation, sizeGiB: Int)? = nil
    ) -> BackupJob {
        var job = BackupJob(
            backupID: id,
            volumeID: "0c8d6c1e-7f57-4a8e-9d7b-3a1e2f4b5c6d",
            name: "b",
            description: nil,
            createdAt: Date(),
            container: nil,
            sizeGiB: 1,
            parent: parent
        )
        job.volumeBytes = volumeBytes
        return job
    }

    /// A file of `volumeBytes` with compressible text, random bytes and zeros.
    static func makeVolume(_ path: String, seed: UInt64 = 42) throws {
        var generator = SeededGenerator(seed: seed)
        var bytes = [UInt8](repeating: 0, count: volumeBytes)
        let text = Array("ember backups are chunked like cinder's; ".utf8)
        for index in 0..<(1 << 20) { bytes[index] = text[index % text.count] }
        for index in (1 << 20)..<(2 << 20) { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    static func contents(_ path: String) -> [UInt8] {
        Array(FileManager.default.contents(atPath: path) ?? Data())
    }

    static func overwrite(_ path: String, at offset: Int, with bytes: [UInt8]) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
    }

    static func files(_ directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? [])
            .filter { !$0.hasSuffix("/") }
            .filter { path in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory)
                    && !isDirectory.boolValue
            }
    }

    @Test("a full backup writes one object per backup_file_size, a sha256file and metadata; restore is byte-equal")
    func fullBackupRestoresByteEqual() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let driver = PosixBackupDriver(configuration: Self.configuration(directory))
        try await driver.setUp()
        let volume = directory.path + "/volume"
        try Self.makeVolume(volume)
        let outcome = try await driver.backup(Self.job(), volumePath: volume)
        #expect(outcome.objectCount == 16)
        #expect(outcome.bytesRead == Self.volumeBytes)
        // Text and zeros compress; random bytes are stored as they are.
        #expect(outcome.bytesStored < Self.volumeBytes / 2)
        #expect(outcome.bytesStored > 1 << 20)
        let container = directory.path + "/backup/" + outcome.location.container
        let shafile = try JSONValue.parse(Self.contents(container + "/" + outcome.location.prefix + "_sha256file"))
        #expect(shafile["chunk_size"] == .int(64 << 10))
        if case .array(let hashes)? = shafile["sha256s"] {
            #expect(hashes.count == 64)
        } else {
            Issue.record("no sha256s")
        }
        let metadata = try JSONValue.parse(Self.contents(container + "/" + outcome.location.prefix + "_metadata"))
        #expect(metadata["version"] == "1.0.0")
        #expect(metadata["parent_id"] == .null)
        let first = metadata["objects"].flatMap { value -> JSONValue? in
            if case .array(let items) = value { return items.first } else { return nil }
        }
        let firstName = outcome.location.prefix + "-00001"
        #expect(first?[firstName]?["compression"] == "zlib")
        #expect(first?[firstName]?["offset"] == .int(0))
        #expect(first?[firstName]?["length"] == .int(256 << 10))

        let target = directory.path + "/restored"
        _ = FileManager.default.createFile(atPath: target, contents: Data(count: Self.volumeBytes))
        try await driver.restore(chain: [outcome.location], volumePath: target, volumeIsNew: true)
        #expect(Self.contents(target) == Self.contents(volume))
    }

    @Test("compression none stores the raw bytes")
    func uncompressedBackupStoresRawBytes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let driver = PosixBackupDriver(configuration: Self.configuration(directory, compression: .none))
        try await driver.setUp()
        let volume = directory.path + "/volume"
        try Self.makeVolume(volume)
        let outcome = try await driver.backup(Self.job(), volumePath: volume)
        #expect(outcome.bytesStored == Self.volumeBytes)
        let target = directory.path + "/restored"
        _ = FileManager.default.createFile(atPath: target, contents: Data(repeating: 0xAB, count: Self.volumeBytes))
        try await driver.restore(chain: [outcome.location], volumePath: target, volumeIsNew: false)
        #expect(Self.contents(target) == Self.contents(volume))
    }

    @Test("an incremental backup stores only the changed SHA blocks; the chain restores the newest data")
    func incrementalStoresOnlyChangedBlocks() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let driver = PosixBackupDriver(configuration: Self.configuration(directory))
        try await driver.setUp()
        let volume = directory.path + "/volume"
        try Self.makeVolume(volume)
        let full = try await driver.backup(Self.job(), volumePath: volume)
        let original = Self.contents(volume)

        // Change two separate 64 KiB blocks and one byte of a third.
        try Self.overwrite(volume, at: 3 << 20, with: [UInt8](repeating: 0x5A, count: 64 << 10))
        try Self.overwrite(volume, at: (3 << 20) + (256 << 10), with: [UInt8](repeating: 0xA5, count: 64 << 10))
        try Self.overwrite(volume, at: 100, with: [0xFF])
        let incremental = try await driver.backup(
            Self.job(parent: (full.location, 1)),
            volumePath: volume
        )
        #expect(incremental.objectCount == 3)
        let changed = Self.contents(volume)

        // Restore into a volume holding other data: the chain gives the newest bytes.
        let target = directory.path + "/restored"
        _ = FileManager.default.createFile(atPath: target, contents: Data(repeating: 0x11, count: Self.volumeBytes))
        try await driver.restore(chain: [full.location, incremental.location], volumePath: target, volumeIsNew: false)
        #expect(Self.contents(target) == changed)
        // The full backup alone still gives the old bytes.
        try await driver.restore(chain: [full.location], volumePath: target, volumeIsNew: false)
        #expect(Self.contents(target) == original)
    }

    @Test("a corrupted object fails the restore on its SHA-256")
    func corruptedObjectIsDetected() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let driver = PosixBackupDriver(configuration: Self.configuration(directory, compression: .none))
        try await driver.setUp()
        let volume = directory.path + "/volume"
        try Self.makeVolume(volume)
        let outcome = try await driver.backup(Self.job(), volumePath: volume)
        let object = directory.path + "/backup/" + outcome.location.container + "/" + outcome.location.prefix + "-00003"
        try Self.overwrite(object, at: 1000, with: [0x00, 0x01, 0x02])
        let target = directory.path + "/restored"
        _ = FileManager.default.createFile(atPath: target, contents: Data(count: Self.volumeBytes))
        let error = await #expect(throws: BackupDriverError.self) {
            try await driver.restore(chain: [outcome.location], volumePath: target, volumeIsNew: true)
        }
        #expect(error?.message.contains("SHA-256") == true)
    }

    @Test("a missing object fails the restore on the object list")
    func missingObjectIsDetected() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let driver = PosixBackupDriver(configuration: Self.configuration(directory))
        try await driver.setUp()
        let volume = directory.path + "/volume"
        try Self.makeVolume(volume)
        let outcome = try await driver.backup(Self.job(), volumePath: volume)
        let container = directory.path + "/backup/" + outcome.location.container
        try FileManager.default.removeItem(atPath: container + "/" + outcome.location.prefix + "-00002")
        let target = directory.path + "/restored"
        _ = FileManager.default.createFile(atPath: target, contents: Data(count: Self.volumeBytes))
        let error = await #expect(throws: BackupDriverError.self) {
            try await driver.restore(chain: [outcome.location], volumePath: target, volumeIsNew: true)
        }
        #expect(
            error?.message
                == "restore_backup aborted, actual object list does not match object list stored in metadata."
        )
    }

    @Test("a truncated zlib object fails the restore")
    func truncatedCompressedObjectIsDetected() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let driver = PosixBackupDriver(configuration: Self.configuration(directory))
        try await driver.setUp()
        let volume = directory.path + "/volume"
        try Self.makeVolume(volume)
        let outcome = try await driver.backup(Self.job(), volumePath: volume)
        let object = directory.path + "/backup/" + outcome.location.container + "/" + outcome.location.prefix + "-00001"
        let bytes = Self.contents(object)
        _ = FileManager.default.createFile(atPath: object, contents: Data(bytes.prefix(bytes.count / 2)))
        let target = directory.path + "/restored"
        _ = FileManager.default.createFile(atPath: target, contents: Data(count: Self.volumeBytes))
        await #expect(throws: (any Error).self) {
            try await driver.restore(chain: [outcome.location], volumePath: target, volumeIsNew: true)
        }
    }

    @Test("delete removes every file and the empty container directories")
    func deleteFreesTheFiles() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let driver = PosixBackupDriver(configuration: Self.configuration(directory))
        try await driver.setUp()
        let volume = directory.path + "/volume"
        try Self.makeVolume(volume)
        let first = try await driver.backup(Self.job(), volumePath: volume)
        let second = try await driver.backup(Self.job(), volumePath: volume)
        #expect(Self.files(directory.path + "/backup").count == 36)
        try await driver.delete(first.location)
        #expect(Self.files(directory.path + "/backup").count == 18)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/backup/" + first.location.container))
        try await driver.delete(second.location)
        #expect(Self.files(directory.path + "/backup").isEmpty)
        #expect(FileManager.default.fileExists(atPath: directory.path + "/backup"))
    }

    @Test("a container may not leave backup_posix_path")
    func containerCannotEscape() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let driver = PosixBackupDriver(configuration: Self.configuration(directory))
        try await driver.setUp()
        let volume = directory.path + "/volume"
        try Self.makeVolume(volume)
        for container in ["../escape", "/tmp/x", "a/../../b"] {
            var job = Self.job()
            job.container = container
            await #expect(throws: BackupDriverError.self) { try await driver.backup(job, volumePath: volume) }
        }
    }

    @Test("an incremental refuses a grown volume and a changed hash block size")
    func incrementalRefusesIncompatibleParent() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let driver = PosixBackupDriver(configuration: Self.configuration(directory))
        try await driver.setUp()
        let volume = directory.path + "/volume"
        try Self.makeVolume(volume)
        let full = try await driver.backup(Self.job(), volumePath: volume)
        var grown = Self.job(parent: (full.location, 1))
        grown.sizeGiB = 2
        let error = await #expect(throws: BackupDriverError.self) { try await driver.backup(grown, volumePath: volume) }
        #expect(error?.message == "Volume size increased since the last backup. Do a full backup.")
        var other = Self.configuration(directory)
        other.shaBlockSize = 32 << 10
        let otherDriver = PosixBackupDriver(configuration: other)
        let changed = await #expect(throws: BackupDriverError.self) {
            try await otherDriver.backup(Self.job(parent: (full.location, 1)), volumePath: volume)
        }
        #expect(changed?.message.hasPrefix("Hash block size has changed since the last backup.") == true)
    }
}

extension BackupDriverTests {
    @Test("an object that does not shrink under zlib is stored raw, and restores byte-equal")
    func incompressibleObjectIsStoredRaw() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = Self.configuration(directory)
        configuration.fileSize = 16 << 20
        let driver = PosixBackupDriver(configuration: configuration)
        try await driver.setUp()
        let volume = directory.path + "/volume"
        var generator = SeededGenerator(seed: 7)
        let bytes = (0..<(16 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        _ = FileManager.default.createFile(atPath: volume, contents: Data(bytes))
        var job = Self.job()
        job.volumeBytes = 16 << 20
        let outcome = try await driver.backup(job, volumePath: volume)
        #expect(outcome.objectCount == 1)
        #expect(outcome.bytesStored == 16 << 20)
        let container = directory.path + "/backup/" + outcome.location.container
        let metadata = try JSONValue.parse(Self.contents(container + "/" + outcome.location.prefix + "_metadata"))
        let first = metadata["objects"].flatMap { value -> JSONValue? in
            if case .array(let items) = value { return items.first } else { return nil }
        }
        #expect(first?[outcome.location.prefix + "-00001"]?["compression"] == "none")
        let target = directory.path + "/restored"
        _ = FileManager.default.createFile(atPath: target, contents: Data(count: 16 << 20))
        try await driver.restore(chain: [outcome.location], volumePath: target, volumeIsNew: true)
        #expect(Self.contents(target) == bytes)
    }
}

/// A deterministic generator for test data.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 33)
    }
}

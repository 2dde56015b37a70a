import EmberCore
import EmberImage
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Image data in and out of volume files: cinder's `copy_image_to_volume` /
/// `copy_volume_to_image` for the file driver (`image_utils.fetch_to_raw`, `upload_volume`).
///
/// Raw images stream straight between Glance and the file, 1 MiB at a time, all-zero blocks
/// left as holes; other formats go through a temporary file and `qemu-img convert` (without
/// qemu-img only raw images are accepted, as in cinder). A volume file is only replaced once
/// the image is completely written (a staging file renamed over it), so a failed download
/// leaves no half-written volume.
extension FileDriver {
    /// The size of the blocks written to and read from volume files.
    static let imageBlock = 1 << 20

    public func copyImageToVolume(
        id: String,
        size: Int,
        image: GlanceImage,
        images: GlanceClient,
        caller: GlanceClient.Caller
    ) async throws {
        let target = volumePath(id)
        let staging = directory + "/volume-" + id + ".image"
        let diskFormat = image.diskFormat ?? "raw"
        let qemu = QemuImg.locate()
        let limit = Self.bytes(size)
        let downloaded = staging + ".download"
        do {
            if diskFormat == "raw" {
                try await download(image, images: images, caller: caller, into: staging, limit: limit)
                if let qemu {
                    // `check_image_format`: data qemu-img recognises as another format is refused.
                    let info = try await pool.runIfActive { try qemu.info(staging) }
                    if info.format != "raw" { throw Self.formatMismatch(image, claimed: "raw") }
                }
            } else {
                guard let qemu else {
                    throw Self.unacceptable(
                        image,
                        "qemu-img is not installed and image is not of type RAW.  Only RAW images can be used if qemu-img is not installed."
                    )
                }
                try await download(image, images: images, caller: caller, into: downloaded, limit: nil)
                try await convertToRaw(downloaded, image: image, qemu: qemu, size: size, into: staging)
            }
            try await pool.runIfActive {
                try FileIO.grow(staging, toBytes: limit)
                try FileIO.sync(staging)
                guard rename(staging, target) == 0 else { throw FileIO.errnoError("rename", staging) }
                try FileIO.remove(downloaded)
            }
        } catch {
            try? await pool.runIfActive {
                try FileIO.remove(staging)
                try FileIO.remove(downloaded)
            }
            throw error
        }
    }

    /// `fetch_to_volume_format` after the download: the data must be in the claimed format,
    /// have no backing file and fit the volume; then `qemu-img convert` writes it raw.
    func convertToRaw(
        _ downloaded: String,
        image: GlanceImage,
        qemu: QemuImg,
        size: Int,
        into staging: String
    )
        async throws
    {
        let format = QemuImg.format(ofDiskFormat: image.diskFormat ?? "raw")
        let info = try await pool.runIfActive { try qemu.info(downloaded) }
        if info.format != format { throw Self.formatMismatch(image, claimed: format) }
        if let backing = info.backingFile {
            throw Self.unacceptable(image, "fmt=\(info.format) backed by:\(backing)")
        }
        let virtualGiB = (info.virtualSize + (1 << 30) - 1) >> 30
        if virtualGiB > size {
            throw Self.unacceptable(
                image,
                "Image virtual size is \(virtualGiB)GB and doesn't fit in a volume of size \(size)GB."
            )
        }
        let rate = CopyLimits.current.conversionRate
        try await pool.runIfActive {
            try FileIO.remove(staging)
            try qemu.convert(downloaded, from: format, to: staging, format: "raw", rateLimit: rate)
        }
    }

    public func copyVolumeToImage(
        id: String,
        image: GlanceImage,
        images: GlanceClient,
        caller: GlanceClient.Caller
    ) async throws {
        let source = volumePath(id)
        let diskFormat = image.diskFormat ?? "raw"
        if diskFormat == "raw" {
            try await upload(source, image: image, images: images, caller: caller)
            return
        }
        guard let qemu = QemuImg.locate() else {
            throw Self.unacceptable(image, "qemu-img is not installed: cannot convert the volume to \(diskFormat).")
        }
        let converted = directory + "/upload-" + id + "-" + image.id
        let format = QemuImg.format(ofDiskFormat: diskFormat)
        let rate = CopyLimits.current.conversionRate
        do {
            try await pool.runIfActive {
                try qemu.convert(source, from: "raw", to: converted, format: format, rateLimit: rate)
                let info = try qemu.info(converted)
                if info.format != format {
                    throw Self.unacceptable(image, "Converted to \(format), but format is now \(info.format)")
                }
            }
            try await upload(converted, image: image, images: images, caller: caller)
        } catch {
            try? await pool.runIfActive { try FileIO.remove(converted) }
            throw error
        }
        try await pool.runIfActive { try FileIO.remove(converted) }
    }

    /// Streams the image's data into a new file `path`, at most `limit` bytes.
    func download(
        _ image: GlanceImage,
        images: GlanceClient,
        caller: GlanceClient.Caller,
        into path: String,
        limit: Int?
    ) async throws {
        let file = try await pool.runIfActive { try FileIO.openForWriting(path) }
        var throttle = CopyThrottle(CopyLimits.current)
        do {
            var pending = ByteBuffer()
            var offset = 0
            try await images.download(image.id, caller: caller) { chunk in
                var chunk = chunk
                pending.writeBuffer(&chunk)
                if let limit, offset + pending.readableBytes > limit {
                    throw Self.unacceptable(
                        image,
                        "Image data is larger than the volume (\(limit >> 30)GB)."
                    )
                }
                while pending.readableBytes >= Self.imageBlock {
                    let block = pending.readSlice(length: Self.imageBlock)!
                    let at = offset
                    try await pool.runIfActive { try FileIO.writeBlock(file, block, at: at, path: path) }
                    offset += block.readableBytes
                    try await throttle.pace(wrote: block.readableBytes)
                }
                pending.discardReadBytes()
            }
            if pending.readableBytes > 0 {
                let block = pending
                let at = offset
                try await pool.runIfActive { try FileIO.writeBlock(file, block, at: at, path: path) }
                offset += block.readableBytes
            }
            let length = offset
            try await pool.runIfActive {
                try FileIO.grow(path, toBytes: length)
                close(file)
            }
        } catch {
            close(file)
            throw error
        }
    }

    /// Streams the file at `path` into the image (`PUT …/file`).
    func upload(_ path: String, image: GlanceImage, images: GlanceClient, caller: GlanceClient.Caller) async throws {
        let (file, length) = try await pool.runIfActive { try FileIO.openForReading(path) }
        defer { close(file) }
        try await images.upload(
            image.id,
            length: length,
            data: FileChunks(
                file: file,
                length: length,
                block: Self.imageBlock,
                pool: pool,
                path: path,
                limits: CopyLimits.current
            ),
            caller: caller
        )
    }

    static func unacceptable(_ image: GlanceImage, _ reason: String) -> DriverError {
        DriverError("Image \(image.id) is unacceptable: \(reason)")
    }

    static func formatMismatch(_ image: GlanceImage, claimed: String) -> DriverError {
        unacceptable(
            image,
            "The image format was claimed to be '\(claimed)' but the image data appears to be in a different format."
        )
    }
}

/// A file's bytes as an async sequence of blocks, each read on the thread pool when asked for:
/// the upload pulls the next block only when the previous one went out.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let file: Int32
    let length: Int
    let block: Int
    let pool: NIOThreadPool
    let path: String
    /// The back-end QoS limits the reads are paced to.
    var limits = CopyLimits.none

    struct AsyncIterator: AsyncIteratorProtocol {
        let chunks: FileChunks
        var offset = 0
        var throttle: CopyThrottle

        mutating func next() async throws -> ByteBuffer? {
            guard offset < chunks.length else { return nil }
            let (file, at, count, path) = (
                chunks.file, offset, Swift.min(chunks.block, chunks.length - offset), chunks.path
            )
            let buffer = try await chunks.pool.runIfActive {
                try FileIO.readBlock(file, count: count, at: at, path: path)
            }
            offset += buffer.readableBytes
            try await throttle.pace(read: buffer.readableBytes)
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: self, throttle: CopyThrottle(limits)) }
}

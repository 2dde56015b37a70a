import EmberCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The back-end QoS limits of a volume's type (consumer `back-end` or `both`), as the file
/// backend applies them to the data it copies itself: clones, volumes from snapshots,
/// migrations, image downloads and uploads, backups and restores.
///
/// Keys (cinder's, values in bytes or I/Os per second; missing, not a positive integer, or 0:
/// no limit): `read_bytes_sec`, `write_bytes_sec`, `total_bytes_sec` (reads and writes
/// together), `read_iops_sec`, `write_iops_sec`, `total_iops_sec`, where one I/O is one block
/// the copy reads or writes (1 MiB, less at the end of the data). cinder's per-GB forms
/// `<key>_per_gb` (× the volume's size in GiB, at least `<key>_per_gb_min`, at most `<key>_max`)
/// count as `<key>`. Front-end keys of a `front-end` spec travel in `connection_info` for the
/// hypervisor and limit nothing here.
///
/// The volume manager and the backup manager set ``current`` (a task-local value) around the
/// driver call, so the drivers' interface stays as cinder's.
public struct CopyLimits: Sendable, Equatable {
    public var readBytesPerSecond: Int?
    public var writeBytesPerSecond: Int?
    public var totalBytesPerSecond: Int?
    public var readIOPS: Int?
    public var writeIOPS: Int?
    public var totalIOPS: Int?

    /// No limit.
    public static let none = CopyLimits()

    /// The limits of the copy the current task runs (``none`` unless a manager set them).
    @TaskLocal public static var current = CopyLimits.none

    /// The keys that limit copies, in cinder's spelling.
    public static let keys = [
        "read_bytes_sec", "write_bytes_sec", "total_bytes_sec", "read_iops_sec", "write_iops_sec", "total_iops_sec",
    ]

    public init(
        readBytesPerSecond: Int? = nil,
        writeBytesPerSecond: Int? = nil,
        totalBytesPerSecond: Int? = nil,
        readIOPS: Int? = nil,
        writeIOPS: Int? = nil,
        totalIOPS: Int? = nil
    ) {
        self.readBytesPerSecond = readBytesPerSecond
        self.writeBytesPerSecond = writeBytesPerSecond
        self.totalBytesPerSecond = totalBytesPerSecond
        self.readIOPS = readIOPS
        self.writeIOPS = writeIOPS
        self.totalIOPS = totalIOPS
    }

    /// The limits a QoS spec sets on a volume of `sizeGiB`: none unless its consumer is
    /// `back-end` or `both`.
    public init(_ qos: QoSSpecs?, sizeGiB: Int) {
        self.init()
        guard let qos, qos.consumer != .frontEnd else { return }
        let specs = qos.specs.compactMapValues { $0 }
        func value(_ key: String) -> Int? {
            var result = specs[key].flatMap { Int($0) }
            if let perGB = specs[key + "_per_gb"].flatMap({ Int($0) }) {
                let minimum = specs[key + "_per_gb_min"].flatMap { Int($0) } ?? 0
                let scaled = max(minimum, perGB * sizeGiB)
                result = min(scaled, specs[key + "_max"].flatMap { Int($0) } ?? scaled)
            }
            guard let result, result > 0 else { return nil }
            return result
        }
        readBytesPerSecond = value("read_bytes_sec")
        writeBytesPerSecond = value("write_bytes_sec")
        totalBytesPerSecond = value("total_bytes_sec")
        readIOPS = value("read_iops_sec")
        writeIOPS = value("write_iops_sec")
        totalIOPS = value("total_iops_sec")
    }

    public var isUnlimited: Bool { self == .none }

    /// The one rate `qemu-img convert -r` takes, for a conversion that reads and writes every
    /// byte: the lowest of the read and write limits and half the total; nil without byte
    /// limits (the IOPS limits have no `qemu-img` equivalent).
    public var conversionRate: Int? {
        [readBytesPerSecond, writeBytesPerSecond, totalBytesPerSecond.map { max(1, $0 / 2) }].compactMap { $0 }.min()
    }
}

/// Paces one copy to its ``CopyLimits``: a token bucket per limit that starts empty when the
/// copy starts and fills at the limit's rate, so that after any amount of data the copy is never
/// ahead of what the limits allow since its start (a copy of `n` bytes under `r` bytes per
/// second takes at least `n / r` seconds). The caller records each block it read or wrote and
/// waits until the instant returned.
public struct CopyThrottle: Sendable {
    public let limits: CopyLimits
    let start: ContinuousClock.Instant
    private(set) var bytesRead = 0
    private(set) var bytesWritten = 0
    private(set) var reads = 0
    private(set) var writes = 0

    public init(_ limits: CopyLimits, start: ContinuousClock.Instant = .now) {
        self.limits = limits
        self.start = start
    }

    /// Records a block read; returns when the copy may go on.
    public mutating func read(_ bytes: Int) -> ContinuousClock.Instant {
        bytesRead += bytes
        reads += 1
        return resume
    }

    /// Records a block written; returns when the copy may go on.
    public mutating func wrote(_ bytes: Int) -> ContinuousClock.Instant {
        bytesWritten += bytes
        writes += 1
        return resume
    }

    /// The earliest instant at which every limit allows what was done so far.
    var resume: ContinuousClock.Instant {
        let pairs: [(Int, Int?)] = [
            (bytesRead, limits.readBytesPerSecond), (bytesWritten, limits.writeBytesPerSecond),
            (bytesRead + bytesWritten, limits.totalBytesPerSecond), (reads, limits.readIOPS),
            (writes, limits.writeIOPS), (reads + writes, limits.totalIOPS),
        ]
        var seconds = 0.0
        for case (let done, let rate?) in pairs { seconds = max(seconds, Double(done) / Double(rate)) }
        return start + .seconds(seconds)
    }

    /// Records a block read and waits (suspending the task) until the copy may go on.
    public mutating func pace(read bytes: Int) async throws {
        guard !limits.isUnlimited else { return }
        try await Task.sleep(until: read(bytes), clock: .continuous)
    }

    /// Records a block written and waits (suspending the task) until the copy may go on.
    public mutating func pace(wrote bytes: Int) async throws {
        guard !limits.isUnlimited else { return }
        try await Task.sleep(until: wrote(bytes), clock: .continuous)
    }

    /// Records a block read and blocks the calling thread (a blocking pool's) until the copy
    /// may go on.
    public mutating func block(read bytes: Int) {
        guard !limits.isUnlimited else { return }
        Self.sleep(until: read(bytes))
    }

    /// Records a block written and blocks the calling thread until the copy may go on.
    public mutating func block(wrote bytes: Int) {
        guard !limits.isUnlimited else { return }
        Self.sleep(until: wrote(bytes))
    }

    static func sleep(until instant: ContinuousClock.Instant) {
        while true {
            let left = instant - .now
            guard left > .zero else { return }
            let (seconds, attoseconds) = left.components
            let microseconds = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
            usleep(UInt32(min(max(microseconds, 1), 500_000)))
        }
    }
}

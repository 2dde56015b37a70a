import CZlib
import Crypto
import EmberCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The blocking side of ``PosixBackupDriver``: cinder's chunked-driver algorithm over POSIX
/// files. Call it only from a blocking thread pool.
struct BackupRepository: Sendable {
    let configuration: BackupConfiguration
    /// The back-end QoS limits the volume's reads (backup) or writes (restore) are paced to.
    var limits = CopyLimits.none
    /// Bytes read from the volume per system call: a whole number of SHA blocks near 1 MiB.
    var readSize: Int { configuration.shaBlockSize * max(1, (1 << 20) / configuration.shaBlockSize) }

    static func containerName(for job: BackupJob, configuration: BackupConfiguration) -> String {
        if let container = job.container, !container.isEmpty { return container }
        if let container = configuration.container { return container }
        let id = Array(job.backupID)
        guard id.count >= 4 else { return job.backupID }
        return String(id[0..<2]) + "/" + String(id[2..<4]) + "/" + job.backupID
    }

    /// The directory of a container; containers may not leave `backup_posix_path`.
    func directory(_ container: String) throws -> String {
        let parts = container.split(separator: "/", omittingEmptySubsequences: true)
        guard !container.hasPrefix("/"), !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." })
        else { throw BackupDriverError("Invalid container name \(container).") }
        return configuration.posixPath + "/" + parts.joined(separator: "/")
    }

    static func prefix(volumeID: String, backupID: String, now: Date) -> String {
        let stamp = utcStamp(now, format: "%04d%02d%02d%02d%02d%02d").text
        return "volume_\(volumeID)_\(stamp)_backup_\(backupID)"
    }

    /// `format` (six integer fields) over `date`'s UTC year, month, day, hour, minute and
    /// second, and the date's microseconds.
    static func utcStamp(_ date: Date, format: String) -> (text: String, microseconds: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let text = String(
            format: format,
            parts.year ?? 0,
            parts.month ?? 0,
            parts.day ?? 0,
            parts.hour ?? 0,
            parts.minute ?? 0,
            parts.second ?? 0
        )
        return (text, (parts.nanosecond ?? 0) / 1000)
    }
}

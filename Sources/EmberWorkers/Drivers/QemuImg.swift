import EmberCore
import Foundation

/// `qemu-img`, for images that are not raw: `info` to learn an image's real format, virtual
/// size and backing file, `convert` to and from the raw volume files. Blocking: call it only
/// from a blocking thread pool.
struct QemuImg: Sendable {
    /// The executable.
    let path: String

    /// What `qemu-img info --output=json` says about a file.
    struct Info: Sendable, Equatable {
        var format: String
        var virtualSize: Int
        var backingFile: String?
    }

    /// `qemu-img` on `PATH` (then `/usr/bin`, `/usr/local/bin`), or nil when it is not
    /// installed (Debian: `qemu-utils`).
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> QemuImg? {
        let directories =
            (environment["PATH"] ?? "").split(separator: ":").map(String.init) + [
                "/usr/bin", "/usr/local/bin",
            ]
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/qemu-img"
            if FileManager.default.isExecutableFile(atPath: candidate) { return QemuImg(path: candidate) }
        }
        return nil
    }

    /// cinder's `fixup_disk_format`: Glance's disk format names as qemu-img spells them.
    static func format(ofDiskFormat diskFormat: String) -> String {
        switch diskFormat {
        case "vhd": "vpc"
        case "ploop": "parallels"
        default: diskFormat
        }
    }

    /// `qemu-img info --output=json [-f format] file`; without a format qemu-img probes it.
    func info(_ file: String, format: String? = nil) throws -> Info {
        var arguments = ["info", "--output=json"]
        if let format { arguments += ["-f", format] }
        let output = try run(arguments + [file])
        guard let json = try? JSONValue.parse(Array(output.utf8)), let format = json["format"]?.stringValue else {
            throw DriverError("'qemu-img info' parsing failed.")
        }
        let size: Int
        switch json["virtual-size"] {
        case .int(let value)?: size = value
        case .double(let value)?: size = Int(value)
        default: size = 0
        }
        return Info(format: format, virtualSize: size, backingFile: json["backing-filename"]?.stringValue)
    }

    /// `qemu-img convert -f from -O to [-r rate] source target` (sparse output); `rateLimit`
    /// (bytes per second) paces the conversion.
    func convert(_ source: String, from: String, to target: String, format: String, rateLimit: Int? = nil) throws {
        let rate = rateLimit.map { ["-r", String($0)] } ?? []
        _ = try run(["convert", "-f", from, "-O", format] + rate + [source, target])
    }

    /// Runs qemu-img; a failure carries its standard error.
    func run(_ arguments: [String]) throws -> String {
        let result = try ToolProcess.run(path, arguments)
        guard result.status == 0 else {
            throw DriverError("qemu-img \(arguments.first ?? "") failed (exit \(result.status)): " + result.errors)
        }
        return result.output
    }
}

import Foundation

/// One run of a command-line tool the backend drives (`qemu-img`, `tgtadm`): its exit status
/// and what it wrote, with standard input closed.
struct ToolProcess {
    var status: Int32
    var output: String
    var errors: String

    /// Runs `path` with `arguments` to its end. Both pipes are read to the end before waiting;
    /// the tools write at most a few lines to standard error, far below a pipe's buffer, so
    /// reading one after the other cannot block.
    static func run(_ path: String, _ arguments: [String]) throws -> ToolProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ToolProcess(
            status: process.terminationStatus,
            output: String(decoding: data, as: UTF8.self),
            errors: String(decoding: errorData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        )
    }
}

import Foundation
import Synchronization

/// A program run by a test, with its standard error collected as it arrives.
public final class ChildProcess: Sendable {
    let process: Process
    let output = OutputBuffer()
    let stderrPipe = Pipe()
    let stdoutPipe = Pipe()

    public init(_ executable: String, arguments: [String], environment: [String: String]? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardError = stderrPipe
        process.standardOutput = stdoutPipe
        process.standardInput = FileHandle.nullDevice
        self.process = process
        for pipe in [stderrPipe, stdoutPipe] {
            pipe.fileHandleForReading.readabilityHandler = { [output] handle in
                let data = handle.availableData
                if data.isEmpty {
                    // End of file: the program closed this stream (it exited).
                    handle.readabilityHandler = nil
                    output.closeStream()
                } else {
                    output.append(String(decoding: data, as: UTF8.self))
                }
            }
        }
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    /// Everything the program wrote to standard output and error so far.
    public var log: String { output.text }
    public var isRunning: Bool { process.isRunning }

    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Polls until `text` appears in the output; returns the line that holds it.
    @discardableResult
    public func waitForLine(
        containing text: String,
        timeout: Duration = TestPatience.eventually
    ) async throws -> String {
        var found: String?
        let ended = try await poll(every: .milliseconds(20), for: timeout) {
            found = log.split(separator: "\n").first(where: { $0.contains(text) }).map(String.init)
            return found != nil || !process.isRunning
        }
        if let found { return found }
        guard ended else { throw ChildProcessError.timedOut(waitingFor: text, log: log) }
        throw ChildProcessError.exited(status: process.terminationStatus, log: log)
    }

    /// Waits for the program to end and returns its exit status, or nil after `timeout`. Its
    /// output is complete then: both streams have reached their end (or 30 s passed, for a
    /// child of the program that keeps them open; reading a large output, `ember config
    /// sample`'s, took over 5 s with the whole suite running).
    public func waitForExit(timeout: Duration = TestPatience.eventually) async throws -> Int32? {
        guard try await poll(every: .milliseconds(20), for: timeout, until: { !process.isRunning }) else { return nil }
        _ = try await poll(every: .milliseconds(10), for: .seconds(30)) { output.openStreams == 0 }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for pipe in [stderrPipe, stdoutPipe] { pipe.fileHandleForReading.readabilityHandler = nil }
    }

    /// Runs a program to completion and returns its status and output.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        timeout: Duration = TestPatience.eventually
    ) async throws
        -> (status: Int32, output: String)
    {
        let child = try ChildProcess(executable, arguments: arguments)
        guard let status = try await child.waitForExit(timeout: timeout) else {
            child.signal(SIGKILL)
            throw ChildProcessError.timedOut(waitingFor: "exit", log: child.log)
        }
        return (status, child.log)
    }
}

public enum ChildProcessError: Error, CustomStringConvertible {
    case exited(status: Int32, log: String)
    case timedOut(waitingFor: String, log: String)

    public var description: String {
        switch self {
        case .exited(let status, let log): "process exited with status \(status):\n\(log)"
        case .timedOut(let text, let log): "timed out waiting for \(text):\n\(log)"
        }
    }
}

extension RepositoryPaths {
    /// The `ember` executable of the current build (`swift build` puts it beside the tests).
    public static var emberBinary: String {
        let candidates = [".build/debug/ember", ".build/release/ember"].map { root + "/" + $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }
}

/// Text appended from pipe callbacks and read from tests.
final class OutputBuffer: Sendable {
    private let storage = Mutex<String>("")
    private let open = Mutex(2)

    func append(_ text: String) { storage.withLock { $0 += text } }

    /// One of the two streams (standard output, standard error) reached its end.
    func closeStream() { open.withLock { $0 -= 1 } }

    /// How many of the two streams may still deliver output.
    var openStreams: Int { open.withLock { $0 } }

    var text: String { storage.withLock { $0 } }
}

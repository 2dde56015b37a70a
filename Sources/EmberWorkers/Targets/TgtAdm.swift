import EmberCore
import Foundation

/// tgt's administration tool, `tgtadm --lld iscsi …`, talking to one tgtd over its control
/// socket (`-C N` selects `/var/run/tgtd/socket.N`). Blocking: call it only from a blocking
/// thread pool.
struct TgtAdm: Sendable {
    /// The executable.
    let path: String
    /// `-C N`, or nil for tgtd's default socket.
    let controlPort: Int?

    /// `tgtadm` on `PATH` (then `/usr/sbin`, `/sbin`, `/usr/bin`), or nil when it is not
    /// installed (Debian: `tgt`).
    static func locate(
        controlPort: Int?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> TgtAdm? {
        let directories =
            (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin"]
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/tgtadm"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return TgtAdm(path: candidate, controlPort: controlPort)
            }
        }
        return nil
    }

    /// The whole argument list of one call: the control port, `--lld iscsi`, then `arguments`.
    func commandLine(_ arguments: [String]) -> [String] {
        (controlPort.map { ["-C", String($0)] } ?? []) + ["--lld", "iscsi"] + arguments
    }

    /// Runs one `tgtadm` call; a failure carries its exit status and standard error.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let result = try ToolProcess.run(path, commandLine(arguments))
        guard result.status == 0 else {
            throw TgtAdmError(arguments: arguments, status: result.status, message: result.errors)
        }
        return result.output
    }

    /// `--op show --mode target`, parsed.
    func targets() throws -> [TgtTarget] {
        TgtTarget.parse(try run(["--op", "show", "--mode", "target"]))
    }
}

/// A failed `tgtadm` call.
struct TgtAdmError: Error, Sendable, Equatable, CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    /// tgtadm's standard error (`tgtadm: this target already exists`).
    var message: String

    /// tgtadm's answer to creating what exists (exit 22 with "already exists").
    var alreadyExists: Bool { message.contains("already exists") }

    var description: String {
        "tgtadm \(arguments.prefix(4).joined(separator: " ")) failed (exit \(status)): \(message)"
    }
}

/// One target as `tgtadm --op show --mode target` lists it.
struct TgtTarget: Sendable, Equatable {
    var tid: Int
    var iqn: String
    /// LUN number → backing store path (`None` for the controller LUN 0).
    var luns: [Int: String] = [:]
    /// The incoming CHAP users bound to the target.
    var accounts: [String] = []
    /// The initiator addresses or names allowed (`ALL`).
    var acl: [String] = []
    /// Open connections: session id (I_T nexus) and connection id.
    var connections: [Connection] = []

    /// One connection of a session, as `tgtadm --op delete --mode conn` names it.
    struct Connection: Sendable, Equatable {
        var sid: Int
        var cid: Int
    }

    /// Open sessions (I_T nexuses).
    var sessions: Int { Set(connections.map(\.sid)).count }

    /// Parses the listing: `Target N: IQN` starts a target; indented sections follow
    /// (`I_T nexus information`, `LUN information`, `Account information`, `ACL information`).
    static func parse(_ text: String) -> [TgtTarget] {
        var targets: [TgtTarget] = []
        var section = ""
        var lun: Int?
        var sid: Int?
        for rawLine in text.split(separator: "\n") {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            let indent = rawLine.prefix { $0 == " " }.count
            if indent == 0, line.hasPrefix("Target ") {
                let rest = line.dropFirst("Target ".count)
                guard let colon = rest.firstIndex(of: ":"), let tid = Int(rest[..<colon]) else { continue }
                let iqn = rest[rest.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                targets.append(TgtTarget(tid: tid, iqn: iqn))
                section = ""
                lun = nil
                sid = nil
                continue
            }
            guard !targets.isEmpty else { continue }
            let last = targets.count - 1
            if indent == 4, line.hasSuffix(":") {
                section = String(line.dropLast())
                continue
            }
            switch section {
            case "I_T nexus information":
                if line.hasPrefix("I_T nexus:") {
                    sid = Int(line.dropFirst("I_T nexus:".count).trimmingCharacters(in: .whitespaces))
                } else if line.hasPrefix("Connection:"), let sid,
                    let cid = Int(line.dropFirst("Connection:".count).trimmingCharacters(in: .whitespaces))
                {
                    targets[last].connections.append(TgtTarget.Connection(sid: sid, cid: cid))
                }
            case "LUN information":
                if line.hasPrefix("LUN:") {
                    lun = Int(line.dropFirst("LUN:".count).trimmingCharacters(in: .whitespaces))
                    if let lun { targets[last].luns[lun] = "None" }
                } else if line.hasPrefix("Backing store path:"), let lun {
                    targets[last].luns[lun] = line.dropFirst("Backing store path:".count)
                        .trimmingCharacters(in: .whitespaces)
                }
            case "Account information" where !line.isEmpty:
                // Outgoing accounts are listed as `user (outgoing)`.
                if !line.hasSuffix("(outgoing)") { targets[last].accounts.append(line) }
            case "ACL information" where !line.isEmpty:
                targets[last].acl.append(line)
            default:
                break
            }
        }
        return targets
    }
}

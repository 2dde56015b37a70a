import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster this test process owns, so it can stop and restart the server
/// without disturbing the shared test server.
struct PrivatePostgres: Sendable {
    let binDirectory: String
    let directory: String
    let port: Int
    let password = "reconnect-test"

    var url: String { "postgresql://ember:\(password)@127.0.0.1:\(port)/postgres?sslmode=disable" }

    /// The server binaries, if PostgreSQL is installed.
    static func findBinDirectory() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for version in versions.sorted(by: >) {
            let candidate = "\(root)/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: candidate + "/initdb") { return candidate }
        }
        return nil
    }

    /// Stops and removes clusters left behind by test processes that were killed (their
    /// directory name carries the owning process id).
    static func removeStale(binDirectory: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for name in names where name.hasPrefix("ember-reconnect-") {
            let parts = name.split(separator: "-")
            guard parts.count == 4, let owner = Int32(parts[2]), owner != getpid(), kill(owner, 0) != 0 else {
                continue
            }
            let stale = PrivatePostgres(binDirectory: binDirectory, directory: "/tmp/" + name, port: 0)
            stale.destroy()
        }
    }

    /// Creates the cluster (as the `postgres` user when running as root) and starts it.
    static func start() throws -> PrivatePostgres? {
        guard let binDirectory = findBinDirectory() else { return nil }
        removeStale(binDirectory: binDirectory)
        let directory = "/tmp/ember-reconnect-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
        let cluster = PrivatePostgres(
            binDirectory: binDirectory,
            directory: directory,
            // Below the kernel's ephemeral range (32768–60999): a port in it may be held by
            // any of the parallel suite's outgoing connections when the server starts.
            port: Int.random(in: 23_000..<24_500)
        )
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        try (cluster.password + "\n").write(toFile: directory + "/pwfile", atomically: true, encoding: .utf8)
        if getuid() == 0 {
            try run("/bin/chown", ["-R", "postgres:postgres", directory])
        }
        try run("/bin/chmod", ["700", directory + "/data"])
        try cluster.asPostgres(
            "'\(binDirectory)/initdb' -D '\(directory)/data' -U ember --pwfile='\(directory)/pwfile' "
                + "--auth-host=scram-sha-256 --auth-local=scram-sha-256 >'\(directory)/initdb.log' 2>&1"
        )
        try cluster.startServer()
        return cluster
    }

    func startServer() throws {
        try asPostgres(
            "'\(binDirectory)/pg_ctl' -D '\(directory)/data' -l '\(directory)/server.log' -w -t 60 "
                + "-o \"-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null"
        )
    }

    func stopServer() throws {
        try asPostgres("'\(binDirectory)/pg_ctl' -D '\(directory)/data' -m fast -w stop >/dev/null 2>&1")
    }

    func destroy() {
        try? stopServer()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func asPostgres(_ command: String) throws {
        if getuid() == 0 {
            try Self.run("/bin/su", ["postgres", "-s", "/bin/sh", "-c", command])
        } else {
            try Self.run("/bin/sh", ["-c", command])
        }
    }

    struct CommandFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs blocking work (spawning programs, `waitpid`) on a thread of its own. The test process
    /// shares Swift's cooperative pool, which has one thread per core (two here): blocking one
    /// of them for the seconds `initdb` or `pg_ctl -w` take stalls every other test.
    static func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// Runs blocking clean-up on a thread of its own without waiting for it.
    static func offloadAndForget(_ body: @escaping @Sendable () -> Void) {
        Thread { body() }.start()
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later; Swift's Glibc
    /// module does not import it).
    private typealias AddCloseFrom =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// Makes the spawned child close every descriptor from 3 up.
    static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) throws {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            throw CommandFailed(description: "posix_spawn_file_actions_addclosefrom_np is missing (glibc < 2.34)")
        }
        let addCloseFrom = unsafeBitCast(symbol, to: AddCloseFrom.self)
        guard addCloseFrom(&actions, 3) == 0 else {
            throw CommandFailed(description: "posix_spawn_file_actions_addclosefrom_np failed")
        }
    }

    /// Runs a program and waits for it with posix_spawn/waitpid (Foundation's `Process` can
    /// miss the exit of a child whose own children outlive it, as `pg_ctl start` does).
    ///
    /// The child gets standard input, output and error and no other descriptor of this
    /// process. `pg_ctl start` leaves a server running for the rest of the test, and a server
    /// that inherited the test process's descriptors kept them open: the sockets of other
    /// tests' database connections (closing them no longer ended the connection), and the
    /// socket pairs through which Foundation's `Process` learns that a child has exited (those
    /// children then never "exited", and `waitUntilExit()` and the tests waiting on them hung).
    static func run(_ executable: String, _ arguments: [String]) throws {
        var pid: pid_t = 0
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        try Self.closeInheritedDescriptors(&actions)
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw CommandFailed(description: "cannot start \(executable): error \(spawned)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw CommandFailed(description: "waitpid failed for \(executable)") }
        }
        // WIFEXITED && WEXITSTATUS == 0
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw CommandFailed(description: "\(executable) \(arguments) ended with status \(status)")
        }
    }
}

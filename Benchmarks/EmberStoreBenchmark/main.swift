// ember-store-bench: store latency on a table of 100,000 volumes, on each backend.
//
//     swift build -c release --product ember-store-bench
//     .build/release/ember-store-bench [ROWS]
//
// SQLite always (a temporary file); PostgreSQL when EMBER_BENCH_POSTGRES_URL (or
// EMBER_TEST_POSTGRES_URL) names a database: rows go to a fresh project id, so the database
// may be shared, but it is not cleaned up afterwards. Measures get-by-id, the first 100-row
// page, a 100-row page ~90% deep by marker (keyset), and the same depth by offset.
import EmberCore
import EmberStore
import Foundation
import Logging

struct Timing {
    var samples: [Duration] = []

    mutating func measure(_ body: () async throws -> Void) async rethrows {
        let start = ContinuousClock.now
        try await body()
        samples.append(ContinuousClock.now - start)
    }

    static func micros(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }

    var summary: String {
        let sorted = samples.sorted()
        let mean = samples.map(Self.micros).reduce(0, +) / Double(max(1, samples.count))
        let p50 = Self.micros(sorted[sorted.count / 2])
        let p99 = Self.micros(sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
        return String(format: "n=%4d  mean %9.1f µs  p50 %9.1f µs  p99 %9.1f µs", samples.count, mean, p50, p99)
    }
}

let rows = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 100_000
var logger = Logger(label: "ember.bench")
logger.logLevel = .critical

func seed(_ store: SQLStore, project: String, writers: Int) async throws -> [String] {
    let base = Date(timeIntervalSince1970: 1_700_000_000)
    return try await withThrowingTaskGroup(of: [String].self) { group in
        for writer in 0..<writers {
            group.addTask {
                var ids: [String] = []
                for number in stride(from: writer, to: rows, by: writers) {
                    let volume = Volume(
                        userID: "user",
                        projectID: project,
                        size: number % 100 + 1,
                        volumeTypeID: "type-1",
                        status: .available,
                        displayName: "vol-\(number)",
                        availabilityZone: "nova",
                        createdAt: base.addingTimeInterval(Double(number) / 10)
                    )
                    ids.append(try await store.createVolume(volume).id)
                }
                return ids
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
}

func run(_ name: String, _ configuration: DatabaseConfiguration, writers: Int) async throws {
    try await EmberDatabase.withDatabase(configuration: configuration, logger: logger) { database in
        try await database.migrate()
        let store = database.store
        let project = "bench-\(UUID().uuidString.prefix(8).lowercased())"
        let seedStart = ContinuousClock.now
        let ids = try await seed(store, project: project, writers: writers)
        let seedTime = ContinuousClock.now - seedStart
        print("\(name) create (seeding)      \(ids.count) volumes in \(seedTime), \(writers) writers")
        let ordered = try await store.listVolumes(ListQuery(scope: .project(project))).items.map(\.id)
        let scope = ProjectScope.project(project)

        var get = Timing()
        for _ in 0..<2000 {
            let id = ids.randomElement()!
            try await get.measure { _ = try await store.volume(id: id, scope: scope) }
        }
        var first = Timing()
        for _ in 0..<200 {
            try await first.measure {
                let page = try await store.listVolumes(ListQuery(scope: scope, limit: 100))
                precondition(page.items.count == 100)
            }
        }
        var deep = Timing()
        for _ in 0..<200 {
            let marker = ordered[Int.random(in: (ordered.count * 9 / 10)..<(ordered.count - 200))]
            try await deep.measure {
                let page = try await store.listVolumes(ListQuery(scope: scope, marker: marker, limit: 100))
                precondition(page.items.count == 100)
            }
        }
        var offset = Timing()
        for _ in 0..<20 {
            try await offset.measure {
                let page = try await store.listVolumes(
                    ListQuery(scope: scope, limit: 100, offset: ordered.count * 9 / 10)
                )
                precondition(page.items.count == 100)
            }
        }
        print("\(name) get-by-id             \(get.summary)")
        print("\(name) first page (100)      \(first.summary)")
        print("\(name) deep page, marker     \(deep.summary)")
        print("\(name) deep page, offset     \(offset.summary)")
    }
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ember-bench-\(UUID().uuidString)").path
try await run(
    "sqlite    ",
    DatabaseConfiguration(backend: .sqlite(path: directory + "/bench.sqlite"), redactedConnection: "sqlite"),
    writers: 1
)
try? FileManager.default.removeItem(atPath: directory)

let environment = ProcessInfo.processInfo.environment
if let url = environment["EMBER_BENCH_POSTGRES_URL"] ?? environment["EMBER_TEST_POSTGRES_URL"], !url.isEmpty {
    let configuration = DatabaseConfiguration(
        backend: try DatabaseConfiguration.parse(url),
        redactedConnection: DatabaseConfiguration.redact(url)
    )
    try await run("postgresql", configuration, writers: configuration.maxPoolSize)
} else {
    print("EMBER_BENCH_POSTGRES_URL / EMBER_TEST_POSTGRES_URL not set: PostgreSQL skipped")
}

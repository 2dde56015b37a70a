import EmberCore
import EmberService
import EmberTesting
import EmberWSGI
import Foundation
import Logging
import Synchronization
import Testing

/// `/metrics`: requests counted by route template, method and status; gauges read from the
/// collectors at each scrape; served on the API port or on a port of its own.
@Suite struct MetricsTests {
    /// The value of the sample `name{labels}` in an exposition, if present.
    static func sample(_ text: String, _ name: String, _ labels: String = "") -> Double? {
        let prefix = labels.isEmpty ? name + " " : name + "{" + labels + "} "
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap {
            Double($0.dropFirst(prefix.count))
        }
    }

    /// A collector whose readings the test changes between scrapes.
    final class Switchboard: Sendable {
        let readings = Mutex<[EmberMetrics.Reading]>([])
        var collector: EmberMetrics.Collector { { self.readings.withLock { $0 } } }
    }

    @Test func requestsAreCountedByRouteTemplateAndGaugesFollowTheirCollectors() async throws {
        let metrics = EmberMetrics(logger: Logger(label: "test.metrics"))
        let switchboard = Switchboard()
        metrics.addCollector(switchboard.collector)
        let server = try WSGIServer(
            configuration: .init(host: "127.0.0.1", port: 0),
            app: try stockApplication(),
            observer: metrics,
            metricsApp: MetricsApplication(metrics: metrics),
            logger: Logger(label: "test.server")
        )
        let launcher = Launcher(logger: Logger(label: "test"), trapSignals: false)
        await launcher.serve(server)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await launcher.wait() }
            let port = await server.listeningPort()
            let base = "http://127.0.0.1:\(port)"
            for _ in 0..<3 { _ = try await curl(["-o", "/dev/null", base + "/"]) }
            _ = try await curl(["-o", "/dev/null", base + "/healthcheck"])
            _ = try await curl(["-o", "/dev/null", base + "/v3/"])
            // Ids in paths never become labels: a thousand different paths, one series.
            for id in 0..<5 { _ = try await curl(["-o", "/dev/null", base + "/v3/\(UUID().uuidString)-\(id)/x"]) }
            switchboard.readings.withLock {
                $0 = [
                    .init("ember_volumes", help: "Volumes.", labels: [("status", "available")], value: 4),
                    .init("ember_volumes", help: "Volumes.", labels: [("status", "error")], value: 1),
                    .init("ember_hits_total", help: "Hits.", value: 7, counter: true),
                ]
            }
            let first = try await curl([base + "/metrics"])
            #expect(Self.sample(first, "ember_http_requests_total", #"route="/",method="GET",status="300""#) == 3)
            #expect(
                Self.sample(first, "ember_http_requests_total", #"route="/healthcheck",method="GET",status="200""#)
                    == 1,
                "\(first)"
            )
            let v3 = first.split(separator: "\n").filter {
                $0.hasPrefix("ember_http_requests_total{route=\"/v3")
            }
            #expect(v3.count == 2, "one series for /v3/ and one for the unknown paths under it: \(v3)")
            #expect(
                Self.sample(
                    first,
                    "ember_http_request_duration_seconds_count",
                    #"route="/",method="GET",status="300""#
                ) == 3
            )
            #expect(first.contains("# TYPE ember_http_request_duration_seconds histogram"))
            #expect(Self.sample(first, "ember_volumes", #"status="available""#) == 4)
            #expect(Self.sample(first, "ember_volumes", #"status="error""#) == 1)
            #expect(Self.sample(first, "ember_hits_total") == 7)
            #expect(first.contains("# TYPE ember_hits_total counter"))
            #expect((Self.sample(first, "process_resident_memory_bytes") ?? 0) > 1_000_000)
            #expect((Self.sample(first, "process_open_fds") ?? 0) >= 3)

            switchboard.readings.withLock {
                $0 = [
                    .init("ember_volumes", help: "Volumes.", labels: [("status", "available")], value: 5),
                    .init("ember_hits_total", help: "Hits.", value: 9, counter: true),
                ]
            }
            let second = try await curl([base + "/metrics"])
            #expect(Self.sample(second, "ember_volumes", #"status="available""#) == 5)
            #expect(Self.sample(second, "ember_volumes", #"status="error""#) == nil, "a reading gone is gone")
            #expect(Self.sample(second, "ember_hits_total") == 9, "a counter advances to its source's total")
            #expect(
                Self.sample(second, "ember_http_requests_total", #"route="/metrics",method="GET",status="200""#) == 1
            )
            let post = try await curl(["-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", base + "/metrics"])
            #expect(post == "405")
            await launcher.shutdown()
            try await group.waitForAll()
        }
    }

    @Test func disabledMetricsLeaveMetricsToThePipeline() async throws {
        let live = try LiveServer(app: try stockApplication())
        try await live.run { port in
            let status = try await curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/metrics"])
            #expect(status == "404")
        }
    }

    @Test func configurationReadsTheMetricsSection() throws {
        func read(_ text: String) throws -> MetricsConfiguration {
            try MetricsConfiguration(files: ConfigFiles(documents: [INIDocument(text: text, path: "m.conf")]))
        }
        #expect(try read("") == MetricsConfiguration())
        #expect(!(try read("")).onAPIPort)
        #expect(try read("[metrics]\nenabled = true\n").onAPIPort)
        let own = try read("[metrics]\nenabled = true\nport = 9464\nhost = 0.0.0.0\n")
        #expect(own.ownListener && !own.onAPIPort && own.host == "0.0.0.0")
        #expect(throws: ConfigurationError.self) { try read("[metrics]\nport = 70000\n") }
    }
}

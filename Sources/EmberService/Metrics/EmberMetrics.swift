import EmberWSGI
import Foundation
import Logging
import Prometheus
import Synchronization

/// The process's metrics in Prometheus's text format: requests counted and timed as they are
/// answered, and gauges (volumes, bus queues, capacity, pools, the process itself) read from
/// their sources at each scrape by the collectors the services register.
///
/// One per process (not the global `MetricsSystem`), so tests can run several side by side.
public final class EmberMetrics: RequestObserver, Sendable {
    /// One reading: `name` is the full metric name (`ember_volumes`), `help` its `# HELP`
    /// text; every reading of one name carries the same label names. A gauge is set to
    /// `value`; a counter (`counter: true`, a total its source keeps, named `…_total`) is
    /// advanced to it.
    public struct Reading: Sendable {
        public var name: String
        public var help: String
        public var labels: [(String, String)]
        public var value: Double
        public var isCounter: Bool

        public init(
            _ name: String,
            help: String,
            labels: [(String, String)] = [],
            value: Double,
            counter: Bool = false
        ) {
            self.name = name
            self.help = help
            self.labels = labels
            self.value = value
            self.isCounter = counter
        }

        var key: String { name + "{" + labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}" }
    }

    /// Reads a set of gauges; it should answer within a second or two (a scrape waits for it).
    public typealias Collector = @Sendable () async -> [Reading]

    /// The request latency buckets, in seconds (Prometheus's defaults, which suit an API).
    static let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    let registry = PrometheusCollectorRegistry()
    private let collectors = Mutex<[Collector]>([])
    /// The gauges the last scrape set, by name and labels: a reading that disappears (no
    /// volume left in a status) is unregistered rather than left at its last value.
    private let gauges = Mutex<[String: Gauge]>([:])
    /// The last total each counter reading reported, so a scrape advances it by the difference.
    private let counterTotals = Mutex<[String: Double]>([:])
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
        addCollector { ProcessMetrics.read() }
    }

    /// Adds gauges read at every scrape.
    public func addCollector(_ collector: @escaping Collector) {
        collectors.withLock { $0.append(collector) }
    }

    public func requestFinished(method: String, route: String, status: Int, duration: Duration) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "ember",
                metricName: "http_requests",
                unitName: "total",
                helpText: "API requests answered, by route template, method and status."
            ),
            labels: labels
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "ember",
                metricName: "http_request_duration",
                unitName: "seconds",
                helpText: "Time from a request's arrival to its answer, by route template, method and status."
            ),
            labels: labels,
            buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// Runs every collector, updates the gauges, and returns the text exposition.
    public func scrape() async -> [UInt8] {
        let collectors = self.collectors.withLock { $0 }
        var readings: [Reading] = []
        for collector in collectors {
            readings += await collector()
        }
        counterTotals.withLock { totals in
            for reading in readings where reading.isCounter {
                let counter = registry.makeCounter(
                    descriptor: MetricNameDescriptor(metricName: reading.name, unitName: "", helpText: reading.help),
                    labels: reading.labels
                )
                let advance = reading.value - totals[reading.key, default: 0]
                if advance > 0 {
                    counter.increment(by: advance)
                    totals[reading.key] = reading.value
                }
            }
        }
        gauges.withLock { gauges in
            var current: [String: Gauge] = [:]
            for reading in readings where !reading.isCounter {
                let key = reading.key
                let gauge =
                    gauges[key]
                    ?? registry.makeGauge(
                        descriptor: MetricNameDescriptor(
                            metricName: reading.name,
                            unitName: "",
                            helpText: reading.help
                        ),
                        labels: reading.labels
                    )
                gauge.set(reading.value)
                current[key] = gauge
            }
            for (key, gauge) in gauges where current[key] == nil {
                registry.unregisterGauge(gauge)
            }
            gauges = current
        }
        return registry.emitToBuffer()
    }
}

/// The process itself, from `/proc` (Prometheus's standard names).
enum ProcessMetrics {
    static func read() -> [EmberMetrics.Reading] {
        var readings: [EmberMetrics.Reading] = []
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        {
            readings.append(
                .init(
                    "process_resident_memory_bytes",
                    help: "Resident memory size in bytes.",
                    value: pages * Double(sysconf(Int32(_SC_PAGESIZE)))
                )
            )
        }
        if let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            readings.append(
                .init("process_open_fds", help: "Number of open file descriptors.", value: Double(descriptors.count))
            )
        }
        return readings
    }
}

import EmberBus
import EmberCore
import EmberIdentity
import EmberRPC
import EmberService
import EmberStore
import Foundation
import Logging

/// The gauges each part of a process reports at a scrape. A source that cannot answer
/// (the database down, no scheduler) leaves its gauges out of that scrape and logs why.
enum MetricsCollectors {
    /// Volumes by status and backend, and the database connections in use.
    static func database(_ db: EmberDatabase, logger: Logger) -> EmberMetrics.Collector {
        {
            var readings = [
                EmberMetrics.Reading(
                    "ember_db_connections_in_use",
                    help: "Database connections running an operation now.",
                    value: Double(db.connectionsInUse)
                )
            ]
            do {
                for census in try await db.store.volumeCensus() {
                    readings.append(
                        .init(
                            "ember_volumes",
                            help: "Volumes not deleted, by status and backend (host@backend).",
                            labels: [("status", census.status), ("backend", census.backend)],
                            value: Double(census.count)
                        )
                    )
                }
            } catch {
                logger.warning("Metrics: cannot count volumes", metadata: ["error": "\(error)"])
            }
            return readings
        }
    }

    /// Messages waiting or in hand per topic, and how long the oldest has waited.
    static func bus(_ bus: any MessageBus, logger: Logger) -> EmberMetrics.Collector {
        {
            do {
                let now = Date()
                return try await bus.queueStatistics().flatMap { topic in
                    [
                        EmberMetrics.Reading(
                            "ember_bus_queue_depth",
                            help: "Messages of a topic not yet acknowledged (waiting or being handled).",
                            labels: [("topic", topic.topic)],
                            value: Double(topic.depth)
                        ),
                        EmberMetrics.Reading(
                            "ember_bus_oldest_message_age_seconds",
                            help: "Seconds since the oldest unacknowledged message of a topic was sent.",
                            labels: [("topic", topic.topic)],
                            value: max(0, now.timeIntervalSince(topic.oldestCreatedAt))
                        ),
                    ]
                }
            } catch {
                logger.warning("Metrics: cannot read the bus queues", metadata: ["error": "\(error)"])
                return []
            }
        }
    }

    /// Each pool's capacity as the scheduler counts it (`get_pools`, answered within 3 s).
    static func capacity(_ bus: any MessageBus, logger: Logger) -> EmberMetrics.Collector {
        {
            let scheduler = SchedulerRPC.client(bus: bus, timeout: .seconds(3))
            let pools: JSONValue
            do {
                pools = try await scheduler.call(
                    SchedulerRPC.GetPools(filters: JSONObject()),
                    context: .service(requestID: "req-" + UUID().uuidString.lowercased())
                )
            } catch {
                logger.warning("Metrics: no pool capacity from the scheduler", metadata: ["error": "\(error)"])
                return []
            }
            guard case .array(let list) = pools else { return [] }
            var readings: [EmberMetrics.Reading] = []
            for pool in list {
                guard let name = pool["name"]?.stringValue, let capabilities = pool["capabilities"]?.objectValue else {
                    continue
                }
                for kind in ["total", "free", "allocated"] {
                    // "infinite" and "unknown" capacities have no number to report.
                    let value: Double
                    switch capabilities["\(kind)_capacity_gb"] {
                    case .double(let number)?: value = number
                    case .int(let number)?: value = Double(number)
                    default: continue
                    }
                    readings.append(
                        .init(
                            "ember_backend_capacity_gib",
                            help: "A pool's capacity in GiB as the scheduler counts it: total, free or allocated.",
                            labels: [("pool", name), ("kind", kind)],
                            value: value
                        )
                    )
                }
            }
            return readings
        }
    }

    /// Token validations answered from the cache, and those that went to Keystone.
    static func tokenCache(_ statistics: TokenCacheStatistics) -> EmberMetrics.Collector {
        {
            [
                .init(
                    "ember_token_cache_hits_total",
                    help: "Token validations answered from the cache.",
                    value: Double(statistics.hits),
                    counter: true
                ),
                .init(
                    "ember_token_cache_misses_total",
                    help: "Token validations that asked Keystone.",
                    value: Double(statistics.misses),
                    counter: true
                ),
            ]
        }
    }
}

import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

extension VolumeManager {
    /// Reports capabilities once now, then every `periodic_interval`, until cancelled.
    func reportPeriodically() async {
        while !Task.isCancelled {
            await reportCapabilities()
            do {
                try await Task.sleep(for: configuration.periodicInterval)
            } catch {
                return
            }
        }
    }

    /// The capabilities cinder's `_report_driver_status` publishes for this backend.
    /// cinder's `_init_standard_capabilities`: the standard extra-spec properties a backend
    /// describes in `GET /capabilities/{host}`.
    static let standardProperties: JSONObject = [
        "thin_provisioning": [
            "title": "Thin Provisioning", "description": "Sets thin provisioning.", "type": "boolean",
        ],
        "compression": ["title": "Compression", "description": "Enables compression.", "type": "boolean"],
        "qos": ["title": "QoS", "description": "Enables QoS.", "type": "boolean"],
        "replication_enabled": ["title": "Replication", "description": "Enables replication.", "type": "boolean"],
    ]

    public func capabilities() async throws -> JSONObject {
        let capacity = try await driver.capacity()
        var allocated = 0
        let page = try await store.listVolumes(
            ListQuery(scope: .allProjects, filters: [.contains("host", host)])
        )
        for volume in page.items where ownsHost(volume.host) { allocated += volume.size }
        return [
            "volume_backend_name": .string(backend.volumeBackendName),
            "pool_name": .string(backend.volumeBackendName),
            "vendor_name": "Ember",
            "driver_version": "1.0.0",
            "storage_protocol": "local",
            "total_capacity_gb": .double(capacity.totalGiB),
            "free_capacity_gb": .double(capacity.freeGiB),
            "allocated_capacity_gb": .int(allocated),
            "provisioned_capacity_gb": .int(allocated),
            "reserved_percentage": .int(backend.reservedPercentage),
            "max_over_subscription_ratio": .double(backend.maxOverSubscriptionRatio),
            "thin_provisioning_support": true,
            "thick_provisioning_support": false,
            // A file (and the iSCSI target in front of it) can serve several consumers at
            // once, as cinder's LVM reference driver reports; a type with
            // `multiattach="<is> True"` needs it to be scheduled here.
            "multiattach": true,
            "availability_zone": .string(backend.availabilityZone),
        ]
    }

    /// Fanout `update_service_capabilities` to every scheduler; failures are logged.
    public func reportCapabilities() async {
        do {
            let capabilities = try await capabilities()
            var report = SchedulerRPC.UpdateServiceCapabilities(
                host: host,
                capabilities: capabilities,
                timestamp: Date()
            )
            report.clusterName = clusterName
            try await SchedulerRPC.client(bus: bus).fanoutCast(report, context: .service(requestID: Self.requestID()))
        } catch {
            logger.warning("Capability report failed", metadata: ["error": "\(error)"])
        }
    }
}

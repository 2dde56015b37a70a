import EmberCore
import EmberStore
import Foundation
import Logging

/// The services table as `os-services`, `os-hosts` and `os-availability-zone` read and change
/// it (`cinder/api/contrib/services.py`, `hosts.py`, `availability_zones.py`): which services
/// run where, whether each is up (from its heartbeat), and enabling or disabling one.
public struct ServiceAPI: Sendable {
    let store: any ServiceStore & VolumeStore & SnapshotStore
    /// Seconds without a heartbeat after which a service is down (`service_down_time`).
    public let downTime: Int
    let clock: any EmberClock
    /// Who sends freeze, thaw, failover and the log-level calls to the services.
    let caster: any ServiceWorkCaster
    /// `[DEFAULT] host`: this API's own name in `get-log`.
    public let host: String
    let logger: Logger

    init(
        store: any ServiceStore & VolumeStore & SnapshotStore,
        downTime: Int,
        clock: any EmberClock,
        caster: any ServiceWorkCaster,
        host: String,
        logger: Logger
    ) {
        self.store = store
        self.downTime = downTime
        self.clock = clock
        self.caster = caster
        self.host = host
        self.logger = logger
    }

    /// The time service ages are measured against.
    public var now: Date { clock.now }

    /// The services with `binary` and `topic` (nil: any), enabled or disabled or both, whose
    /// host matches `host` at the level it names (``hostMatches(_:filter:)``).
    public func list(
        host: String? = nil,
        binary: String? = nil,
        topic: String? = nil,
        disabled: Bool? = nil
    ) async throws -> [ServiceRecord] {
        try await store.listServices(host: nil, binary: binary, topic: topic, disabled: disabled)
            .filter { host == nil || Self.hostMatches($0.host, filter: host ?? "") }
    }

    /// Whether `service` sent a heartbeat within ``downTime`` seconds of ``now``.
    public func isUp(_ service: ServiceRecord, now: Date) -> Bool {
        abs(now.timeIntervalSince(service.updatedAt ?? service.createdAt)) <= Double(downTime)
    }

    /// cinder's `db.api._filter_host` at the level the filter implies: `host#pool` matches
    /// only itself; `host@backend` itself and its pools; a bare host itself, its backends
    /// and its pools (so `?host=vm` finds the scheduler `vm` and the volume service `vm@file`).
    public static func hostMatches(_ host: String, filter: String) -> Bool {
        HostFilter.matches(host, filter: filter)
    }

    /// Enables or disables the `binary` service of `host` (404 as cinder when there is none);
    /// enabling clears the reason, disabling records `reason` when given.
    public func setDisabled(
        host: String,
        binary: String,
        disabled: Bool,
        reason: String?
    ) async throws -> ServiceRecord {
        let record: ServiceRecord
        do {
            record = try await store.service(host: host, binary: binary)
        } catch .notFound {
            throw EmberError.notFound("Service \(binary) could not be found on host \(host).")
        }
        var changes: [ServiceUpdate] = [.disabled(disabled), .modifiedAt(clock.now)]
        if !disabled {
            changes.append(.disabledReason(nil))
        } else if let reason {
            changes.append(.disabledReason(reason))
        }
        return try await store.updateService(id: record.id, changes)
    }

    /// `os-hosts` show: the `cinder-volume` service `host` names (at the level it names; 404
    /// when none), and the volumes on it (the service's host or one of its pools) with their
    /// snapshots.
    public func resources(
        onHost host: String
    ) async throws -> (serviceHost: String, volumes: [Volume], snapshots: [Snapshot]) {
        let services = try await list(host: host, topic: "cinder-volume")
        guard let serviceHost = services.first?.host else {
            throw EmberError.notFound("Service cinder-volume could not be found on host \(host).")
        }
        // The database narrows to rows mentioning the host; the pool rule is checked here.
        let volumes = try await store.listVolumes(
            ListQuery(scope: .allProjects, filters: [.contains("host", serviceHost)])
        ).items.filter { volume in
            guard let volumeHost = volume.host else { return false }
            return volumeHost == serviceHost || volumeHost.hasPrefix(serviceHost + "#")
        }
        let snapshots =
            volumes.isEmpty
            ? []
            : try await store.listSnapshots(
                ListQuery(scope: .allProjects, filters: [.oneOf("volume_id", volumes.map(\.id))])
            ).items
        return (serviceHost, volumes, snapshots)
    }
}

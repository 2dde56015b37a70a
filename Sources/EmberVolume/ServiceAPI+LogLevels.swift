import EmberCore
import EmberRPC
import EmberStore

/// One service's answer to `get-log`: its host, binary and its loggers' levels.
public struct ServiceLogLevels: Sendable, Equatable {
    public var host: String
    public var binary: String
    /// Logger name and level name (`DEBUG`, `INFO`, `WARNING`, `ERROR`), by name.
    public var levels: [(name: String, level: String)]

    public static func == (lhs: ServiceLogLevels, rhs: ServiceLogLevels) -> Bool {
        lhs.host == rhs.host && lhs.binary == rhs.binary
            && lhs.levels.map(\.name) == rhs.levels.map(\.name) && lhs.levels.map(\.level) == rhs.levels.map(\.level)
    }
}

extension ServiceAPI {
    /// cinder's `LOG_BINARIES`: the binaries `set-log` and `get-log` reach.
    public static let logBinaries = ["cinder-scheduler", "cinder-volume", "cinder-backup", "cinder-api"]
    static let apiBinary = "cinder-api"

    /// `_log_params_binaries_services`: the binaries a request names (`*`, empty or none:
    /// all) and the services that are up among them, on `server` (a host or cluster, at the
    /// level it names) when given. `cinder-api` alone names no service: it is this process.
    func logTargets(binary: String?, server: String?) async throws -> (binaries: [String], services: [ServiceRecord]) {
        let binaries: [String]
        var binaryFilter: String?
        switch binary {
        case nil, "", "*": binaries = Self.logBinaries
        case Self.apiBinary: return ([Self.apiBinary], [])
        case let binary?:
            binaries = Self.logBinaries.contains(binary) ? [binary] : []
            binaryFilter = binary
        }
        let now = self.now
        var services = try await store.listServices(host: nil, binary: binaryFilter, topic: nil, disabled: nil)
            .filter { isUp($0, now: now) && binaries.contains($0.binary) }
        if let server, !server.isEmpty {
            services = services.filter { service in
                Self.hostMatches(service.host, filter: server)
                    || service.clusterName.map { Self.hostMatches($0, filter: server) } ?? false
            }
        }
        return (binaries, services)
    }

    /// `set_log`: this API's loggers change at once when `cinder-api` is among the binaries
    /// (an unknown level is cinder's 400 then); each matching service is cast
    /// `set_log_levels`.
    public func setLogLevels(
        binary: String?,
        server: String?,
        prefix: String?,
        level: String?,
        caller: Identity,
        requestID: String
    ) async throws {
        let (binaries, services) = try await logTargets(binary: binary, server: server)
        if binaries.contains(Self.apiBinary) {
            LogLevels.set(prefix: prefix, level: try LogLevels.parse(level))
        }
        let request = LogLevelRequest(prefix: prefix, level: level)
        for service in services {
            try await caster.setLogLevels(
                binary: service.binary,
                host: service.host,
                request: request,
                caller: caller,
                requestID: requestID
            )
        }
    }

    /// `get_log`: this API's levels first (unless `server` names another host), then each
    /// matching service's, called over the bus.
    public func logLevels(
        binary: String?,
        server: String?,
        prefix: String?,
        caller: Identity,
        requestID: String
    ) async throws -> [ServiceLogLevels] {
        let (binaries, services) = try await logTargets(binary: binary, server: server)
        var result: [ServiceLogLevels] = []
        if server == nil || server == "" || server == host, binaries.contains(Self.apiBinary) {
            let levels = LogLevels.levels(prefix: prefix).map { (name: $0.label, level: $0.level) }
            result.append(ServiceLogLevels(host: host, binary: Self.apiBinary, levels: levels))
        }
        let request = LogLevelRequest(prefix: prefix)
        for service in services {
            let entries = try await caster.getLogLevels(
                binary: service.binary,
                host: service.host,
                request: request,
                caller: caller,
                requestID: requestID
            )
            result.append(
                ServiceLogLevels(
                    host: service.host,
                    binary: service.binary,
                    levels: entries.map { (name: $0.prefix, level: $0.level) }
                )
            )
        }
        return result
    }
}

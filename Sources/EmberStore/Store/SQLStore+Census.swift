import EmberCore

/// How many volumes are in each status on each backend: what the metrics report.
public struct VolumeCensus: Sendable, Equatable {
    public var status: String
    /// `host@backend` (the pool dropped), or empty for a volume not placed yet.
    public var backend: String
    public var count: Int

    public init(status: String, backend: String, count: Int) {
        self.status = status
        self.backend = backend
        self.count = count
    }
}

extension SQLStore {
    /// The volumes not deleted, counted by status and backend, in status then backend order.
    public func volumeCensus() async throws(StoreError) -> [VolumeCensus] {
        let rows = try await reading { executor in
            try await executor.query(
                "SELECT status, host, COUNT(*) AS n FROM volumes WHERE deleted = FALSE GROUP BY status, host"
            )
        }
        var counts: [VolumeCensus] = []
        var index: [String: Int] = [:]
        for row in rows {
            let status: String = try row["status"] ?? ""
            let host: String = try row["host"] ?? ""
            let backend = String(host.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            let n: Int = try row["n"]
            let key = status + "\u{0}" + backend
            if let at = index[key] {
                counts[at].count += n
            } else {
                index[key] = counts.count
                counts.append(VolumeCensus(status: status, backend: backend, count: n))
            }
        }
        return counts.sorted { ($0.status, $0.backend) < ($1.status, $1.backend) }
    }
}

/// Topic names as cinder uses them (`cinder/common/constants.py`, `volume/rpcapi.py`).
public enum Topic {
    /// `cinder-scheduler`: every scheduler consumes it.
    public static let scheduler = "cinder-scheduler"
    /// `cinder-volume`: the volume service topic (messages normally go to a server-scoped one).
    public static let volume = "cinder-volume"
    /// `cinder-backup`.
    public static let backup = "cinder-backup"

    /// The server-scoped volume topic for a backend: `cinder-volume.HOST@BACKEND`
    /// (cinder ≥ RPC 3.6 `volume.service_topic_queue`).
    public static func volume(host: String, backend: String) -> String {
        volume(serviceTopicQueue: host + "@" + backend)
    }

    /// `cinder-volume.<queue>` where `queue` is `host@backend` or a cluster name.
    public static func volume(serviceTopicQueue queue: String) -> String {
        volume + "." + queue
    }

    /// The name oslo gives the fanout exchange of `topic` (`cinder-scheduler_fanout`), for logs.
    /// ``MessageBus/fanoutCast(_:)`` takes the plain topic.
    public static func fanout(_ topic: String) -> String {
        topic + "_fanout"
    }
}

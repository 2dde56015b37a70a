import EmberBus
import EmberCore
import EmberRPC
import Foundation
import Testing

/// The `os-services` messages: freeze, thaw, failover and the log levels of the three
/// managers, with cinder's method names, versions and argument names.
@Suite struct ServiceRPCTests {
    static let context = RPCContext(requestID: "req-services", userID: "u", projectID: "p")

    func roundTrip<Message: RPCMessage & Equatable>(_ message: Message, topic: String) throws -> JSONValue {
        let envelope = try message.envelope(topic: topic, context: Self.context)
        let wire = try Envelope.decode(try envelope.encoded())
        #expect(wire.method == Message.method)
        #expect(wire.version == Message.version)
        #expect(wire.topic == topic)
        #expect(try Message.decode(wire.arguments) == message)
        return wire.arguments
    }

    @Test func volumeServiceMessagesRoundTrip() throws {
        let topic = VolumeRPC.topic(forHost: "node@alpha")
        #expect(try roundTrip(VolumeRPC.FreezeHost(), topic: topic) == [:])
        #expect(try roundTrip(VolumeRPC.ThawHost(), topic: topic) == [:])
        #expect(VolumeRPC.FreezeHost.method == "freeze_host" && VolumeRPC.ThawHost.method == "thaw_host")
        let failover = try roundTrip(VolumeRPC.Failover(secondaryBackendID: "secondary"), topic: topic)
        #expect(failover == ["secondary_backend_id": "secondary"])
        #expect(VolumeRPC.Failover.version == RPCVersion(3, 8))
        let set = VolumeRPC.SetLogLevels(logRequest: LogLevelRequest(prefix: "ember.volume", level: "DEBUG"))
        #expect(try roundTrip(set, topic: topic) == ["log_request": ["prefix": "ember.volume", "level": "DEBUG"]])
        #expect(VolumeRPC.SetLogLevels.version == RPCVersion(3, 12))
        let get = VolumeRPC.GetLogLevels(logRequest: LogLevelRequest(prefix: nil))
        _ = try roundTrip(get, topic: topic)
    }

    @Test func schedulerAndBackupLogMessagesRoundTrip() throws {
        #expect(SchedulerRPC.topic(forHost: "node") == "cinder-scheduler.node")
        let request = LogLevelRequest(prefix: "ember", level: "warning")
        _ = try roundTrip(SchedulerRPC.SetLogLevels(logRequest: request), topic: SchedulerRPC.topic(forHost: "node"))
        _ = try roundTrip(SchedulerRPC.GetLogLevels(logRequest: request), topic: SchedulerRPC.topic(forHost: "node"))
        #expect(SchedulerRPC.SetLogLevels.version == RPCVersion(3, 7))
        _ = try roundTrip(BackupRPC.SetLogLevels(logRequest: request), topic: BackupRPC.topic(forHost: "node"))
        _ = try roundTrip(BackupRPC.GetLogLevels(logRequest: request), topic: BackupRPC.topic(forHost: "node"))
        #expect(BackupRPC.GetLogLevels.version == RPCVersion(2, 1))
    }

    /// The reply of `get_log_levels` is cinder's `LogLevelList`: prefix and level per logger.
    @Test func logLevelReplyReadsBack() throws {
        let entries = [LogLevelEntry(prefix: "ember.volume.manager", level: "DEBUG")]
        let json = try JSONValue.parse(Array(JSONEncoder().encode(entries)))
        #expect(json == [["prefix": "ember.volume.manager", "level": "DEBUG"]])
    }
}

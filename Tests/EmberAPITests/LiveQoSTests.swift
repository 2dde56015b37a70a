import EmberCore
import EmberStore
import Foundation
import HTTPTypes
import Testing

/// QoS specs at attach time through real workers: as cinder's `_parse_connection_options`,
/// the specs of the volume's type reach `connection_info` (legacy `os-initialize_connection`
/// and the attachments API) when their consumer is `front-end` or `both`, per-GB limits
/// worked out for the volume's size; `back-end` specs, or none, give null.
@Suite struct LiveQoSTests {
    @Test(arguments: LiveBackend.all)
    func frontEndSpecsTravelInTheConnectionInfo(backend: LiveBackend) async throws {
        try await LiveHarness.run(backend, trustIdentityHeaders: true) { live in
            let s = LiveAttachmentTests.Session(live: live)
            let created = try await s.send(
                .post,
                "/qos-specs",
                #"{"qos_specs": {"name": "fast", "consumer": "front-end", "read_iops_sec": "500", "total_iops_sec_per_gb": "100", "total_iops_sec_per_gb_min": "150", "total_iops_sec_max": "1000"}}"#
            )
            #expect(created.status == .ok, "\(created.text)")
            let specsID = try #require(created.json?["qos_specs"]?["id"]?.stringValue)
            let typed = try await s.send(.post, "/types", #"{"volume_type": {"name": "qos-typed"}}"#)
            let typeID = try #require(typed.json?["volume_type"]?["id"]?.stringValue, "\(typed.text)")
            let associated = try await s.send(.get, "/qos-specs/\(specsID)/associate?vol_type_id=\(typeID)")
            #expect(associated.status == .accepted, "\(associated.text)")

            // Size 1: 100/GB is under the 150 minimum; size 2 would be 200.
            let volumeID = try await s.volume(type: typeID)
            let expected: JSONValue = ["read_iops_sec": "500", "total_iops_sec": 150]
            let legacy = try await s.send(
                .post,
                "/volumes/\(volumeID)/action",
                #"{"os-initialize_connection": {"connector": \#(LiveAttachmentTests.connector("compute-1"))}}"#
            )
            #expect(legacy.status == .ok, "\(legacy.text)")
            #expect(legacy.json?["connection_info"]?["data"]?["qos_specs"] == expected, "\(legacy.text)")

            let attachment = try await s.create(
                volumeID,
                server: LiveAttachmentTests.server1,
                connector: LiveAttachmentTests.connector("compute-1")
            )
            #expect(attachment["connection_info"]?["qos_specs"] == expected, "\(attachment)")

            // Extended to 20 GiB the per-GB value (2000) is capped by the 1000 maximum.
            let other = try await s.volume(type: typeID)
            _ = try await live.store.updateVolume(id: other, [.size(20)])
            let big = try await s.send(
                .post,
                "/volumes/\(other)/action",
                #"{"os-initialize_connection": {"connector": \#(LiveAttachmentTests.connector("compute-2"))}}"#
            )
            #expect(
                big.json?["connection_info"]?["data"]?["qos_specs"] == ["read_iops_sec": "500", "total_iops_sec": 1000]
            )

            // Back-end specs stay with the backend: null in the connection info.
            let moved = try await s.send(.put, "/qos-specs/\(specsID)", #"{"qos_specs": {"consumer": "back-end"}}"#)
            #expect(moved.status == .ok, "\(moved.text)")
            let backEnd = try await s.send(
                .post,
                "/volumes/\(other)/action",
                #"{"os-initialize_connection": {"connector": \#(LiveAttachmentTests.connector("compute-2"))}}"#
            )
            #expect(backEnd.json?["connection_info"]?["data"]?["qos_specs"] == .null, "\(backEnd.text)")

            // `both` reaches the front end again; a type without specs gives null.
            _ = try await s.send(.put, "/qos-specs/\(specsID)", #"{"qos_specs": {"consumer": "both"}}"#)
            let both = try await s.send(
                .post,
                "/volumes/\(other)/action",
                #"{"os-initialize_connection": {"connector": \#(LiveAttachmentTests.connector("compute-2"))}}"#
            )
            #expect(both.json?["connection_info"]?["data"]?["qos_specs"]?["read_iops_sec"] == "500")
            let plain = try await s.volume()
            let untyped = try await s.send(
                .post,
                "/volumes/\(plain)/action",
                #"{"os-initialize_connection": {"connector": \#(LiveAttachmentTests.connector("compute-3"))}}"#
            )
            #expect(untyped.json?["connection_info"]?["data"]?["qos_specs"] == .null, "\(untyped.text)")
        }
    }
}

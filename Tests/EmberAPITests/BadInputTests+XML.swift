import EmberAPI
import EmberCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// Hostile and malformed XML bodies on the seed's routers: cinder's 400 "Malformed request
/// body", nothing stored, nothing cast, and no file's content in any answer.
extension BadInputTests {
    static let hostileXML: [(String, String)] = [
        (
            "billion laughs",
            """
            <?xml version="1.0"?>
            <!DOCTYPE volume [
              <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
              <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
              <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
              <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
            ]>
            <volume size="1" display_name="&d;" name="&d;"/>
            """
        ),
        (
            "external entity",
            """
            <?xml version="1.0"?>
            <!DOCTYPE volume [<!ENTITY leak SYSTEM "file:///etc/passwd">]>
            <volume size="1"><metadata><meta key="leak">&leak;</meta></metadata></volume>
            """
        ),
        (
            "external parameter entity",
            """
            <!DOCTYPE volume [<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]>
            <volume size="1"/>
            """
        ),
        ("external DTD", #"<!DOCTYPE volume SYSTEM "file:///etc/passwd"><volume size="1"/>"#),
        ("bare DOCTYPE", "<!DOCTYPE volume><volume size=\"1\"/>"),
        ("undeclared entity", #"<volume size="1" name="&leak;"/>"#),
        (
            "deep nesting",
            "<volume size=\"1\">" + String(repeating: "<a>", count: 5000) + String(repeating: "</a>", count: 5000)
                + "</volume>"
        ),
        ("unclosed element", #"<volume size="1">"#),
        ("mismatched tags", #"<volume size="1"></server>"#),
        ("two roots", #"<volume size="1"/><volume size="1"/>"#),
        ("not XML", #"{"volume": {"size": 1}}"#),
        ("wrong root element", #"<server size="1"/>"#),
        ("unbound prefix", #"<x:volume size="1"/>"#),
    ]

    @Test(arguments: ["v1", "v2"])
    func hostileXMLIsRefusedAndNothingStored(version: String) async throws {
        try await APIHarness.run { client, casts, api in
            let headers: HTTPFields = [
                .authToken: "admin:\(APIHarness.project)", .contentType: "application/xml", .accept: "application/xml",
            ]
            let volumeID = try await client.placedVolume(api)
            let before = try await api.listVolumes(.init(scope: .allProjects)).items.count
            let castsBefore = casts.casts.count
            for (name, body) in Self.hostileXML {
                let targets = [
                    "/\(version)/\(APIHarness.project)/volumes",
                    "/\(version)/\(APIHarness.project)/snapshots",
                    "/\(version)/\(APIHarness.project)/volumes/\(volumeID)/metadata",
                ]
                for uri in targets {
                    let response = try await client.execute(
                        uri: uri,
                        method: .post,
                        headers: headers,
                        body: ByteBuffer(string: body.replacingOccurrences(of: "volume", with: Self.root(uri)))
                    )
                    #expect(response.status == .badRequest, "\(name) → \(uri): \(response.text)")
                    #expect(
                        response.text
                            == #"<badRequest code="400" xmlns="http://docs.openstack.org/volume/api/v1"><message>Malformed request body</message></badRequest>"#,
                        "\(name) → \(uri)"
                    )
                    #expect(!response.text.contains("root:"), "\(name): the file's content leaked")
                }
            }
            #expect(try await api.listVolumes(.init(scope: .allProjects)).items.count == before)
            #expect(try await api.snapshots.list(.init(scope: .allProjects)).items.isEmpty)
            #expect(casts.casts.count == castsBefore)
            let metadata = try await client.execute(
                uri: "/v3/\(APIHarness.project)/volumes/\(volumeID)/metadata",
                method: .get,
                headers: APIHarness.token
            )
            #expect(metadata.json?["metadata"] == .object(JSONObject()), "\(metadata.text)")
            #expect(!metadata.text.contains("root:"))
        }
    }

    /// The root element each target reads (the hostile bodies are written for volumes).
    static func root(_ uri: String) -> String {
        uri.hasSuffix("/metadata") ? "metadata" : uri.hasSuffix("/snapshots") ? "snapshot" : "volume"
    }

    /// An XML body on v3 is refused as cinder 29 refuses it: 415, whatever it holds.
    @Test func xmlBodiesOnV3AreUnsupported() async throws {
        try await APIHarness.run { client, casts, api in
            let response = try await client.execute(
                uri: "/v3/\(APIHarness.project)/volumes",
                method: .post,
                headers: [.authToken: "admin:\(APIHarness.project)", .contentType: "application/xml"],
                body: ByteBuffer(string: #"<volume size="1"/>"#)
            )
            #expect(response.status == .unsupportedMediaType)
            #expect(response.json?["badMediaType"]?["message"] == "Unsupported Content-Type")
            #expect(try await api.listVolumes(.init(scope: .allProjects)).items.isEmpty)
            #expect(casts.casts.isEmpty)
        }
    }
}

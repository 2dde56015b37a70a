import EmberAPI
import EmberCore
import EmberWSGI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// The seed's XML on `/v1` and `/v2`: every XML view parsed back and compared with the JSON
/// view of the same resource, XML create bodies, negotiation, XML faults.
@Suite struct LegacyXMLTests {
    static let project = APIHarness.project
    static let xml: HTTPFields = [.authToken: "admin:\(project)", .accept: "application/xml"]
    static let xmlBody: HTTPFields = [
        .authToken: "admin:\(project)", .accept: "application/xml", .contentType: "application/xml",
    ]

    @Test(arguments: [APIFlavorCase.v1, .v2])
    func volumeViewsRoundTrip(flavor: APIFlavorCase) async throws {
        try await APIHarness.run { client, _, api in
            let id = try await client.placedVolume(api)
            _ = try await client.execute(
                uri: "\(flavor.prefix)/volumes/\(id)/metadata",
                method: .post,
                headers: APIHarness.token,
                body: ByteBuffer(string: #"{"metadata": {"color": "<red & \"blue\">", "tier": "gold"}}"#)
            )
            _ = try await api.store.createAttachment(
                VolumeAttachment(
                    volumeID: id,
                    instanceUUID: "8a1c2f44-6a39-4e8e-9b6c-2a8a6b1f0c11",
                    mountpoint: "/dev/vdb",
                    attachStatus: .attached
                )
            )
            let json = try await client.execute(
                uri: "\(flavor.prefix)/volumes/\(id)",
                method: .get,
                headers: APIHarness.token
            )
            let response = try await client.execute(
                uri: "\(flavor.prefix)/volumes/\(id)",
                method: .get,
                headers: Self.xml
            )
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/xml")
            #expect(response.text.hasPrefix("<?xml version='1.0' encoding='UTF-8'?>\n<volume "))
            let root = try #require(response.xml, "\(response.text)")
            #expect(root.name == "volume")
            #expect(root.namespaceURI == flavor.namespace)
            let view = try #require(json.json?["volume"])
            expectSameVolume(root, view, flavor: flavor)
            // The admin sees the attribute extensions' fields, in their namespaces.
            #expect(root.attribute("os-vol-tenant-attr:tenant_id") == Self.project)
            #expect(
                response.text.contains(
                    #"xmlns:os-vol-tenant-attr="http://docs.openstack.org/volume/ext/volume_tenant_attribute/api/v1""#
                )
            )
            let attachment = try #require(root.firstChild(named: "attachments")?.elements.first)
            #expect(attachment.attribute("server_id") == "8a1c2f44-6a39-4e8e-9b6c-2a8a6b1f0c11")
            #expect(attachment.attribute("device") == "/dev/vdb")
            #expect(attachment.attribute("volume_id") == id)

            for (path, key) in [("/volumes", "volumes"), ("/volumes/detail", "volumes")] {
                let jsonList = try await client.execute(
                    uri: flavor.prefix + path,
                    method: .get,
                    headers: APIHarness.token
                )
                let xmlList = try await client.execute(
                    uri: flavor.prefix + path + ".xml",
                    method: .get,
                    headers: [.authToken: "admin:\(Self.project)"]
                )
                #expect(xmlList.headers[.contentType] == "application/xml")
                let list = try #require(xmlList.xml, "\(xmlList.text)")
                #expect(list.name == "volumes")
                let items = try #require(jsonList.json?[key]).arrayValue
                #expect(list.elements.count == items.count)
                for (element, item) in zip(list.elements, items) { expectSameVolume(element, item, flavor: flavor) }
            }
        }
    }

    @Test(arguments: [APIFlavorCase.v1, .v2])
    func snapshotViewsRoundTrip(flavor: APIFlavorCase) async throws {
        try await APIHarness.run { client, _, api in
            let volumeID = try await client.placedVolume(api)
            let created = try await client.execute(
                uri: "\(flavor.prefix)/snapshots",
                method: .post,
                headers: APIHarness.token,
                body: ByteBuffer(
                    string:
                        #"{"snapshot": {"volume_id": "\#(volumeID)", "\#(flavor.nameKey)": "snap", "metadata": {"k": "v"}}}"#
                )
            )
            let id = try #require(created.json?["snapshot"]?["id"]?.stringValue, "\(created.text)")
            for (path, key, listed) in [
                ("/snapshots/\(id)", "snapshot", false), ("/snapshots", "snapshots", true),
                ("/snapshots/detail", "snapshots", true),
            ] {
                let json = try await client.execute(uri: flavor.prefix + path, method: .get, headers: APIHarness.token)
                let xml = try await client.execute(uri: flavor.prefix + path, method: .get, headers: Self.xml)
                let root = try #require(xml.xml, "\(xml.text)")
                #expect(root.name == key)
                #expect(root.namespaceURI == nil, "the seed's snapshot templates have no namespace")
                let pairs: [(XMLBodyElement, JSONValue)] =
                    listed
                    ? Array(zip(root.elements, try #require(json.json?[key]).arrayValue))
                    : [(root, try #require(json.json?[key]))]
                #expect(!pairs.isEmpty)
                if listed { #expect(root.elements.count == json.json?[key]?.arrayValue.count) }
                for (element, view) in pairs {
                    expectAttributes(element, view, flavor.snapshotAttributes)
                    #expect(metadata(of: element) == view["metadata"])
                    #expect(element.attribute(flavor.nameKey) == "snap")
                }
            }
        }
    }

    @Test(arguments: [APIFlavorCase.v1, .v2])
    func typesLimitsAndMetadataRoundTrip(flavor: APIFlavorCase) async throws {
        try await APIHarness.run { client, _, api in
            let created = try await client.execute(
                uri: "\(flavor.prefix)/types",
                method: .post,
                headers: APIHarness.token,
                body: ByteBuffer(
                    string:
                        #"{"volume_type": {"name": "gold", "extra_specs": {"volume_backend_name": "alpha", "capabilities:x": "1"}}}"#
                )
            )
            let typeID = try #require(created.json?["volume_type"]?["id"]?.stringValue, "\(created.text)")
            let show = try await client.execute(
                uri: "\(flavor.prefix)/types/\(typeID)",
                method: .get,
                headers: Self.xml
            )
            let type = try #require(show.xml, "\(show.text)")
            #expect(type.name == "volume_type")
            #expect(type.attribute("id") == typeID)
            #expect(type.attribute("name") == "gold")
            let specs = try #require(type.firstChild(named: "extra_specs"))
            #expect(specs.firstChild(named: "volume_backend_name")?.text == "alpha")
            // A key that is no XML name still comes back, by name, instead of a 500.
            #expect(
                specs.elements.contains {
                    $0.name == "item" && $0.attribute("key") == "capabilities:x" && $0.text == "1"
                }
            )

            let jsonTypes = try await client.execute(
                uri: "\(flavor.prefix)/types",
                method: .get,
                headers: APIHarness.token
            )
            let types = try await client.execute(uri: "\(flavor.prefix)/types", method: .get, headers: Self.xml)
            let typeList = try #require(types.xml)
            #expect(typeList.name == "volume_types")
            #expect(
                typeList.elements.map { $0.attribute("id") }
                    == jsonTypes.json?["volume_types"]?.arrayValue.map { $0["id"]?.stringValue }
            )

            let jsonLimits = try await client.execute(
                uri: "\(flavor.prefix)/limits",
                method: .get,
                headers: APIHarness.token
            )
            let limits = try await client.execute(uri: "\(flavor.prefix)/limits", method: .get, headers: Self.xml)
            let root = try #require(limits.xml, "\(limits.text)")
            #expect(root.name == "limits")
            #expect(root.namespaceURI == "http://docs.openstack.org/common/api/v1.0")
            #expect(root.firstChild(named: "rates")?.elements.isEmpty == true)
            let absolute = try #require(jsonLimits.json?["limits"]?["absolute"]?.objectValue)
            let rendered = try #require(root.firstChild(named: "absolute")).elements
            #expect(rendered.map { $0.attribute("name") ?? "" } == absolute.keys)
            #expect(rendered.map { $0.attribute("value") ?? "" } == absolute.entries.map { pythonText($0.value) })

            // Metadata: XML bodies in, `<metadata>`/`<meta>` out, in the compute v1.1 namespace.
            let volumeID = try await client.placedVolume(api)
            let base = "\(flavor.prefix)/volumes/\(volumeID)/metadata"
            let posted = try await client.execute(
                uri: base,
                method: .post,
                headers: Self.xmlBody,
                body: ByteBuffer(
                    string: #"<metadata><meta key="a">1</meta><meta key="b">two &amp; three</meta></metadata>"#
                )
            )
            #expect(posted.status == .ok, "\(posted.text)")
            let postedXML = try #require(posted.xml, "\(posted.text)")
            #expect(postedXML.namespaceURI == "http://docs.openstack.org/compute/api/v1.1")
            #expect(metadata(of: postedXML, container: true) == ["a": "1", "b": "two & three"])
            let item = try await client.execute(
                uri: "\(base)/a",
                method: .put,
                headers: Self.xmlBody,
                body: ByteBuffer(string: #"<meta key="a">uno</meta>"#)
            )
            #expect(item.status == .ok, "\(item.text)")
            #expect(item.xml?.name == "meta")
            #expect(item.xml?.attribute("key") == "a")
            #expect(item.xml?.text == "uno")
            let replaced = try await client.execute(
                uri: base,
                method: .put,
                headers: Self.xmlBody,
                body: ByteBuffer(string: #"<metadata><meta key="z">last</meta></metadata>"#)
            )
            #expect(replaced.status == .ok, "\(replaced.text)")
            let stored = try await client.execute(uri: base, method: .get, headers: APIHarness.token)
            #expect(stored.json?["metadata"] == ["z": "last"])
        }
    }

    @Test(arguments: [APIFlavorCase.v1, .v2])
    func xmlCreateBodiesCreateTheRightVolumeAndSnapshot(flavor: APIFlavorCase) async throws {
        try await APIHarness.run { client, casts, api in
            let created = try await client.execute(
                uri: "\(flavor.prefix)/volumes",
                method: .post,
                headers: Self.xmlBody,
                body: ByteBuffer(
                    string: """
                        <?xml version="1.0" encoding="UTF-8"?>
                        <volume xmlns="\(flavor.namespace)" size="2" \(flavor.nameKey)="from-xml" \(flavor.descriptionKey)="made &lt;here&gt;" availability_zone="nova">
                          <metadata><meta key="purpose">xml</meta></metadata>
                        </volume>
                        """
                )
            )
            #expect(created.status == flavor.createStatus, "\(created.text)")
            let root = try #require(created.xml, "\(created.text)")
            #expect(root.name == "volume")
            let id = try #require(root.attribute("id"))
            let shown = try await client.execute(
                uri: "/v3/\(Self.project)/volumes/\(id)",
                method: .get,
                headers: APIHarness.token
            )
            let volume = try #require(shown.json?["volume"])
            #expect(volume["size"] == 2)
            #expect(volume["name"] == "from-xml")
            #expect(volume["description"] == "made <here>")
            #expect(volume["availability_zone"] == "nova")
            #expect(volume["metadata"] == ["purpose": "xml"])
            #expect(casts.casts.contains { $0.hasPrefix("create_volume") })

            _ = try await api.store.updateVolume(id: id, [.host("node@alpha#alpha"), .status(.available)])
            let snapshot = try await client.execute(
                uri: "\(flavor.prefix)/snapshots",
                method: .post,
                headers: Self.xmlBody,
                body: ByteBuffer(string: #"<snapshot volume_id="\#(id)" \#(flavor.nameKey)="snap-xml" force="True"/>"#)
            )
            #expect(snapshot.status == flavor.createStatus, "\(snapshot.text)")
            let snapshotID = try #require(snapshot.xml?.attribute("id"), "\(snapshot.text)")
            let stored = try await client.execute(
                uri: "/v3/\(Self.project)/snapshots/\(snapshotID)",
                method: .get,
                headers: APIHarness.token
            )
            #expect(stored.json?["snapshot"]?["name"] == "snap-xml")
            #expect(stored.json?["snapshot"]?["volume_id"] == .string(id))
        }
    }

    @Test func negotiationPicksXMLOnlyWhenAsked() async throws {
        try await APIHarness.run { client, _, _ in
            let path = "/v2/\(Self.project)/volumes"
            let token = "admin:\(Self.project)"
            let cases: [(String, HTTPFields, String)] = [
                (path, [.authToken: token], "application/json"),
                (path, [.authToken: token, .accept: "application/json"], "application/json"),
                (path, [.authToken: token, .accept: "*/*"], "application/json"),
                (path, [.authToken: token, .accept: "text/html"], "application/json"),
                (path, [.authToken: token, .accept: "application/xml"], "application/xml"),
                (
                    path, [.authToken: token, .accept: "application/vnd.openstack.volume+xml"],
                    "application/vnd.openstack.volume+xml"
                ),
                (path, [.authToken: token, .accept: "application/json;q=0.5, application/xml"], "application/xml"),
                (path, [.authToken: token, .accept: "application/xml;q=0.2, application/json"], "application/json"),
                (path + ".xml", [.authToken: token], "application/xml"),
                (path + ".xml", [.authToken: token, .accept: "application/json"], "application/xml"),
                (path + ".json", [.authToken: token, .accept: "application/xml"], "application/json"),
                // v3 is JSON only, as cinder 29: an XML Accept still answers JSON.
                ("/v3/\(Self.project)/volumes", [.authToken: token, .accept: "application/xml"], "application/json"),
            ]
            // cinder 29's routes take no `.xml` suffix: on v3 it stays part of the id.
            let v3Suffix = try await client.execute(
                uri: "/v3/\(Self.project)/volumes/00000000-0000-0000-0000-000000000000.xml",
                method: .get,
                headers: [.authToken: token]
            )
            #expect(v3Suffix.status == .notFound)
            #expect(
                v3Suffix.json?["itemNotFound"]?["message"]
                    == "Volume 00000000-0000-0000-0000-000000000000.xml could not be found."
            )
            for (uri, headers, expected) in cases {
                let response = try await client.execute(uri: uri, method: .get, headers: headers)
                #expect(response.status == .ok, "\(uri) \(headers)")
                #expect(response.headers[.contentType] == expected, "\(uri) \(headers)")
                if expected.hasSuffix("json") {
                    #expect(response.json?["volumes"] != nil, "\(uri): \(response.text)")
                } else {
                    #expect(response.xml?.name == "volumes", "\(uri): \(response.text)")
                }
            }
        }
    }

    @Test(arguments: [APIFlavorCase.v1, .v2])
    func faultsAnswerInXML(flavor: APIFlavorCase) async throws {
        try await APIHarness.run { client, _, _ in
            let missing = "00000000-0000-0000-0000-000000000000"
            let notFound = try await client.execute(
                uri: "\(flavor.prefix)/volumes/\(missing)",
                method: .get,
                headers: Self.xml
            )
            #expect(notFound.status == .notFound)
            #expect(notFound.headers[.contentType] == "application/xml")
            #expect(
                notFound.text
                    == #"<itemNotFound code="404" xmlns="http://docs.openstack.org/volume/api/v1"><message>Volume \#(missing) could not be found.</message></itemNotFound>"#
            )
            let badSize = try await client.execute(
                uri: "\(flavor.prefix)/volumes.xml",
                method: .post,
                headers: [.authToken: "admin:\(Self.project)", .contentType: "application/xml"],
                body: ByteBuffer(string: #"<volume size="0"/>"#)
            )
            #expect(badSize.status == .badRequest)
            let fault = try #require(badSize.xml, "\(badSize.text)")
            #expect(fault.name == "badRequest")
            #expect(fault.attribute("code") == "400")
            #expect(fault.firstChild(named: "message")?.text.isEmpty == false)
            // JSON callers still get JSON faults.
            let json = try await client.execute(
                uri: "\(flavor.prefix)/volumes/\(missing)",
                method: .get,
                headers: APIHarness.token
            )
            #expect(json.json?["itemNotFound"]?["code"] == 404)
        }
    }

    /// The status × call × role table in XML on /v2: the policies and project scoping are the
    /// JSON routes' own, and every answer, fault or not, is XML.
    @Test func rolesGetTheJSONRoutesAnswersInXML() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, _ in
            let projectA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            let projectB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
            func caller(_ project: String, _ roles: String) -> HTTPFields {
                [
                    .named("X-User-Id"): "u-\(roles)", .named("X-Project-Id"): project, .named("X-Roles"): roles,
                    .contentType: "application/xml", .accept: "application/xml",
                ]
            }
            let callers: [(String, HTTPFields)] = [
                ("admin", caller(projectA, "admin,member,reader")), ("member", caller(projectA, "member,reader")),
                ("reader", caller(projectA, "reader")), ("other project", caller(projectB, "member,reader")),
            ]
            let created = try await client.execute(
                uri: "/v2/\(projectA)/volumes",
                method: .post,
                headers: caller(projectA, "member,reader"),
                body: ByteBuffer(string: #"<volume size="1" name="owned"/>"#)
            )
            let id = try #require(created.xml?.attribute("id"), "\(created.text)")
            // (call, path in the caller's project, body, expected status by caller, root by caller)
            let table: [(String, HTTPRequest.Method, String, String?, [Int], [String])] = [
                (
                    "create", .post, "/volumes", #"<volume size="1"/>"#, [202, 202, 403, 202],
                    ["volume", "volume", "forbidden", "volume"]
                ),
                (
                    "show", .get, "/volumes/\(id)", nil, [200, 200, 200, 404],
                    ["volume", "volume", "volume", "itemNotFound"]
                ),
                (
                    "metadata", .post, "/volumes/\(id)/metadata", #"<metadata><meta key="k">v</meta></metadata>"#,
                    [200, 200, 403, 404], ["metadata", "metadata", "forbidden", "itemNotFound"]
                ),
            ]
            for (call, method, path, body, statuses, roots) in table {
                for (index, (name, headers)) in callers.enumerated() {
                    let project = headers[.named("X-Project-Id")] ?? ""
                    let response = try await client.execute(
                        uri: "/v2/\(project)\(path)",
                        method: method,
                        headers: headers,
                        body: body.map { ByteBuffer(string: $0) }
                    )
                    #expect(response.status.code == statuses[index], "\(call) as \(name): \(response.text)")
                    #expect(response.headers[.contentType] == "application/xml", "\(call) as \(name)")
                    #expect(response.xml?.localName == roots[index], "\(call) as \(name): \(response.text)")
                }
            }
        }
    }

    // MARK: Helpers

    /// The attributes of the flavor's volume template match the JSON view; the metadata, the
    /// attachments' ids and devices too.
    func expectSameVolume(_ element: XMLBodyElement, _ view: JSONValue, flavor: APIFlavorCase) {
        #expect(element.name == "volume")
        expectAttributes(element, view, flavor.volumeAttributes)
        if view["metadata"] != nil {
            #expect(metadata(of: element) == view["metadata"])
        } else {
            #expect(element.firstChild(named: "metadata") == nil)
        }
        let attachments = element.firstChild(named: "attachments")?.elements ?? []
        let jsonAttachments = view["attachments"]?.arrayValue ?? []
        #expect(attachments.count == jsonAttachments.count)
        for (xml, json) in zip(attachments, jsonAttachments) {
            #expect(xml.attribute("server_id") == json["server_id"].map(pythonText))
            #expect(xml.attribute("device") == json["device"].map(pythonText))
        }
    }

    /// Each named attribute is in the XML exactly when the JSON has the key, with the text
    /// Python's `unicode()` gave the value.
    func expectAttributes(_ element: XMLBodyElement, _ view: JSONValue, _ names: [String]) {
        for name in names {
            #expect(element.attribute(name) == view[name].map(pythonText), "\(name)")
        }
    }

    func metadata(of element: XMLBodyElement, container: Bool = false) -> JSONValue? {
        guard let node = container ? element : element.firstChild(named: "metadata") else { return nil }
        var object = JSONObject()
        for meta in node.elements { object[meta.attribute("key") ?? ""] = .string(meta.text) }
        return .object(object)
    }

    func pythonText(_ value: JSONValue) -> String {
        switch value {
        case .null: "None"
        case .bool(let flag): flag ? "True" : "False"
        case .int(let number): String(number)
        case .string(let text): text
        default: "\(value)"
        }
    }
}

/// The two seed routers the XML tests run against.
struct APIFlavorCase: Sendable, CustomStringConvertible {
    let version: String
    var prefix: String { "/\(version)/\(APIHarness.project)" }
    var description: String { version }
    var isV1: Bool { version == "v1" }
    var namespace: String {
        isV1 ? "http://docs.openstack.org/volume/api/v1" : "http://docs.openstack.org/api/openstack-volume/2.0/content"
    }
    var nameKey: String { isV1 ? "display_name" : "name" }
    var descriptionKey: String { isV1 ? "display_description" : "description" }
    var createStatus: HTTPResponse.Status { isV1 ? .ok : .accepted }
    var volumeAttributes: [String] {
        [
            "id", "status", "size", "availability_zone", "created_at", nameKey, descriptionKey, "volume_type",
            "snapshot_id", "source_volid",
        ]
            + (isV1 ? ["bootable"] : [])
            + ["os-vol-host-attr:host", "os-vol-tenant-attr:tenant_id"]
    }
    var snapshotAttributes: [String] {
        [
            "id", "status", "size", "created_at", nameKey, descriptionKey, "volume_id",
            "os-extended-snapshot-attributes:project_id", "os-extended-snapshot-attributes:progress",
        ]
    }

    static let v1 = APIFlavorCase(version: "v1")
    static let v2 = APIFlavorCase(version: "v2")
}

extension TestResponse {
    /// The body parsed as XML (nil when it is not).
    var xml: XMLBodyElement? { try? XMLBodyParser.parse(Array(body.readableBytesView)) }
}

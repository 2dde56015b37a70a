import EmberCore
import Testing

@testable import EmberWSGI

/// The XML pieces of the seed's routers, without a request: templates, the writer, the
/// generic serializer and deserializer, negotiation, and the parser's refusals.
@Suite struct XMLTests {
    static let volume = XMLTemplate(
        root: XMLTemplateElement(
            "volume",
            selector: [.key("volume")],
            attributes: ["id", "size", "bootable", "snapshot_id", "missing", "ext:attr"],
            children: [
                XMLTemplateElement(
                    "attachments",
                    children: [XMLTemplateElement("attachment", selector: [.key("attachments")], attributes: ["id"])]
                ),
                .metadata(),
            ]
        ),
        namespaces: [(nil, "urn:volume"), ("atom", "urn:atom")],
        extensionNamespaces: [("ext", "urn:ext"), ("unused", "urn:unused")]
    )

    @Test func templatesRenderAsTheSeedsXmlutil() {
        let body: JSONValue = [
            "volume": [
                "id": "v1", "size": 1, "bootable": false, "snapshot_id": nil, "ext:attr": "x",
                "attachments": [["id": "a1"], ["id": "a2"]], "metadata": [:],
            ]
        ]
        let text = String(decoding: Self.volume.serialize(body), as: UTF8.self)
        #expect(
            text == "<?xml version='1.0' encoding='UTF-8'?>\n"
                + #"<volume xmlns="urn:volume" xmlns:atom="urn:atom" xmlns:ext="urn:ext" id="v1" size="1" bootable="False" snapshot_id="None" ext:attr="x">"#
                + #"<attachments><attachment id="a1"/><attachment id="a2"/></attachments><metadata/></volume>"#
        )
        // No metadata key: no element; no extension field: no declaration.
        let bare = String(decoding: Self.volume.serialize(["volume": ["id": "v2"]]), as: UTF8.self)
        #expect(bare.hasSuffix(#"<volume xmlns="urn:volume" xmlns:atom="urn:atom" id="v2"><attachments/></volume>"#))
        #expect(Self.volume.serialize(["other": [:]]).isEmpty)
    }

    @Test(arguments: [
        "plain", "<tag> & \"quotes\" 'single'", "line\nbreak\ttab\rreturn", "ünïcødé ✓ 𝄞", "]]>", "  padded  ",
    ])
    func writtenTextAndAttributesParseBackUnchanged(_ value: String) throws {
        var node = XMLOutputNode(name: "meta")
        node.attributes = [("key", value)]
        node.text = value
        var writer = XMLWriter()
        writer.write(node)
        let parsed = try XMLBodyParser.parse(writer.bytes)
        #expect(parsed.attribute("key") == value)
        #expect(parsed.text == value)
    }

    @Test func invalidCharactersAndNamesStayWellFormed() throws {
        var node = XMLOutputNode(name: "extra_specs")
        var child = XMLOutputNode(name: "capabilities:x y")
        child.text = "bell\u{07}"
        node.children = [child]
        var writer = XMLWriter()
        writer.write(node)
        let parsed = try XMLBodyParser.parse(writer.bytes)
        let item = try #require(parsed.elements.first)
        #expect(item.name == "item")
        #expect(item.attribute("key") == "capabilities:x y")
        #expect(item.text == "bell\u{FFFD}")
    }

    @Test func faultsAndGenericBodiesUseXMLDictSerializer() {
        let fault = XMLDictSerializer.serialize(
            ["itemNotFound": ["code": 404, "message": "Volume x could not be found."]],
            namespace: LegacyNamespaces.volumeV1,
            attributes: ["itemNotFound": ["code"]]
        )
        #expect(
            fault.map { String(decoding: $0, as: UTF8.self) }
                == #"<itemNotFound code="404" xmlns="http://docs.openstack.org/volume/api/v1"><message>Volume x could not be found.</message></itemNotFound>"#
        )
        let generic = XMLDictSerializer.serialize(["backups": [["id": "b", "deleted": false]]])
        #expect(
            generic.map { String(decoding: $0, as: UTF8.self) }
                == "<backups><backup><id>b</id><deleted>False</deleted></backup></backups>"
        )
    }

    @Test func genericDeserializerReadsAsTheSeedsXMLDeserializer() throws {
        let root = try XMLBodyParser.parse(
            Array(
                #"<snapshot xmlns="urn:x" volume_id="v" force="True">  <name>n</name><meta><k>1</k></meta></snapshot>"#
                    .utf8
            )
        )
        #expect(
            XMLDictDeserializer.deserialize(root)
                == ["snapshot": ["volume_id": "v", "force": "True", "name": "n", "meta": ["k": "1"]]]
        )
    }

    @Test(
        arguments: [
            ("application/xml", "application/xml"),
            ("application/vnd.openstack.volume+xml", "application/vnd.openstack.volume+xml"),
            ("application/json", nil),
            ("*/*", nil),
            ("application/*", nil),
            ("text/html", nil),
            ("application/xml;q=0", nil),
            ("application/json;q=0.4, application/xml;q=0.6", "application/xml"),
            ("application/xml;q=0.5, */*;q=0.5", nil),
            ("text/html, application/xml;q=0.9, */*;q=0.8", "application/xml"),
        ] as [(String, String?)]
    )
    func acceptNegotiation(accept: String, expected: String?) {
        #expect(XMLNegotiation.xmlContentType(path: "/p/volumes", accept: accept) == expected)
    }

    @Test func pathSuffixWinsOverAccept() {
        #expect(XMLNegotiation.xmlContentType(path: "/p/volumes.xml", accept: "application/json") == "application/xml")
        #expect(XMLNegotiation.xmlContentType(path: "/p/volumes.json", accept: "application/xml") == nil)
        #expect(XMLNegotiation.xmlContentType(path: "/p/volumes.yaml", accept: "application/xml") == "application/xml")
        #expect(XMLNegotiation.xmlContentType(path: "/p.xml/volumes", accept: nil) == nil)
    }

    @Test(arguments: [
        (#"<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>"#, XMLBodyRefusal.documentType),
        (#"<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>"#, .documentType),
        (String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40), .tooDeep),
    ])
    func parserRefusals(body: String, refusal: XMLBodyRefusal) {
        #expect(throws: refusal) { try XMLBodyParser.parse(Array(body.utf8)) }
    }

    @Test(arguments: ["", "<a>", "<a></b>", "<a/><b/>", "text", "<a>&undefined;</a>", "<a b='1' b='2'/>"])
    func malformedDocumentsAreRefused(body: String) {
        #expect(throws: XMLBodyRefusal.self) { try XMLBodyParser.parse(Array(body.utf8)) }
    }

    @Test func parserKeepsMinidomsView() throws {
        let root = try XMLBodyParser.parse(
            Array(
                "<?xml version='1.0' encoding='UTF-8'?>\n<v:volume xmlns:v=\"urn:v\" a=\"1\">x<![CDATA[<y>]]>z<meta key=\"k\">&amp;</meta></v:volume>"
                    .utf8
            )
        )
        #expect(root.name == "v:volume")
        #expect(root.localName == "volume")
        #expect(root.namespaceURI == "urn:v")
        #expect(root.attribute("a") == "1")
        #expect(root.nodes.first == .text("x<y>z"))
        #expect(root.firstChild(named: "meta")?.text == "&")
        #expect(root.text == "", "mixed content has no single text node")
    }
}

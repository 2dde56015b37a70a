import EmberCore
import EmberWSGI

/// The seed's XML for `/v1` and `/v2` (the 2013 cinder-api's `@wsgi.serializers(xml=…)` and
/// `@wsgi.deserializers(xml=…)`): the templates of `cinder/api/v1/volumes.py`,
/// `v2/volumes.py`, `v1/snapshots.py`, `v2/snapshots.py`, `v1/types.py`/`v2/types.py`
/// (and `contrib/types_manage.py`, which reuses them), `v1/limits.py`, `common.py`'s metadata
/// templates and the attribute extensions' slave templates, and the readers of volume
/// create, snapshot create and metadata bodies. v3 has none: cinder 29 serves JSON only.
enum LegacyXML {
    /// The extensions' namespaces, by alias (the seed's `/extensions` listed them).
    static let hostAttribute = ("os-vol-host-attr", "http://docs.openstack.org/volume/ext/volume_host_attribute/api/v1")
    static let tenantAttribute = (
        "os-vol-tenant-attr", "http://docs.openstack.org/volume/ext/volume_tenant_attribute/api/v1"
    )
    static let migrationStatusAttribute = (
        "os-vol-mig-status-attr", "http://docs.openstack.org/volume/ext/volume_mig_status_attribute/api/v1"
    )
    static let imageMetadata = (
        "os-vol-image-meta", "http://docs.openstack.org/volume/ext/volume_image_metadata/api/v1"
    )
    static let snapshotAttributes = (
        "os-extended-snapshot-attributes",
        "http://docs.openstack.org/volume/ext/extended_snapshot_attributes/api/v1"
    )
    /// `SCHEDULER_HINTS_NAMESPACE` of the seed's `v2/volumes.py`.
    static let schedulerHintsNamespace = "http://docs.openstack.org/block-service/ext/scheduler-hints/api/v2"

    /// Adds the templates and readers to the seed routers' controllers; v3 is left alone.
    static func install(into controllers: inout [String: APIController], flavor: APIFlavor) {
        guard flavor != .v3 else { return }
        let volume = volumeTemplate(flavor: flavor, list: false)
        let volumes = volumeTemplate(flavor: flavor, list: true)
        controllers["volumes"]?.xmlTemplates = [
            "show": volume, "create": volume, "update": volume, "index": volumes, "detail": volumes,
        ]
        controllers["volumes"]?.xmlDeserializers["create"] = { volumeCreate($0, flavor: flavor) }

        let snapshot = snapshotTemplate(flavor: flavor, list: false)
        let snapshots = snapshotTemplate(flavor: flavor, list: true)
        controllers["snapshots"]?.xmlTemplates = [
            "show": snapshot, "create": snapshot, "update": snapshot, "index": snapshots, "detail": snapshots,
        ]
        controllers["snapshots"]?.xmlDeserializers["create"] = { root in
            root.name == "snapshot" ? XMLDictDeserializer.deserialize(root) : nil
        }

        let type = typeTemplate(list: false)
        controllers["types"]?.xmlTemplates = ["show": type, "create": type, "index": typeTemplate(list: true)]
        controllers["limits"]?.xmlTemplates["index"] = limitsTemplate

        for name in ["volume_metadata", "snapshot_metadata"] {
            controllers[name]?.xmlTemplates = [
                "index": metadataTemplate, "create": metadataTemplate, "update_all": metadataTemplate,
                "show": metaItemTemplate, "update": metaItemTemplate,
            ]
            controllers[name]?.xmlDeserializers = [
                "create": metadataContainer, "update_all": metadataContainer, "update": metaItem,
            ]
        }
    }

    // MARK: Templates

    /// `make_volume` with the attribute extensions' slave templates folded in.
    static func volumeTemplate(flavor: APIFlavor, list: Bool) -> XMLTemplate {
        let attributes =
            flavor == .v1
            ? [
                "id", "status", "size", "availability_zone", "created_at", "display_name", "bootable",
                "display_description", "volume_type", "snapshot_id", "source_volid",
            ]
            : [
                "id", "status", "size", "availability_zone", "created_at", "name", "description", "volume_type",
                "snapshot_id", "source_volid",
            ]
        let extensionAttributes = [
            "os-vol-host-attr:host", "os-vol-tenant-attr:tenant_id", "os-vol-mig-status-attr:migstat",
            "os-vol-mig-status-attr:name_id",
        ]
        let attachment = XMLTemplateElement(
            "attachment",
            selector: [.key("attachments")],
            attributes: ["id", "server_id", "host_name", "volume_id", "device"]
        )
        let element = XMLTemplateElement(
            "volume",
            selector: [.key(list ? "volumes" : "volume")],
            attributes: attributes + extensionAttributes,
            children: [
                XMLTemplateElement("attachments", children: [attachment]),
                .metadata(),
                .metadata("volume_image_metadata", extensionPrefix: imageMetadata.0),
            ]
        )
        return XMLTemplate(
            root: list ? XMLTemplateElement("volumes", children: [element]) : element,
            namespaces: [
                (nil, flavor == .v1 ? LegacyNamespaces.volumeV1 : LegacyNamespaces.volumeV2),
                ("atom", LegacyNamespaces.atom),
            ],
            extensionNamespaces: [hostAttribute, tenantAttribute, migrationStatusAttribute, imageMetadata]
        )
    }

    /// `make_snapshot` (no namespace in the seed) with `os-extended-snapshot-attributes`.
    static func snapshotTemplate(flavor: APIFlavor, list: Bool) -> XMLTemplate {
        let names = flavor == .v1 ? ["display_name", "display_description"] : ["name", "description"]
        let element = XMLTemplateElement(
            "snapshot",
            selector: [.key(list ? "snapshots" : "snapshot")],
            attributes: ["id", "status", "size", "created_at"] + names + [
                "volume_id", "os-extended-snapshot-attributes:project_id",
                "os-extended-snapshot-attributes:progress",
            ],
            children: [.metadata()]
        )
        return XMLTemplate(
            root: list ? XMLTemplateElement("snapshots", children: [element]) : element,
            extensionNamespaces: [snapshotAttributes]
        )
    }

    /// `make_voltype`: `id` and `name` attributes, `extra_specs` as a flat dictionary.
    static func typeTemplate(list: Bool) -> XMLTemplate {
        let element = XMLTemplateElement(
            "volume_type",
            selector: [.key(list ? "volume_types" : "volume_type")],
            attributes: ["id", "name"],
            children: [.flatDictionary("extra_specs")]
        )
        return XMLTemplate(root: list ? XMLTemplateElement("volume_types", children: [element]) : element)
    }

    /// `LimitsTemplate`: `<rates>` of `<rate>`/`<limit>`, `<absolute>` of `<limit name value>`.
    static let limitsTemplate = XMLTemplate(
        root: XMLTemplateElement(
            "limits",
            selector: [.key("limits")],
            children: [
                XMLTemplateElement(
                    "rates",
                    children: [
                        XMLTemplateElement(
                            "rate",
                            selector: [.key("rate")],
                            attributes: ["uri", "regex"],
                            children: [
                                XMLTemplateElement(
                                    "limit",
                                    selector: [.key("limit")],
                                    attributes: ["value", "verb", "remaining", "unit", "next-available"]
                                )
                            ]
                        )
                    ]
                ),
                XMLTemplateElement(
                    "absolute",
                    selector: [.key("absolute")],
                    children: [
                        XMLTemplateElement(
                            tag: .name("limit"),
                            selector: [.items],
                            attributes: [("name", [.index(0)]), ("value", [.index(1)])],
                            text: nil,
                            children: []
                        )
                    ]
                ),
            ]
        ),
        namespaces: [(nil, LegacyNamespaces.commonV10), ("atom", LegacyNamespaces.atom)]
    )

    /// `common.MetadataTemplate`.
    static let metadataTemplate = XMLTemplate(
        root: .metadata(),
        namespaces: [(nil, LegacyNamespaces.computeV11)]
    )

    /// `common.MetaItemTemplate`: the first pair of `meta` as `<meta key="k">v</meta>`.
    static let metaItemTemplate = XMLTemplate(
        root: XMLTemplateElement(
            tag: .name("meta"),
            selector: [.key("meta"), .items, .index(0)],
            attributes: [("key", [.index(0)])],
            text: [.index(1)],
            children: []
        ),
        namespaces: [(nil, LegacyNamespaces.computeV11)]
    )

    // MARK: Readers

    /// `CreateDeserializer` of `v1/volumes.py` and `v2/volumes.py`: the non-empty attributes
    /// the seed read, `<metadata>`, and (v2) `<scheduler_hints>` in its namespace.
    static func volumeCreate(_ root: XMLBodyElement, flavor: APIFlavor) -> JSONValue? {
        guard root.name == "volume" else { return nil }
        let names = flavor == .v1 ? ["display_name", "display_description"] : ["name", "description"]
        var volume = JSONObject()
        for name in names + ["size", "volume_type", "availability_zone", "imageRef", "snapshot_id", "source_volid"] {
            if let value = root.attribute(name), !value.isEmpty { volume[name] = .string(value) }
        }
        if let metadata = root.firstChild(named: "metadata") {
            volume["metadata"] = extractMetadata(metadata)
        }
        if flavor == .v2,
            let hints = root.elements.first(where: {
                $0.localName == "scheduler_hints" && $0.namespaceURI == schedulerHintsNamespace
            })
        {
            var values = JSONObject()
            for child in hints.elements {
                var list: [JSONValue] = []
                if case .array(let earlier)? = values[child.name] { list = earlier }
                values[child.name] = .array(list + [.string(child.text.trimmingWhitespace())])
            }
            if !values.isEmpty { volume["scheduler_hints"] = .object(values) }
        }
        return ["volume": .object(volume)]
    }

    /// `MetadataXMLDeserializer.extract_metadata`: each `<meta key="k">` child's text.
    static func extractMetadata(_ element: XMLBodyElement) -> JSONValue {
        var metadata = JSONObject()
        for meta in element.elements where meta.name == "meta" {
            metadata[meta.attribute("key") ?? ""] = .string(meta.text)
        }
        return .object(metadata)
    }

    /// `MetadataXMLDeserializer.create`/`update_all`: `<metadata>` → `{"metadata": {…}}`.
    static let metadataContainer: XMLBodyDeserializer = { root in
        root.name == "metadata" ? ["metadata": extractMetadata(root)] : nil
    }

    /// `MetadataXMLDeserializer.update`: `<meta key="k">v</meta>` → `{"meta": {"k": "v"}}`.
    static let metaItem: XMLBodyDeserializer = { root in
        guard root.name == "meta" else { return nil }
        return ["meta": .object([(root.attribute("key") ?? ""): .string(root.text)])]
    }
}

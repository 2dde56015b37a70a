import EmberCore

/// One step of cinder's `xmlutil.Selector` chain.
public enum XMLSelect: Sendable, Equatable {
    /// `obj[key]`.
    case key(String)
    /// `obj[index]` (the pairs `get_items` makes).
    case index(Int)
    /// `xmlutil.get_items`: an object's `[key, value]` pairs, in order.
    case items
}

/// cinder's `xmlutil.TemplateElement`: an element rendered once for the datum its selector
/// picks (once per item when that is a list, not at all when it is missing or null), with
/// attributes and text selected from that datum, and child elements rendered against it.
public struct XMLTemplateElement: Sendable {
    /// The element's name: fixed, or the first item of a `get_items` pair
    /// (`make_flat_dict`, which names elements after the object's keys).
    public enum Tag: Sendable, Equatable {
        case name(String)
        case itemKey
    }

    public var tag: Tag
    public var selector: [XMLSelect]
    public var attributes: [(name: String, selector: [XMLSelect])]
    public var text: [XMLSelect]?
    public var children: [XMLTemplateElement]
    /// The extension namespace prefix this element belongs to (a slave template's element,
    /// such as `volume_image_metadata`): rendering it declares that namespace on the root.
    public var extensionPrefix: String?

    /// An element whose attributes are selected by their own names (`elem.set('id')`).
    public init(
        _ name: String,
        selector: [XMLSelect] = [],
        attributes: [String] = [],
        text: [XMLSelect]? = nil,
        children: [XMLTemplateElement] = [],
        extensionPrefix: String? = nil
    ) {
        self.extensionPrefix = extensionPrefix
        self.tag = .name(name)
        self.selector = selector
        self.attributes = attributes.map { ($0, [.key($0)]) }
        self.text = text
        self.children = children
    }

    public init(
        tag: Tag,
        selector: [XMLSelect],
        attributes: [(name: String, selector: [XMLSelect])],
        text: [XMLSelect]?,
        children: [XMLTemplateElement]
    ) {
        self.tag = tag
        self.selector = selector
        self.attributes = attributes
        self.text = text
        self.children = children
    }

    /// `common.MetadataTemplate`: `<metadata><meta key="k">v</meta></metadata>` from the
    /// datum's `key` object (`metadata` by default).
    public static func metadata(_ key: String = "metadata", extensionPrefix: String? = nil) -> XMLTemplateElement {
        XMLTemplateElement(
            key,
            selector: [.key(key)],
            children: [
                XMLTemplateElement(
                    tag: .name("meta"),
                    selector: [.items],
                    attributes: [("key", [.index(0)])],
                    text: [.index(1)],
                    children: []
                )
            ],
            extensionPrefix: extensionPrefix
        )
    }

    /// `xmlutil.make_flat_dict(name)`: one child element per key, named after the key,
    /// holding the value as text.
    public static func flatDictionary(_ name: String) -> XMLTemplateElement {
        XMLTemplateElement(
            name,
            selector: [.key(name)],
            children: [
                XMLTemplateElement(tag: .itemKey, selector: [.items], attributes: [], text: [.index(1)], children: [])
            ]
        )
    }
}

/// cinder's `xmlutil.MasterTemplate` with its slave templates folded in: a root element, the
/// namespaces declared on it, and the extension namespaces (`alias` → URI) declared when an
/// attribute with that prefix was written (a slave template is attached only when its
/// extension's policy let the fields into the answer).
public struct XMLTemplate: Sendable {
    public var root: XMLTemplateElement
    /// Declared on the root, the default namespace (nil prefix) first.
    public var namespaces: [(prefix: String?, uri: String)]
    public var extensionNamespaces: [(prefix: String, uri: String)]

    public init(
        root: XMLTemplateElement,
        namespaces: [(prefix: String?, uri: String)] = [],
        extensionNamespaces: [(prefix: String, uri: String)] = []
    ) {
        self.root = root
        self.namespaces = namespaces
        self.extensionNamespaces = extensionNamespaces
    }

    /// `Template.serialize`: lxml's `tostring(encoding='UTF-8', xml_declaration=True)`; an
    /// empty document when the root selects nothing.
    public func serialize(_ value: JSONValue) -> [UInt8] {
        guard var root = Self.render(root, datum: value).first else { return [] }
        var used = Set<String>()
        root.collectPrefixes(into: &used)
        var declarations: [(String, String)] = namespaces.map { ($0.prefix.map { "xmlns:" + $0 } ?? "xmlns", $0.uri) }
        for (prefix, uri) in extensionNamespaces where used.contains(prefix) {
            declarations.append(("xmlns:" + prefix, uri))
        }
        root.attributes.insert(contentsOf: declarations, at: 0)
        var out = XMLWriter()
        out.declaration()
        out.write(root)
        return out.bytes
    }

    static func render(_ element: XMLTemplateElement, datum: JSONValue) -> [XMLOutputNode] {
        guard let selected = select(element.selector, from: datum), selected != .null else { return [] }
        // A list renders one element per item; a `get_items` pair picked by index is one datum
        // (a Python tuple in the seed, not a list).
        var pickedByIndex = false
        if case .index? = element.selector.last { pickedByIndex = true }
        let data: [JSONValue]
        if case .array(let items) = selected, !pickedByIndex { data = items } else { data = [selected] }
        return data.compactMap { item in
            let name: String
            switch element.tag {
            case .name(let fixed): name = fixed
            case .itemKey:
                guard case .string(let key)? = select([.index(0)], from: item) else { return nil }
                name = key
            }
            var node = XMLOutputNode(name: name)
            node.extensionPrefix = element.extensionPrefix
            if let text = element.text, let value = select(text, from: item) {
                node.text = value.pythonText
            }
            for attribute in element.attributes {
                // `elem.set(key, unicode(value))`: a missing key leaves the attribute out, a
                // null one prints as Python's `None`.
                if let value = select(attribute.selector, from: item) {
                    node.attributes.append((attribute.name, value.pythonText))
                }
            }
            for child in element.children {
                node.children += render(child, datum: item)
            }
            return node
        }
    }

    /// Walks a selector chain; nil when a key or index is missing.
    static func select(_ chain: [XMLSelect], from value: JSONValue) -> JSONValue? {
        var current = value
        for step in chain {
            switch (step, current) {
            case (.key(let key), .object(let object)):
                guard let next = object[key] else { return nil }
                current = next
            case (.index(let index), .array(let items)):
                guard items.indices.contains(index) else { return nil }
                current = items[index]
            case (.items, .object(let object)):
                current = .array(object.entries.map { .array([.string($0.key), $0.value]) })
            default:
                return nil
            }
        }
        return current
    }
}

extension JSONValue {
    /// The text Python's `unicode()` gives a decoded JSON value, as the seed's serializers
    /// printed it: `None`, `True`/`False`, numbers as written, strings unchanged.
    public var pythonText: String {
        switch self {
        case .null: "None"
        case .bool(let value): value ? "True" : "False"
        case .int(let value): String(value)
        case .double(let value):
            value.rounded() == value && abs(value) < 1e15 ? "\(Int64(value)).0" : "\(value)"
        case .string(let value): value
        case .array, .object: String(decoding: serializedBytes(), as: UTF8.self)
        }
    }
}

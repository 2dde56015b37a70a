import EmberCore

/// An element about to be written: name, attributes in order, text, children.
public struct XMLOutputNode: Sendable, Equatable {
    public var name: String
    public var attributes: [(String, String)] = []
    public var text: String?
    public var children: [XMLOutputNode] = []
    /// Set when the element comes from an extension's template (see
    /// ``XMLTemplateElement/extensionPrefix``).
    public var extensionPrefix: String?

    public init(name: String) {
        self.name = name
    }

    public static func == (lhs: XMLOutputNode, rhs: XMLOutputNode) -> Bool {
        lhs.name == rhs.name && lhs.text == rhs.text && lhs.children == rhs.children
            && lhs.attributes.elementsEqual(rhs.attributes) { $0 == $1 }
    }

    /// The namespace prefixes of this element's and its descendants' attribute names.
    func collectPrefixes(into prefixes: inout Set<String>) {
        for (name, _) in attributes {
            if let colon = name.firstIndex(of: ":") { prefixes.insert(String(name[..<colon])) }
        }
        if let extensionPrefix { prefixes.insert(extensionPrefix) }
        for child in children { child.collectPrefixes(into: &prefixes) }
    }
}

/// Ember's XML serializer: escapes text and attribute values, and writes only well-formed
/// output (characters XML 1.0 forbids become U+FFFD; a key that is no element name, such as
/// `capabilities:x`, becomes an `item` element carrying it in a `key` attribute) — where lxml
/// would have raised a 500.
public struct XMLWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// lxml's `xml_declaration=True` with `encoding='UTF-8'`.
    public mutating func declaration() {
        bytes += Array("<?xml version='1.0' encoding='UTF-8'?>\n".utf8)
    }

    public mutating func write(_ node: XMLOutputNode) {
        var attributes = node.attributes
        var name = node.name
        if !Self.isName(name) {
            attributes.append(("key", name))
            name = "item"
        }
        append("<" + name)
        for (key, value) in attributes {
            append(" " + key + "=\"")
            escape(value, attribute: true)
            append("\"")
        }
        if node.children.isEmpty && (node.text ?? "").isEmpty {
            append("/>")
            return
        }
        append(">")
        if let text = node.text { escape(text, attribute: false) }
        for child in node.children { write(child) }
        append("</" + name + ">")
    }

    mutating func append(_ text: String) {
        bytes += Array(text.utf8)
    }

    mutating func escape(_ text: String, attribute: Bool) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": append("&amp;")
            case "<": append("&lt;")
            case ">": append("&gt;")
            case "\"" where attribute: append("&quot;")
            case "\n" where attribute: append("&#10;")
            case "\r": append("&#13;")
            case "\t" where attribute: append("&#9;")
            default:
                let allowed = Self.isXMLCharacter(scalar)
                bytes += Array(String(allowed ? Character(scalar) : "\u{FFFD}").utf8)
            }
        }
    }

    /// XML 1.0 `Char`.
    static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// A namespace-well-formed element name (an `NCName`): no colon, since an undeclared
    /// prefix (`capabilities:x` as an extra spec's key) would break namespace-aware parsers.
    static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        func isStart(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || (scalar.properties.isAlphabetic && scalar.value != 0xD7)
        }
        guard isStart(first) else { return false }
        return name.unicodeScalars.dropFirst().allSatisfy {
            isStart($0) || $0 == "-" || $0 == "." || ("0"..."9").contains($0)
                || $0.properties.generalCategory == .decimalNumber
        }
    }
}

/// cinder's `XMLDictSerializer`: the generic XML of a JSON body for methods without a
/// template (and for faults). The root element is the body's single key; objects become
/// child elements per key (or attributes, for the names in `attributes`), lists one child
/// per item named by the list's name without its trailing `s` (else `item`), and anything
/// else text. minidom's `toxml`: no XML declaration.
public enum XMLDictSerializer {
    public static func serialize(
        _ value: JSONValue,
        namespace: String? = nil,
        attributes: [String: Set<String>] = [:]
    ) -> [UInt8]? {
        guard case .object(let object) = value, let (rootName, rootValue) = object.entries.first else { return nil }
        var root = node(rootName, rootValue, attributes: attributes)
        // minidom writes attributes sorted by name; `xmlns` is one of them.
        if let namespace { root.attributes.append(("xmlns", namespace)) }
        root.attributes.sort { $0.0 < $1.0 }
        var writer = XMLWriter()
        writer.write(root)
        return writer.bytes
    }

    static func node(_ name: String, _ value: JSONValue, attributes: [String: Set<String>]) -> XMLOutputNode {
        var result = XMLOutputNode(name: name)
        switch value {
        case .array(let items):
            let singular = name.hasSuffix("s") ? String(name.dropLast()) : "item"
            result.children = items.map { node(singular, $0, attributes: attributes) }
        case .object(let object):
            let attributeNames = attributes[name] ?? []
            for (key, item) in object.entries {
                if attributeNames.contains(key) {
                    result.attributes.append((key, item.pythonText))
                } else {
                    result.children.append(node(key, item, attributes: attributes))
                }
            }
        default:
            result.text = value.pythonText
        }
        return result
    }
}

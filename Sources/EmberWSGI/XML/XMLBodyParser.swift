import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// One element of an XML request body, as minidom shows it to the seed's deserializers:
/// qualified name, attributes, and child nodes in document order (text runs included, so
/// `extract_text` and `_from_xml_node` see what they saw).
public struct XMLBodyElement: Sendable, Equatable {
    /// A child node: an element or a run of character data.
    public enum Node: Sendable, Equatable {
        case element(XMLBodyElement)
        case text(String)
    }

    /// One attribute as written (`key`, `os-vol-tenant-attr:tenant_id`).
    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// The qualified name as written (minidom's `nodeName`).
    public var name: String
    /// The name without its prefix (minidom's `localName`).
    public var localName: String
    public var namespaceURI: String?
    /// Attributes sorted by name (the parser reports them as a dictionary).
    public var attributes: [Attribute]
    public var nodes: [Node]

    /// The attribute's value, nil when absent.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// The child elements, in document order.
    public var elements: [XMLBodyElement] {
        nodes.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// `find_first_child_named`: the first child element with this name.
    public func firstChild(named name: String) -> XMLBodyElement? {
        elements.first { $0.name == name }
    }

    /// `extract_text`: the text when the element holds exactly one text node, else "".
    public var text: String {
        if nodes.count == 1, case .text(let text) = nodes[0] { return text }
        return ""
    }
}

/// Why an XML body was refused. Every case is cinder's 400 "Malformed request body"; the
/// case says why in the log.
public enum XMLBodyRefusal: Error, Sendable, Equatable {
    /// Not well-formed (libxml2's reason).
    case malformed(String)
    /// A document type declaration: refused whole, as cinder's `safe_minidom_parse_string`
    /// refuses DTDs, so no entity is ever declared, expanded or fetched.
    case documentType
    /// An entity declaration reached the parser.
    case entityDeclaration
    /// Elements nested deeper than ``XMLBodyParser/maximumDepth``.
    case tooDeep
}

/// Parses XML request bodies with Foundation's `XMLParser` (libxml2), refusing what cinder's
/// `safe_minidom_parse_string` refuses and more: any DOCTYPE (so no internal or external
/// entity, no "billion laughs"), entity declarations, external entity resolution, nesting
/// deeper than ``maximumDepth``, and anything not well-formed.
public enum XMLBodyParser {
    /// The deepest element nesting accepted; the seed's bodies need 4.
    public static let maximumDepth = 32

    /// Parses `bytes` into its root element.
    public static func parse(_ bytes: [UInt8]) throws(XMLBodyRefusal) -> XMLBodyElement {
        // libxml2 does not report a DOCTYPE without declarations to the delegate, so the
        // declaration is refused before parsing; `<!DOCTYPE` cannot appear in an attribute.
        if containsDocumentType(bytes) { throw .documentType }
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        let builder = TreeBuilder()
        parser.delegate = builder
        let parsed = parser.parse()
        if let refusal = builder.refusal { throw refusal }
        guard parsed, let root = builder.root else {
            throw .malformed(parser.parserError.map { String(describing: $0) } ?? "no root element")
        }
        return root
    }

    static func containsDocumentType(_ bytes: [UInt8]) -> Bool {
        let marker = Array("<!DOCTYPE".utf8)
        guard bytes.count >= marker.count else { return false }
        for start in 0...(bytes.count - marker.count) where bytes[start] == marker[0] {
            if bytes[start..<(start + marker.count)].elementsEqual(marker) { return true }
        }
        return false
    }
}

/// The `XMLParser` delegate that builds ``XMLBodyElement`` trees and aborts on anything
/// hostile. Used by one synchronous `parse()` call on one thread.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLBodyElement] = []
    var root: XMLBodyElement?
    var refusal: XMLBodyRefusal?

    func refuse(_ parser: XMLParser, _ reason: XMLBodyRefusal) {
        if refusal == nil { refusal = reason }
        parser.abortParsing()
    }

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        guard stack.count < XMLBodyParser.maximumDepth else { return refuse(parser, .tooDeep) }
        let attributes = attributeDict.sorted { $0.key < $1.key }.map {
            XMLBodyElement.Attribute(name: $0.key, value: $0.value)
        }
        stack.append(
            XMLBodyElement(
                name: qName ?? elementName,
                localName: elementName,
                namespaceURI: namespaceURI.flatMap { $0.isEmpty ? nil : $0 },
                attributes: attributes,
                nodes: []
            )
        )
    }

    func parser(
        _ parser: XMLParser,
        didEndElement elementName: String,
        namespaceURI: String?,
        qualifiedName qName: String?
    ) {
        guard let element = stack.popLast() else { return refuse(parser, .malformed("unbalanced end tag")) }
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].nodes.append(.element(element))
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        appendText(string)
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        appendText(String(decoding: CDATABlock, as: UTF8.self))
    }

    func appendText(_ text: String) {
        guard !stack.isEmpty else { return }
        let last = stack.count - 1
        if case .text(let previous)? = stack[last].nodes.last {
            stack[last].nodes[stack[last].nodes.count - 1] = .text(previous + text)
        } else {
            stack[last].nodes.append(.text(text))
        }
    }

    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        refuse(parser, .entityDeclaration)
    }

    func parser(
        _ parser: XMLParser,
        foundExternalEntityDeclarationWithName name: String,
        publicID: String?,
        systemID: String?
    ) {
        refuse(parser, .entityDeclaration)
    }

    func parser(
        _ parser: XMLParser,
        foundUnparsedEntityDeclarationWithName name: String,
        publicID: String?,
        systemID: String?,
        notationName: String?
    ) {
        refuse(parser, .entityDeclaration)
    }

    func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
        refuse(parser, .entityDeclaration)
        return nil
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if refusal == nil { refusal = .malformed(String(describing: parseError)) }
    }
}

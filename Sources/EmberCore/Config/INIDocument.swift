/// One parsed INI file, as both oslo.config and paste.deploy read them.
///
/// The grammar is Python `configparser`'s, which both of those build on:
/// - `[section]` headers; keys before the first header are an error;
/// - `key = value` or `key: value`, split at the first `=` or `:` (so `/v3: app` and
///   `use = call:mod:fn` both read as expected);
/// - lines starting with `#` or `;` are comments; blank lines end a value;
/// - an indented line continues the previous value (joined with a newline);
/// - a key may repeat: every occurrence is kept in order (oslo's `MultiStrOpt`).
public struct INIDocument: Sendable, Equatable {
    /// One `key = value` line.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: String
        /// 1-based line number where the entry starts.
        public var line: Int
    }

    /// One `[name]` section with its entries in file order.
    public struct Section: Sendable, Equatable {
        public var name: String
        public var entries: [Entry]
        public var line: Int

        /// The last value given for `key`, or nil.
        public func value(_ key: String) -> String? {
            entries.last { $0.key == key }?.value
        }

        /// Every value given for `key`, in order.
        public func values(_ key: String) -> [String] {
            entries.filter { $0.key == key }.map(\.value)
        }
    }

    /// Where the text came from, for messages.
    public var path: String
    /// Sections in file order. A name that appears twice is merged into its first position.
    public var sections: [Section]

    public func section(_ name: String) -> Section? {
        sections.first { $0.name == name }
    }

    /// Parses `text`. Throws ``ConfigurationError/syntax(path:line:message:)``.
    public init(text: String, path: String) throws(ConfigurationError) {
        self.path = path
        var sections: [Section] = []
        var current: Int?
        var lastEntryOpen = false
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.last == "\r" { line = line.dropLast() }
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty {
                lastEntryOpen = false
                continue
            }
            if trimmed.first == "#" || trimmed.first == ";" { continue }
            let indented = line.first == " " || line.first == "\t"
            if indented, lastEntryOpen, let index = current {
                let last = sections[index].entries.count - 1
                let joined = sections[index].entries[last].value
                sections[index].entries[last].value = joined.isEmpty ? String(trimmed) : joined + "\n" + trimmed
                continue
            }
            if trimmed.first == "[" {
                guard trimmed.last == "]", trimmed.count > 2 else {
                    throw .syntax(path: path, line: lineNumber, message: "malformed section header '\(trimmed)'")
                }
                var name = String(trimmed.dropFirst().dropLast()).trimmingWhitespace()
                if name.lowercased() == "default" { name = "DEFAULT" }
                if let existing = sections.firstIndex(where: { $0.name == name }) {
                    current = existing
                } else {
                    sections.append(Section(name: name, entries: [], line: lineNumber))
                    current = sections.count - 1
                }
                lastEntryOpen = false
                continue
            }
            guard let index = current else {
                throw .syntax(
                    path: path,
                    line: lineNumber,
                    message: "option '\(trimmed)' appears before any [section] header"
                )
            }
            guard let split = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw .syntax(path: path, line: lineNumber, message: "expected 'key = value', found '\(trimmed)'")
            }
            let key = String(trimmed[..<split]).trimmingWhitespace()
            let value = String(trimmed[trimmed.index(after: split)...]).trimmingWhitespace()
            guard !key.isEmpty else {
                throw .syntax(path: path, line: lineNumber, message: "empty option name in '\(trimmed)'")
            }
            sections[index].entries.append(Entry(key: key, value: value, line: lineNumber))
            lastEntryOpen = true
        }
        self.sections = sections
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines.
    public func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}

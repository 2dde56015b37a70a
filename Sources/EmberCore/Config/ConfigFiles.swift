import Foundation
import Synchronization

/// The merged view of every configuration file, read the way oslo.config reads `cinder.conf`.
///
/// Files are applied in order and a later file wins for each option. Values may refer to
/// other options with `$name` or `${name}` (same section first, then `[DEFAULT]`, then the
/// built-in defaults given at load time); `$$` is a literal dollar sign.
public struct ConfigFiles: Sendable {
    /// The parsed files, in the order they were applied.
    public let documents: [INIDocument]
    /// Values `$name` may refer to when no file sets them (`state_path`, for instance).
    public let interpolationDefaults: [String: String]
    /// Where every option read is recorded with the reader's default, when set (the test
    /// that keeps ``OptionCatalog`` complete reads a whole configuration through it).
    public let readLog: ConfigReadLog?

    public init(
        documents: [INIDocument] = [],
        interpolationDefaults: [String: String] = [:],
        readLog: ConfigReadLog? = nil
    ) {
        self.documents = documents
        self.interpolationDefaults = interpolationDefaults
        self.readLog = readLog
    }

    /// Reads `files` in order, then every `*.conf` in each of `directories` (sorted by name).
    public static func load(
        files: [String],
        directories: [String] = [],
        interpolationDefaults: [String: String] = [:]
    ) throws(ConfigurationError) -> ConfigFiles {
        var paths = files
        for directory in directories {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory)
            } catch {
                throw .unreadable(path: directory, reason: "not a readable directory")
            }
            paths += names.filter { $0.hasSuffix(".conf") }.sorted().map { directory + "/" + $0 }
        }
        var documents: [INIDocument] = []
        for path in paths {
            documents.append(try readDocument(path))
        }
        let files = ConfigFiles(documents: documents, interpolationDefaults: interpolationDefaults)
        try files.checkInterpolation()
        return files
    }

    /// Reads and parses one INI file.
    public static func readDocument(_ path: String) throws(ConfigurationError) -> INIDocument {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "no such file or not readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "not UTF-8 text")
        }
        return try INIDocument(text: text, path: path)
    }

    /// The paths of the files in effect.
    public var paths: [String] { documents.map(\.path) }

    /// Every section name that appears in any file.
    public var sectionNames: [String] {
        var seen: [String] = []
        for document in documents {
            for section in document.sections where !seen.contains(section.name) {
                seen.append(section.name)
            }
        }
        return seen
    }

    /// Every option name set in `section` by any file.
    public func optionNames(in section: String) -> [String] {
        var seen: [String] = []
        for document in documents {
            for entry in document.section(Self.normalized(section))?.entries ?? [] where !seen.contains(entry.key) {
                seen.append(entry.key)
            }
        }
        return seen
    }

    /// The raw (uninterpolated) value of an option and the file that set it; the last file wins.
    public func lookup(_ section: String, _ option: String) -> (value: String, path: String)? {
        readLog?.record(section, option, default: nil)
        let section = Self.normalized(section)
        for document in documents.reversed() {
            if let value = document.section(section)?.value(option) {
                return (value, document.path)
            }
        }
        return nil
    }

    /// Every value of a repeatable option across all files, in order (oslo `MultiStrOpt`).
    public func multi(_ section: String, _ option: String) -> [String] {
        readLog?.record(section, option, default: nil)
        let section = Self.normalized(section)
        return documents.flatMap { $0.section(section)?.values(option) ?? [] }.map {
            interpolate($0, section: section)
        }
    }

    /// The interpolated value of an option, or nil when no file sets it.
    public func value(_ section: String, _ option: String) -> String? {
        lookup(section, option).map { interpolate($0.value, section: Self.normalized(section)) }
    }

    public func string(_ section: String, _ option: String, default defaultValue: String) -> String {
        readLog?.record(section, option, default: defaultValue)
        return value(section, option) ?? interpolate(defaultValue, section: Self.normalized(section))
    }

    public func optionalString(_ section: String, _ option: String) -> String? {
        guard let value = value(section, option), !value.isEmpty else { return nil }
        return value
    }

    public func int(
        _ section: String,
        _ option: String,
        default defaultValue: Int,
        minimum: Int? = nil,
        maximum: Int? = nil
    ) throws(ConfigurationError) -> Int {
        readLog?.record(section, option, default: String(defaultValue))
        guard let (raw, path) = lookup(section, option) else { return defaultValue }
        return try checkedInt(raw, path: path, section: section, option: option, minimum: minimum, maximum: maximum)
    }

    /// `raw` interpolated and checked as an integer within the bounds.
    func checkedInt(
        _ raw: String,
        path: String,
        section: String,
        option: String,
        minimum: Int?,
        maximum: Int?
    ) throws(ConfigurationError) -> Int {
        let text = interpolate(raw, section: Self.normalized(section))
        guard let number = Int(text) else {
            throw .malformedValue(path: path, section: section, option: option, value: text, expected: "an integer")
        }
        if let minimum, number < minimum {
            throw .malformedValue(
                path: path,
                section: section,
                option: option,
                value: text,
                expected: "an integer of at least \(minimum)"
            )
        }
        if let maximum, number > maximum {
            throw .malformedValue(
                path: path,
                section: section,
                option: option,
                value: text,
                expected: "an integer of at most \(maximum)"
            )
        }
        return number
    }

    public func optionalInt(_ section: String, _ option: String, minimum: Int? = nil) throws(ConfigurationError) -> Int?
    {
        guard let (raw, path) = lookup(section, option) else { return nil }
        return try checkedInt(raw, path: path, section: section, option: option, minimum: minimum, maximum: nil)
    }

    public func double(
        _ section: String,
        _ option: String,
        default defaultValue: Double
    ) throws(ConfigurationError)
        -> Double
    {
        readLog?.record(section, option, default: String(defaultValue))
        guard let (raw, path) = lookup(section, option) else { return defaultValue }
        let text = interpolate(raw, section: Self.normalized(section))
        guard let number = Double(text), number.isFinite else {
            throw .malformedValue(path: path, section: section, option: option, value: text, expected: "a number")
        }
        return number
    }

    /// A boolean as oslo.config accepts it: true/false, yes/no, on/off, 1/0 (any case).
    public func bool(_ section: String, _ option: String, default defaultValue: Bool) throws(ConfigurationError) -> Bool
    {
        readLog?.record(section, option, default: String(defaultValue))
        guard let (raw, path) = lookup(section, option) else { return defaultValue }
        let text = interpolate(raw, section: Self.normalized(section))
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            throw .malformedValue(path: path, section: section, option: option, value: text, expected: "a boolean")
        }
    }

    /// A regular expression (cinder's patterns are Python `re` syntax, which `Regex` reads).
    /// One that does not compile stops start-up here, instead of making a route that never
    /// matches.
    public func regularExpression(
        _ section: String,
        _ option: String,
        default defaultValue: String
    ) throws(ConfigurationError) -> String {
        readLog?.record(section, option, default: defaultValue)
        guard let (raw, path) = lookup(section, option) else { return defaultValue }
        let text = interpolate(raw, section: Self.normalized(section))
        guard (try? Regex(text)) != nil else {
            throw .malformedValue(
                path: path,
                section: section,
                option: option,
                value: text,
                expected: "a regular expression"
            )
        }
        return text
    }

    /// A comma-separated list (oslo `ListOpt`); empty items are dropped.
    public func list(_ section: String, _ option: String, default defaultValue: [String]) -> [String] {
        readLog?.record(section, option, default: defaultValue.joined(separator: ", "))
        guard let text = value(section, option) else { return defaultValue }
        return text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// One of a fixed set of choices (oslo `StrOpt(choices=…)`).
    public func choice(
        _ section: String,
        _ option: String,
        default defaultValue: String,
        choices: [String]
    )
        throws(ConfigurationError) -> String
    {
        readLog?.record(section, option, default: defaultValue)
        guard let (raw, path) = lookup(section, option) else { return defaultValue }
        let text = interpolate(raw, section: Self.normalized(section))
        guard choices.contains(text) else {
            throw .malformedValue(
                path: path,
                section: section,
                option: option,
                value: text,
                expected: "one of " + choices.joined(separator: ", ")
            )
        }
        return text
    }

    /// Replaces `$name` and `${name}` with other options' values; `$$` is a literal dollar sign.
    /// Files read by ``load(files:directories:interpolationDefaults:)`` were checked when read
    /// (``checkInterpolation()``), so a loop or an oversized expansion cannot reach here from
    /// them; should one anyway, the text is returned as written.
    public func interpolate(_ text: String, section: String) -> String {
        var expansion = Expansion()
        return (try? expand(text, section: section, chain: [], expansion: &expansion)) ?? text
    }

    /// The most bytes the references in one value may add to it: ten levels of options that
    /// each repeat the next one a hundred times would otherwise expand to 10^20 bytes.
    public static let interpolationLimit = 1 << 20

    /// One value's expansion: what its references may still add, and each option's expansion
    /// once made (an option expands the same wherever it is referred to).
    private struct Expansion {
        var budget = ConfigFiles.interpolationLimit
        var done: [String: String] = [:]
    }

    /// Expands every value every file sets, refusing a value that refers to itself (directly
    /// or through others) or expands past ``interpolationLimit`` bytes.
    public func checkInterpolation() throws(ConfigurationError) {
        for document in documents {
            for section in document.sections {
                for entry in section.entries {
                    var expansion = Expansion()
                    let name = Self.normalized(section.name)
                    _ = try expand(entry.value, section: name, chain: ["\(name).\(entry.key)"], expansion: &expansion)
                }
            }
        }
    }

    private func expand(
        _ text: String,
        section: String,
        chain: [String],
        expansion: inout Expansion
    ) throws(ConfigurationError) -> String {
        guard text.contains("$") else { return text }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "$" else {
                output.append(character)
                index = text.index(after: index)
                continue
            }
            let next = text.index(after: index)
            if next < text.endIndex, text[next] == "$" {
                output.append("$")
                index = text.index(after: next)
                continue
            }
            var nameStart = next
            var braced = false
            if next < text.endIndex, text[next] == "{" {
                braced = true
                nameStart = text.index(after: next)
            }
            var nameEnd = nameStart
            while nameEnd < text.endIndex,
                text[nameEnd].isLetter || text[nameEnd].isNumber || text[nameEnd] == "_"
                    || (braced && text[nameEnd] == ".")
            {
                nameEnd = text.index(after: nameEnd)
            }
            let name = String(text[nameStart..<nameEnd])
            if name.isEmpty || (braced && (nameEnd == text.endIndex || text[nameEnd] != "}")) {
                output.append("$")
                index = next
                continue
            }
            index = braced ? text.index(after: nameEnd) : nameEnd
            let value = try resolve(name, section: section, chain: chain, expansion: &expansion) ?? ""
            expansion.budget -= value.utf8.count
            guard expansion.budget >= 0 else {
                throw .invalid(
                    message:
                        "Configuration option \(chain.first ?? name) expands to more than \(Self.interpolationLimit) bytes"
                )
            }
            output += value
        }
        return output
    }

    private func resolve(
        _ name: String,
        section: String,
        chain: [String],
        expansion: inout Expansion
    ) throws(ConfigurationError) -> String? {
        var group = section
        var option = name
        if let dot = name.firstIndex(of: ".") {
            group = String(name[..<dot])
            option = String(name[name.index(after: dot)...])
        }
        for candidate in [group, "DEFAULT"] {
            let candidate = Self.normalized(candidate)
            guard let value = documents.reversed().lazy.compactMap({ $0.section(candidate)?.value(option) }).first
            else { continue }
            return try expand(
                link: "\(candidate).\(option)",
                value,
                section: candidate,
                chain: chain,
                expansion: &expansion
            )
        }
        guard let value = interpolationDefaults[option] else { return nil }
        return try expand(link: "DEFAULT.\(option)", value, section: "DEFAULT", chain: chain, expansion: &expansion)
    }

    /// The option `link` (`section.option`) expanded, refused when it is already being expanded.
    private func expand(
        link: String,
        _ value: String,
        section: String,
        chain: [String],
        expansion: inout Expansion
    ) throws(ConfigurationError) -> String {
        guard !chain.contains(link) else { throw Self.loop(chain, link) }
        if let done = expansion.done[link] { return done }
        let expanded = try expand(value, section: section, chain: chain + [link], expansion: &expansion)
        expansion.done[link] = expanded
        return expanded
    }

    private static func loop(_ chain: [String], _ link: String) -> ConfigurationError {
        let loop = (chain.drop { $0 != link } + [link]).map { "$" + $0 }.joined(separator: " → ")
        return .invalid(message: "Configuration option \(chain.first ?? link) refers to itself: \(loop)")
    }

    /// oslo.config treats `[default]` and `[DEFAULT]` alike.
    static func normalized(_ section: String) -> String {
        section.lowercased() == "default" ? "DEFAULT" : section
    }
}

/// The options a configuration was read for, each with the default its reader passed (nil:
/// read without one, as `optionalString` and `lookup` do).
public final class ConfigReadLog: Sendable {
    public struct Read: Sendable, Equatable {
        public var section: String
        public var option: String
        public var defaultValue: String?
    }

    private let reads = Mutex<[String: Read]>([:])

    public init() {}

    func record(_ section: String, _ option: String, default defaultValue: String?) {
        reads.withLock { reads in
            let key = section + "\u{0}" + option
            if let known = reads[key], known.defaultValue != nil || defaultValue == nil { return }
            reads[key] = Read(section: section, option: option, defaultValue: defaultValue)
        }
    }

    /// Every option read, by section then name.
    public var all: [Read] {
        reads.withLock { Array($0.values) }.sorted { ($0.section, $0.option) < ($1.section, $1.option) }
    }
}

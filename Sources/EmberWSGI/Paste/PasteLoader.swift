import EmberCore
import Foundation
import Logging

/// paste.deploy's `loadapp("config:api-paste.ini", name=…)`, rebuilt.
///
/// Reads the sections `[composite:]`, `[pipeline:]`, `[filter:]`, `[filter-app:]` and
/// `[app:]` (with paste's alternative spellings `application:` and `composit:`), resolves
/// `use = call:…` / `use = egg:…` and `paste.*_factory = …` lines through a
/// ``PasteFactoryRegistry``, and hands factories paste's `global_conf` and `local_conf`.
/// Values may use `%(here)s`, `%(__file__)s` and any `[DEFAULT]` or same-section key.
/// `set name = value` in a section overrides a global option for that section;
/// `get name = global` copies a global option into the local ones.
public struct PasteLoader: Sendable {
    public let path: String
    let document: INIDocument
    let registry: PasteFactoryRegistry
    let environment: PasteEnvironment
    let defaults: [String: String]
    /// Every `/path` key of the file's composite sections: what its url maps mount.
    let mountedPrefixes: Set<String>
    /// The sections being built, outermost first: a name met again is a loop, refused before
    /// it could recurse without end (`pipeline = a` inside `[pipeline:a]`).
    private var building: [String] = []

    static let appPrefixes = ["app", "application", "composite", "composit", "pipeline", "filter-app"]
    static let filterPrefixes = ["filter"]

    public init(path: String, registry: PasteFactoryRegistry, environment: PasteEnvironment) throws(PasteError) {
        let document: INIDocument
        do {
            document = try ConfigFiles.readDocument(path)
        } catch {
            throw .appNotFound(name: "", path: path, reason: error.description)
        }
        self.init(document: document, registry: registry, environment: environment)
    }

    public init(document: INIDocument, registry: PasteFactoryRegistry, environment: PasteEnvironment) {
        self.path = document.path
        self.document = document
        self.registry = registry
        self.environment = environment
        var defaults: [String: String] = [
            "here": (document.path as NSString).deletingLastPathComponent,
            "__file__": document.path,
        ]
        for entry in document.section("DEFAULT")?.entries ?? [] { defaults[entry.key] = entry.value }
        self.defaults = defaults
        var mounted: Set<String> = []
        for section in document.sections where Self.split(section.name).prefix.hasPrefix("composit") {
            for entry in section.entries where entry.key.hasPrefix("/") {
                mounted.insert(Self.mountPrefix(entry.key))
            }
        }
        self.mountedPrefixes = mounted
    }

    /// Loads the application `name` (`osapi_volume`), as `cinder.wsgi.Loader.load_app` does.
    public func loadApp(named name: String) throws(PasteError) -> any WSGIApplication {
        do {
            return try app(named: name)
        } catch .appNotFound(_, let path, let reason) {
            throw .appNotFound(name: name, path: path, reason: reason)
        }
    }

    /// `loader.get_app(name)`: an app, pipeline or composite section (or an egg/call spec).
    public func app(
        named name: String,
        globalOverrides: [String: String] = [:]
    ) throws(PasteError)
        -> any WSGIApplication
    {
        if Self.isSpec(name) {
            let context = factoryContext(section: name, local: [], globals: globalOverrides)
            return try makeApp(spec: name, protocolHint: "paste.app_factory", context: context)
        }
        let section = try findSection(name, prefixes: Self.appPrefixes)
        let inner = try entering(section.name)
        let (prefix, _) = Self.split(section.name)
        switch prefix {
        case "pipeline":
            return try inner.pipeline(section, globals: globalOverrides)
        case "filter-app":
            return try inner.filterApp(section, globals: globalOverrides)
        default:
            let kind = prefix.hasPrefix("composit") ? "paste.composite_factory" : "paste.app_factory"
            let (spec, context) = try inner.resolve(section, defaultProtocol: kind, globals: globalOverrides)
            return try inner.makeApp(spec: spec.name, protocolHint: spec.protocolName, context: context)
        }
    }

    /// This loader with `section` added to the sections being built; a loop is refused.
    private func entering(_ section: String) throws(PasteError) -> PasteLoader {
        if building.contains(section) {
            let loop = (building.drop { $0 != section } + [section]).map { "[\($0)]" }.joined(separator: " → ")
            throw .invalidSection(
                section: section,
                path: path,
                message: "the sections refer to each other in a loop: \(loop)"
            )
        }
        var inner = self
        inner.building.append(section)
        return inner
    }

    /// `loader.get_filter(name)`: a `[filter:name]` section (or an egg/call spec).
    public func filter(named name: String, globalOverrides: [String: String] = [:]) throws(PasteError) -> any WSGIFilter
    {
        if Self.isSpec(name) {
            let context = factoryContext(section: name, local: [], globals: globalOverrides)
            return try makeFilter(spec: name, context: context)
        }
        let section = try findSection(name, prefixes: Self.filterPrefixes)
        let (spec, context) = try resolve(section, defaultProtocol: "paste.filter_factory", globals: globalOverrides)
        guard spec.protocolName == "paste.filter_factory" else {
            throw .invalidSection(
                section: section.name,
                path: path,
                message: "a filter needs 'use' or 'paste.filter_factory'"
            )
        }
        return try makeFilter(spec: spec.name, context: context)
    }

    /// Builds `filters… app` from the names of a pipeline line, as `pipeline_factory` does.
    public func pipeline(names: [String], section: String) throws(PasteError) -> any WSGIApplication {
        guard let appName = names.last else {
            throw .invalidSection(section: section, path: path, message: "the pipeline is empty")
        }
        var filters: [any WSGIFilter] = []
        for name in names.dropLast() {
            filters.append(try filter(named: name))
        }
        return try app(named: appName).wrapped(in: filters)
    }

    // MARK: - Sections

    private func pipeline(
        _ section: INIDocument.Section,
        globals: [String: String]
    ) throws(PasteError)
        -> any WSGIApplication
    {
        guard let line = section.value("pipeline") else {
            throw .invalidSection(section: section.name, path: path, message: "no 'pipeline' option")
        }
        let names = try interpolate(line, section: section, key: "pipeline").split(whereSeparator: \.isWhitespace).map(
            String.init
        )
        return try pipeline(names: names, section: section.name)
    }

    private func filterApp(
        _ section: INIDocument.Section,
        globals: [String: String]
    ) throws(PasteError)
        -> any WSGIApplication
    {
        guard let next = section.value("next") else {
            throw .invalidSection(section: section.name, path: path, message: "a filter-app needs 'next'")
        }
        let (spec, context) = try resolve(
            section,
            defaultProtocol: "paste.filter_factory",
            globals: globals,
            skipping: ["next"]
        )
        let filter = try makeFilter(spec: spec.name, context: context)
        return try app(named: interpolate(next, section: section, key: "next")).wrapped(in: [filter])
    }

    private func findSection(_ name: String, prefixes: [String]) throws(PasteError) -> INIDocument.Section {
        let matches = document.sections.filter { section in
            let (prefix, sectionName) = Self.split(section.name)
            return sectionName == name && prefixes.contains(prefix)
        }
        guard let section = matches.first else {
            let wanted = prefixes.map { "'\($0)'" }.joined(separator: " or ")
            throw .appNotFound(
                name: name,
                path: path,
                reason: "No section '\(name)' (prefixed by \(wanted)) found in config \(path)"
            )
        }
        guard matches.count == 1 else {
            throw .invalidSection(
                section: name,
                path: path,
                message: "the name is ambiguous: " + matches.map(\.name).joined(separator: ", ")
            )
        }
        return section
    }

    private struct FactorySpec {
        var name: String
        var protocolName: String
    }

    private func resolve(
        _ section: INIDocument.Section,
        defaultProtocol: String,
        globals: [String: String],
        skipping: Set<String> = []
    ) throws(PasteError) -> (FactorySpec, PasteFactoryContext) {
        var spec: FactorySpec?
        var local: [(key: String, value: String)] = []
        var globalOverrides = globals
        let factoryKeys = [
            "paste.app_factory", "paste.filter_factory", "paste.composite_factory", "paste.composit_factory",
        ]
        for entry in section.entries where !skipping.contains(entry.key) {
            let value = try interpolate(entry.value, section: section, key: entry.key)
            if entry.key == "use" {
                spec = FactorySpec(name: value, protocolName: defaultProtocol)
            } else if factoryKeys.contains(entry.key) {
                let protocolName = entry.key == "paste.composit_factory" ? "paste.composite_factory" : entry.key
                spec = FactorySpec(name: value, protocolName: protocolName)
            } else if entry.key.hasPrefix("set ") {
                globalOverrides[String(entry.key.dropFirst(4)).trimmingWhitespace()] = value
            } else if entry.key.hasPrefix("get ") {
                let globalName = value
                let localName = String(entry.key.dropFirst(4)).trimmingWhitespace()
                if let globalValue = globalOverrides[globalName] ?? defaults[globalName] {
                    local.append((localName, globalValue))
                }
            } else if defaults[entry.key] == nil {
                local.append((entry.key, value))
            }
        }
        guard let spec else {
            throw .invalidSection(
                section: section.name,
                path: path,
                message: "no 'use' or 'paste.*_factory' option says what builds this section"
            )
        }
        return (spec, factoryContext(section: section.name, local: local, globals: globalOverrides))
    }

    private func factoryContext(
        section: String,
        local: [(key: String, value: String)],
        globals: [String: String]
    )
        -> PasteFactoryContext
    {
        PasteFactoryContext(
            section: section,
            path: path,
            globalConf: defaults.merging(globals) { $1 },
            localConf: local,
            environment: environment,
            mountedPrefixes: mountedPrefixes
        )
    }

    // MARK: - Factories

    private func makeApp(
        spec: String,
        protocolHint: String,
        context: PasteFactoryContext
    ) throws(PasteError)
        -> any WSGIApplication
    {
        let key = PasteFactoryRegistry.key(spec)
        if protocolHint == "paste.composite_factory" || registry.apps[key] == nil,
            let composite = registry.composites[key]
        {
            return try composite(context, self)
        }
        if let app = registry.apps[key] {
            return try app(context)
        }
        throw .unknownFactory(factory: spec, section: context.section, path: path)
    }

    private func makeFilter(spec: String, context: PasteFactoryContext) throws(PasteError) -> any WSGIFilter {
        guard let factory = registry.filters[PasteFactoryRegistry.key(spec)] else {
            throw .unknownFactory(factory: spec, section: context.section, path: path)
        }
        return try factory(context)
    }

    // MARK: - Text

    /// `configparser`'s `%(name)s` interpolation over the section and `[DEFAULT]`; `%%` is `%`.
    /// Like configparser, a value that still refers onwards after 10 substitutions is refused
    /// (that is how a value referring to itself ends); so is one whose references add more than
    /// 1 MiB, which ten levels of repeated references reach long before they finish.
    func interpolate(_ value: String, section: INIDocument.Section, key: String) throws(PasteError) -> String {
        var budget = Self.interpolationLimit
        var done: [String: String] = [:]
        return try interpolate(value, section: section, key: key, depth: 0, budget: &budget, done: &done)
    }

    static let interpolationLimit = 1 << 20

    /// `done` keeps each name's expansion at each depth (where the depth limit can still bite).
    private func interpolate(
        _ value: String,
        section: INIDocument.Section,
        key: String,
        depth: Int,
        budget: inout Int,
        done: inout [String: String]
    ) throws(PasteError) -> String {
        guard value.contains("%") else { return value }
        guard depth < 10 else {
            throw .invalidSection(
                section: section.name,
                path: path,
                message:
                    "the value of '\(key)' still refers to other values after 10 substitutions: \(value.prefix(200))"
            )
        }
        var output = ""
        var rest = Substring(value)
        while let percent = rest.firstIndex(of: "%") {
            output += rest[..<percent]
            let after = rest[rest.index(after: percent)...]
            if after.hasPrefix("%") {
                output += "%"
                rest = after.dropFirst()
            } else if after.hasPrefix("("), let close = after.firstIndex(of: ")"),
                after[after.index(after: close)...].hasPrefix("s")
            {
                let name = String(after[after.index(after: after.startIndex)..<close])
                let memo = "\(depth) \(name)"
                let replacement: String
                if let known = done[memo] {
                    replacement = known
                } else {
                    let raw = section.value(name) ?? defaults[name] ?? ""
                    replacement = try interpolate(
                        raw,
                        section: section,
                        key: key,
                        depth: depth + 1,
                        budget: &budget,
                        done: &done
                    )
                    done[memo] = replacement
                }
                budget -= replacement.utf8.count
                guard budget >= 0 else {
                    throw .invalidSection(
                        section: section.name,
                        path: path,
                        message: "the value of '\(key)' expands to more than \(Self.interpolationLimit) bytes"
                    )
                }
                output += replacement
                rest = after[after.index(close, offsetBy: 2)...]
            } else {
                output += "%"
                rest = after
            }
        }
        return output + rest
    }

    static func split(_ sectionName: String) -> (prefix: String, name: String) {
        guard let colon = sectionName.firstIndex(of: ":") else { return ("", sectionName) }
        return (
            String(sectionName[..<colon]).trimmingWhitespace().lowercased(),
            String(sectionName[sectionName.index(after: colon)...]).trimmingWhitespace()
        )
    }

    /// paste's `parse_path_expression` of a urlmap key: no trailing slash, always a leading one.
    static func mountPrefix(_ key: String) -> String {
        var path = key.trimmingWhitespace()
        while path.hasSuffix("/") { path.removeLast() }
        if !path.isEmpty && !path.hasPrefix("/") { path = "/" + path }
        return path
    }

    static func isSpec(_ name: String) -> Bool {
        name.hasPrefix("egg:") || name.hasPrefix("call:")
    }
}

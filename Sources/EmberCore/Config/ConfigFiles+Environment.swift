/// Options set by environment variables, for containers: `EMBER_<SECTION>__<OPTION>=value`.
///
/// - `<SECTION>` is `DEFAULT` (any case) for `[DEFAULT]`; otherwise the section of the files
///   whose name matches ignoring case, with `-` and `.` read as `_` (`EMBER_BACKEND_1__…`
///   sets `[backend-1]`), or else the text lowercased (`EMBER_DATABASE__CONNECTION` sets
///   `[database] connection`).
/// - `<OPTION>` is lowercased (`EMBER_SSL__CERT_FILE` sets `[ssl] cert_file`).
/// - A variable wins over every file (as oslo.config's `OS_<GROUP>__<OPTION>` source does);
///   variables without `__` after the prefix (`EMBER_TEST_POSTGRES_URL`) are not options.
/// - Messages about a bad value name the variable: `Configuration file environment variable
///   EMBER_DEFAULT__BACKLOG, section [DEFAULT], option backlog: …`.
extension ConfigFiles {
    /// The prefix of the variables that set options.
    public static let environmentPrefix = "EMBER_"
    /// How documents made from variables name themselves (their `path`).
    public static let environmentPathPrefix = "environment variable "

    /// One document per `EMBER_<SECTION>__<OPTION>` variable, sorted by variable name.
    ///
    /// - Parameter sections: the section names of the files, matched as described above.
    public static func environmentDocuments(_ environment: [String: String], sections: [String]) -> [INIDocument] {
        var documents: [INIDocument] = []
        for name in environment.keys.sorted() {
            guard let value = environment[name], let (section, option) = parseVariable(name, sections: sections)
            else { continue }
            documents.append(
                INIDocument(
                    path: environmentPathPrefix + name,
                    sections: [.init(name: section, entries: [.init(key: option, value: value, line: 1)], line: 1)]
                )
            )
        }
        return documents
    }

    /// The section and option a variable sets, or nil when it is not an option variable.
    static func parseVariable(_ name: String, sections: [String]) -> (section: String, option: String)? {
        guard name.hasPrefix(environmentPrefix) else { return nil }
        let rest = name.dropFirst(environmentPrefix.count)
        guard let separator = rest.range(of: "__") else { return nil }
        let sectionPart = String(rest[..<separator.lowerBound])
        let optionPart = String(rest[separator.upperBound...])
        guard !sectionPart.isEmpty, !optionPart.isEmpty, !optionPart.hasPrefix("_") else { return nil }
        let key = sectionPart.uppercased()
        if key == "DEFAULT" { return ("DEFAULT", optionPart.lowercased()) }
        let section =
            sections.first { variableForm($0) == key } ?? sectionPart.lowercased()
        return (section, optionPart.lowercased())
    }

    /// A section name as it appears in a variable: uppercased, `-` and `.` as `_`.
    static func variableForm(_ section: String) -> String {
        String(section.uppercased().map { $0 == "-" || $0 == "." ? "_" : $0 })
    }

    /// These files followed by the environment's option variables (which win).
    public func addingEnvironment(_ environment: [String: String]) -> ConfigFiles {
        let extra = Self.environmentDocuments(environment, sections: sectionNames)
        guard !extra.isEmpty else { return self }
        return ConfigFiles(documents: documents + extra, interpolationDefaults: interpolationDefaults, readLog: readLog)
    }
}

extension INIDocument {
    /// Whether this document holds an option set by an environment variable.
    public var isEnvironment: Bool { path.hasPrefix(ConfigFiles.environmentPathPrefix) }

    /// A document made in code (not parsed from text).
    init(path: String, sections: [Section]) {
        self.path = path
        self.sections = sections
    }
}

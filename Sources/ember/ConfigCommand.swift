import ArgumentParser
import EmberCore
import Foundation

/// `ember config …`: the options Ember reads, from their declarations (`OptionCatalog`).
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "The configuration options: the sample file, and the values in effect.",
        subcommands: [Sample.self, List.self]
    )

    /// `ember config sample`: the sample configuration, as `etc/ember/ember.conf` holds it.
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the sample configuration (every option, commented out, with its default)."
        )

        func run() {
            print(OptionCatalog.sample(), terminator: "")
        }
    }

    /// `ember config list`: every option's value in effect and where it comes from.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the value in effect of every option and where it comes from; secrets are masked."
        )

        @OptionGroup var config: ConfigOptions

        func run() throws {
            let files = try config.load().files
            print(ConfigCommand.list(files), terminator: "")
        }
    }

    /// The listing: `[section] option = value  (file | default)`, by section as the sample
    /// orders them, each enabled backend's section in place of the backend placeholder, then
    /// the options the files set that Ember does not read.
    static func list(_ files: ConfigFiles) -> String {
        let backends = files.list("DEFAULT", "enabled_backends", default: [])
        var lines: [String] = []
        var known: Set<String> = []
        for section in OptionCatalog.sections {
            let names = section.name == OptionCatalog.backendSection ? backends : [section.name]
            for name in names {
                lines.append("[\(name)]")
                for option in section.options {
                    known.insert(name.lowercased() + " " + option.name)
                    let value: String
                    let source: String
                    if let (raw, path) = files.lookup(name, option.name) {
                        value = files.interpolate(raw, section: name)
                        source = path
                    } else if let defaultValue = option.defaultValue {
                        value = option.derivedDefault ? "<\(defaultValue)>" : defaultValue
                        source = "default"
                    } else {
                        continue
                    }
                    lines.append("\(option.name) = \(option.secret ? mask(value) : value)  (\(source))")
                }
            }
        }
        var unknown: [String] = []
        for section in files.sectionNames {
            for option in files.optionNames(in: section) where !known.contains(section.lowercased() + " " + option) {
                unknown.append("[\(section)] \(option)")
            }
        }
        if !unknown.isEmpty {
            lines.append("# set in the files but not read by Ember (ignored):")
            lines += unknown.map { "#   " + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A secret for display: the password of a URL (`postgresql://ember:****@db/ember`),
    /// anything else as `****`; an empty value stays empty.
    static func mask(_ value: String) -> String {
        guard !value.isEmpty else { return value }
        if let components = URLComponents(string: value), components.scheme != nil, components.host != nil {
            guard components.password != nil else { return value }
            var masked = components
            masked.password = "****"
            return masked.string ?? "****"
        }
        return "****"
    }
}

import EmberAPI
import EmberBus
import EmberCore
import EmberIdentity
import EmberImage
import EmberKeys
import EmberStore
import EmberTesting
import EmberVolume
import EmberWSGI
import EmberWorkers
import Foundation
import Logging
import Testing

/// `OptionCatalog` is the one declaration of Ember's options: every option the code reads is
/// declared there with the default its reader uses, every declaration is read somewhere, and
/// `etc/ember/ember.conf` is exactly what `ember config sample` generates from it.
@Suite struct OptionCatalogTests {
    /// A configuration that takes every reader down its longest path: one named backend,
    /// Keystone's required options present.
    static let maximal = """
        [DEFAULT]
        enabled_backends = b1
        [b1]
        volume_driver = ember.volume.drivers.file.FileDriver
        [keystone_authtoken]
        auth_type = password
        auth_url = http://keystone.invalid:5000/v3
        username = ember
        password = secret
        project_name = service
        """

    /// Reads `maximal` through every configuration reader of every target; the log of the
    /// options read.
    static func readEverything() async throws -> [ConfigReadLog.Read] {
        let log = ConfigReadLog()
        let files = ConfigFiles(
            documents: [try INIDocument(text: maximal, path: "maximal.conf")],
            interpolationDefaults: ["state_path": "/srv/ember"],
            readLog: log
        )
        let ember = try EmberConfiguration(files: files)
        _ = try PolicyConfiguration(files: files)
        _ = try CORSMiddleware.Configuration(files: files)
        _ = try WorkerConfiguration(files: files, host: ember.host, statePath: ember.statePath, defaultBackend: false)
        _ = try BackupConfiguration(files: files, statePath: ember.statePath)
        _ = try TransportConfiguration(files: files)
        _ = try DatabaseConfiguration(files: files, statePath: ember.statePath)
        _ = try AuthTokenConfiguration(files: files)
        _ = try GlanceConfiguration(files: files)
        _ = try KeyManagerConfiguration(files: files)
        _ = try MetricsConfiguration(files: files)
        _ = try VolumeServiceConfiguration(files: files)
        _ = await ExtensionManager(logger: Logger(label: "test")).load(files: files)
        return log.all
    }

    /// Two defaults are the same when they spell the same number, the same list or the same text.
    static func sameDefault(_ declared: String, _ read: String) -> Bool {
        if let a = Double(declared), let b = Double(read) { return a == b }
        let items = { (text: String) in text.split(separator: ",").map { $0.trimmingWhitespace() } }
        return items(declared) == items(read)
    }

    @Test func everyOptionReadIsDeclaredWithTheReadersDefault() async throws {
        let reads = try await Self.readEverything()
        #expect(reads.count > 100, "the readers were not all run: \(reads.count) options read")
        for read in reads {
            let declared = OptionCatalog.option(read.section, read.option, backends: ["b1"])
            guard let declared else {
                Issue.record("[\(read.section)] \(read.option) is read but not declared in OptionCatalog")
                continue
            }
            #expect(!declared.help.isEmpty, "[\(read.section)] \(read.option) has no help text")
            guard let readDefault = read.defaultValue, !declared.derivedDefault else { continue }
            #expect(
                Self.sameDefault(declared.defaultValue ?? "", readDefault),
                "[\(read.section)] \(read.option): declared default \(declared.defaultValue ?? "none"), read with \(readDefault)"
            )
        }
    }

    /// Every `files.<reader>("section", "option"` in the sources, with `section` variables
    /// resolved by the file they are in (a backend's section, Keystone's).
    static func optionsNamedInSources() throws -> Set<String> {
        let pattern = try Regex(#"files\.[a-zA-Z]+\(\s*("[^"]+"|section),\s*"([^"]+)""#)
        var found: Set<String> = []
        let sources = RepositoryPaths.root + "/Sources"
        let enumerator = FileManager.default.enumerator(atPath: sources)
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: sources + "/" + path, encoding: .utf8)
            for match in text.matches(of: pattern) {
                let sectionText = String(match.output[1].substring ?? "")
                let option = String(match.output[2].substring ?? "")
                let section =
                    sectionText == "section"
                    ? (path.contains("AuthToken") ? "keystone_authtoken" : OptionCatalog.backendSection)
                    : String(sectionText.dropFirst().dropLast())
                found.insert(section + " " + option)
            }
        }
        return found
    }

    @Test func everyOptionNamedInTheSourcesIsDeclared() throws {
        let named = try Self.optionsNamedInSources()
        #expect(named.count > 100)
        let declared = Set(OptionCatalog.all.map { $0.section + " " + $0.name })
        for option in named.sorted() {
            #expect(declared.contains(option), "\(option) is read in Sources but not declared in OptionCatalog")
        }
    }

    @Test func everyDeclaredOptionIsRead() async throws {
        let named = try Self.optionsNamedInSources()
        let read = Set(
            try await Self.readEverything().map {
                ($0.section == "b1" ? OptionCatalog.backendSection : $0.section) + " " + $0.option
            }
        )
        for option in OptionCatalog.all {
            let key = option.section + " " + option.name
            #expect(named.contains(key) || read.contains(key), "\(key) is declared but nothing reads it")
        }
    }

    @Test func theSampleFileIsGeneratedFromTheDeclarations() throws {
        let path = RepositoryPaths.root + "/etc/ember/ember.conf"
        let committed = try String(contentsOfFile: path, encoding: .utf8)
        #expect(
            committed == OptionCatalog.sample(),
            "etc/ember/ember.conf is stale: run `swift run ember config sample > etc/ember/ember.conf`"
        )
        // The sample parses, and read alone it changes no default.
        let files = ConfigFiles(documents: [try INIDocument(text: committed, path: path)])
        #expect(files.optionNames(in: "DEFAULT").isEmpty)
    }
}

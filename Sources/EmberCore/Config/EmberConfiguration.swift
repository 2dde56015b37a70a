import Foundation

/// Everything Ember reads from `ember.conf` / `cinder.conf` at start-up, typed.
///
/// Each component keeps its own `Configuration` struct; this one gathers the ones the
/// launcher needs and keeps the merged files for components that read their own sections.
public struct EmberConfiguration: Sendable {
    /// The files this configuration was read from (later ones win).
    public var files: ConfigFiles
    /// `[DEFAULT] state_path`: top-level directory for Ember's state (`./ember-data`).
    public var statePath: String
    /// `[DEFAULT] host`: the name this node reports for its services (the machine's host name).
    public var host: String
    public var api: APIConfiguration
    public var ssl: SSLConfiguration?
    public var logging: LoggingConfiguration

    /// The default `state_path` for the embedded mode: `ember-data` under the working directory.
    public static var defaultStatePath: String {
        FileManager.default.currentDirectoryPath + "/ember-data"
    }

    /// Reads every typed section; the first malformed value stops with a message naming it.
    public init(files: ConfigFiles) throws(ConfigurationError) {
        self.files = files
        statePath = files.string("DEFAULT", "state_path", default: Self.defaultStatePath)
        host = files.string("DEFAULT", "host", default: ProcessInfo.processInfo.hostName)
        api = try APIConfiguration(files: files)
        ssl = try SSLConfiguration(files: files)
        logging = try LoggingConfiguration(files: files)
    }

    /// Loads files and directories as `--config-file`/`--config-dir` name them, then the
    /// `EMBER_<SECTION>__<OPTION>` variables of `environment`, which win over the files (see
    /// ``ConfigFiles/environmentDocuments(_:sections:)``).
    public static func load(
        files: [String],
        directories: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError)
        -> EmberConfiguration
    {
        let merged = try ConfigFiles.load(
            files: files,
            directories: directories,
            interpolationDefaults: ["state_path": defaultStatePath]
        )
        return try EmberConfiguration(files: merged.addingEnvironment(environment))
    }

    /// The configuration files used when none is named: the first of `./etc/ember/ember.conf`
    /// (a source checkout), `/etc/ember/ember.conf` and `/etc/cinder/cinder.conf` that exists.
    public static func defaultConfigFiles() -> [String] {
        let candidates = [
            FileManager.default.currentDirectoryPath + "/etc/ember/ember.conf",
            "/etc/ember/ember.conf",
            "/etc/cinder/cinder.conf",
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }.map { [$0] } ?? []
    }

    /// Finds a file such as `api_paste_config` as cinder's `find_config` does: an absolute path
    /// as is; a relative one next to each configuration file (last first), then under the
    /// working directory, `/etc/ember` and `/etc/cinder`.
    public func findConfigFile(_ name: String) -> String? {
        let manager = FileManager.default
        if name.hasPrefix("/") { return manager.fileExists(atPath: name) ? name : nil }
        var directories = files.documents.filter { !$0.isEnvironment }.reversed().map {
            ($0.path as NSString).deletingLastPathComponent
        }
        directories += [manager.currentDirectoryPath, "/etc/ember", "/etc/cinder"]
        for directory in directories {
            let candidate = (directory.isEmpty ? "." : directory) + "/" + name
            if manager.fileExists(atPath: candidate) {
                return (candidate as NSString).standardizingPath
            }
        }
        return nil
    }
}

import ArgumentParser
import EmberCore

/// `--config-file` and `--config-dir`, as every cinder command accepts them.
struct ConfigOptions: ParsableArguments {
    @Option(
        name: .customLong("config-file"),
        help: ArgumentHelp(
            "Path to a configuration file; repeat it to read several, later files win. "
                + "Default: ./etc/ember/ember.conf, then /etc/ember/ember.conf, then /etc/cinder/cinder.conf.",
            valueName: "PATH"
        )
    )
    var configFiles: [String] = []

    @Option(
        name: .customLong("config-dir"),
        help: ArgumentHelp(
            "Directory whose *.conf files are read (sorted) after the --config-file files.",
            valueName: "DIR"
        )
    )
    var configDirectories: [String] = []

    /// Reads the named files, or the default one when none is named.
    func load() throws -> EmberConfiguration {
        let files =
            configFiles.isEmpty && configDirectories.isEmpty ? EmberConfiguration.defaultConfigFiles() : configFiles
        return try EmberConfiguration.load(files: files, directories: configDirectories)
    }
}

import ArgumentParser
import EmberCore
import EmberService
import EmberWSGI
import Foundation
import Logging

/// Start-up shared by the service commands: read the configuration, set up logging, build the
/// services, and hand them to the launcher. A configuration problem ends the process with a
/// message naming the file, section, option and value, and exit status 1.
struct ServiceRunner {
    let options: ConfigOptions
    let binary: String

    func run() async throws {
        let configuration: EmberConfiguration
        do {
            configuration = try options.load()
            try LogOutput.bootstrap(configuration.logging, binary: binary)
        } catch {
            fail(error)
        }
        let logger = Logger(label: "ember.service")
        logger.info(
            "Starting \(binary)",
            metadata: [
                "version": .string(EmberVersion.string),
                "config": .string(configuration.files.paths.joined(separator: ",")),
            ]
        )
        for section in configuration.files.sectionNames where !Self.knownSections.contains(section) {
            logger.debug("Ignoring unknown configuration section", metadata: ["section": .string(section)])
        }

        var registry = PasteFactoryRegistry.standard()
        registry.registerVersionIndexRouters()

        let server: WSGIServer
        do {
            server = try APIServerBuilder.build(
                configuration: configuration,
                registry: registry,
                logger: Logger(label: "ember.api")
            )
        } catch {
            logger.critical("Cannot start the API", metadata: ["error": "\(error)"])
            fail(error)
        }

        let options = self.options
        let launcher = Launcher(
            logger: Logger(label: "ember.launcher"),
            gracefulShutdownTimeout: .seconds(configuration.api.gracefulShutdownTimeout),
            reload: {
                let reloaded = try options.load()
                EmberLogLevel.apply(reloaded.logging)
                Logger(label: "ember.launcher").info(
                    "Configuration reloaded",
                    metadata: ["debug": .stringConvertible(reloaded.logging.debug)]
                )
            }
        )
        await launcher.serve(server)
        try await launcher.wait()
    }

    /// Sections Ember reads; others are reported at debug level and ignored.
    static let knownSections: Set<String> = [
        "DEFAULT", "ssl", "database", "oslo_middleware", "cors", "profiler", "keystone_authtoken", "oslo_policy",
        "oslo_messaging_notifications", "coordination", "backend", "nova", "glance", "key_manager",
    ]

    func fail(_ error: any Error) -> Never {
        let message = "\(error)"
        FileHandle.standardError.write(Data("ember: \(message)\n".utf8))
        Foundation.exit(1)
    }
}

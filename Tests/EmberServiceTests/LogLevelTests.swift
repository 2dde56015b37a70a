import EmberCore
import EmberService
import EmberTesting
import Foundation
import Logging
import Testing

/// `set-log` as the log handler sees it: a logger logs at the level set for its prefix from
/// the next line on, without a restart, and other loggers keep the default.
@Suite struct LogLevelTests {
    @Test func handlerLogsAtTheLevelSetForItsPrefix() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/ember.log"
        let output = try LogOutput(path: path)
        let volume = Logger(label: "ember.loglevels.volume") { EmberLogHandler(label: $0, output: output) }
        let other = Logger(label: "ember.loglevelsother.api") { EmberLogHandler(label: $0, output: output) }
        LogLevels.register(volume.label)
        LogLevels.register(other.label)
        func lines() throws -> [String] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        }

        volume.debug("before")
        other.debug("before")
        #expect(try lines().isEmpty)

        LogLevels.set(prefix: "ember.loglevels.", level: try LogLevels.parse("debug"))
        volume.debug("after")
        other.debug("after")
        let logged = try lines()
        #expect(logged.count == 1)
        #expect(logged.first?.contains("DEBUG ember.loglevels.volume [-] after") == true)
        #expect(LogLevels.levels(prefix: "ember.loglevels").map(\.label) == [volume.label, other.label])
        #expect(LogLevels.levels(prefix: "ember.loglevels").first?.level == "DEBUG")

        LogLevels.set(prefix: "ember.loglevels.", level: .error)
        volume.warning("quiet")
        #expect(try lines().count == 1)
        #expect(LogLevels.levels(prefix: "ember.loglevels.").map(\.level) == ["ERROR"])
        #expect(throws: EmberError.self) { try LogLevels.parse("LOUD") }
        #expect(throws: EmberError.self) { try LogLevels.parse(nil) }
    }
}

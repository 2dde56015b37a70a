import Foundation

/// A directory under the system temporary directory, removed by ``remove()``.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "ember-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/" + prefix + "-" + UUID().uuidString.lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` inside the directory and returns the full path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Files in the repository, for tests that read fixtures or run the built binary.
public enum RepositoryPaths {
    /// The repository root, found from this source file's location.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static func fixture(_ name: String) -> String {
        root + "/Tests/Fixtures/" + name
    }

    /// `etc/ember/<name>`.
    public static func etc(_ name: String) -> String {
        root + "/etc/ember/" + name
    }
}

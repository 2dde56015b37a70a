import EmberCore
import Foundation

/// The answer to a call: the handler's result, or the error it raised.
struct Reply: Codable, Sendable {
    var correlationID: UUID
    var result: JSONValue?
    var error: RemoteError?

    func encoded() throws(BusError) -> String {
        do {
            return String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
        } catch {
            throw .malformedMessage(reason: "cannot encode reply: \(error)")
        }
    }

    static func decode(_ text: String) throws(BusError) -> Reply {
        do {
            return try JSONDecoder().decode(Reply.self, from: Data(text.utf8))
        } catch {
            throw .malformedMessage(reason: "cannot decode reply: \(error)")
        }
    }

    /// The outcome the caller sees.
    var outcome: Result<JSONValue, any Error> {
        if let error { return .failure(BusError.remote(error)) }
        return .success(result ?? .null)
    }
}

/// An error raised by the handler of a call, carried back to the caller (oslo's
/// `RemoteError`). An ``EmberErrorConvertible`` error keeps its status and message so the API
/// can render it; any other error becomes a 500 that leaks nothing.
public struct RemoteError: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The Swift type name of the error on the remote side (for logs).
    public var type: String
    /// The user-safe message of a 4xx ``EmberErrorConvertible`` error, else a description for logs.
    public var message: String
    /// The HTTP status when the remote error was an ``EmberErrorConvertible``.
    public var status: Int?

    public init(type: String, message: String, status: Int? = nil) {
        self.type = type
        self.message = message
        self.status = status
    }

    /// Captures `error` for the trip back to the caller.
    public init(_ error: any Error) {
        if let convertible = error as? any EmberErrorConvertible {
            // A 4xx message is meant for the user; a 5xx one is replaced by the caller's
            // faultwrap, so the description (for logs) travels instead.
            let ember = convertible.emberError
            let message = ember.status < 500 ? ember.message : String(describing: error)
            self.init(type: String(describing: Swift.type(of: error)), message: message, status: ember.status)
        } else {
            self.init(type: String(describing: Swift.type(of: error)), message: String(describing: error))
        }
    }

    public var description: String { "\(type): \(message)" }
}

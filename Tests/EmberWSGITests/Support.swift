import EmberCore
import EmberTesting
import EmberWSGI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// Builds the paste app from a file and serves it through Hummingbird's router test framework.
struct PasteHarness {
    var configuration: EmberConfiguration
    var registry: PasteFactoryRegistry

    init(conf: String = "", registry: PasteFactoryRegistry? = nil) throws {
        let document = try INIDocument(text: conf, path: "test.conf")
        configuration = try EmberConfiguration(files: ConfigFiles(documents: [document]))
        if let registry {
            self.registry = registry
        } else {
            var standard = PasteFactoryRegistry.standard()
            standard.registerVersionIndexRouters()
            self.registry = standard
        }
    }

    var environment: PasteEnvironment {
        PasteEnvironment(configuration: configuration, logger: Logger(label: "test"))
    }

    func load(path: String, name: String = "osapi_volume") throws -> any WSGIApplication {
        try PasteLoader(path: path, registry: registry, environment: environment).loadApp(named: name)
    }

    func load(text: String, name: String = "osapi_volume") throws -> any WSGIApplication {
        let document = try INIDocument(text: text, path: "/etc/ember/api-paste.ini")
        return try PasteLoader(document: document, registry: registry, environment: environment).loadApp(named: name)
    }

    /// Runs `test` against `app` without a socket.
    static func test<Value: Sendable>(
        _ app: any WSGIApplication,
        _ test: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let application = Application(
            responder: PasteResponder(app: app, scheme: "http", defaultHost: "localhost:8776"),
            logger: Logger(label: "test")
        )
        return try await application.test(.router, test)
    }
}

extension TestResponse {
    var text: String { body.getString(at: body.readerIndex, length: body.readableBytes) ?? "" }

    var json: JSONValue? { try? JSONValue.parse(Array(body.readableBytesView)) }
}

/// An app that answers with what it saw of the request, for filter tests.
struct EchoApp: WSGIApplication {
    func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: .max)
        let identity = context.identity
        let value: JSONValue = [
            "script_name": .string(context.scriptName),
            "path_info": .string(context.pathInfo),
            "application_url": .string(context.applicationURL),
            "request_id": .string(context.requestID),
            "user": .optional(identity?.userID),
            "project": .optional(identity?.projectID),
            "roles": .array((identity?.roles ?? []).map(JSONValue.string)),
            "is_admin": .bool(identity?.isAdmin ?? false),
            "has_token": .bool(identity?.authToken != nil),
            "body_bytes": .int(body.readableBytes),
        ]
        return WSGIResponses.json(value)
    }
}

/// An app that throws what it is given.
struct ThrowingApp: WSGIApplication {
    let error: any Error & Sendable
    func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        throw error
    }
}

struct SecretDatabaseError: Error {
    let password = "hunter2"
}

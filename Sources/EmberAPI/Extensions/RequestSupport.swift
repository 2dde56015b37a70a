import EmberCore
import EmberVolume
import EmberWSGI

extension APIRequest {
    /// A path parameter the route guarantees (`type_id`, `volume_id`, …).
    func parameter(_ name: String) throws -> String {
        guard let value = parameters[name] else { throw EmberError.notFound("The resource could not be found.") }
        return value
    }

    /// The body, checked against `schema` (cinder's 400 text when it does not fit).
    func validatedBody(_ schema: Schema) throws -> JSONValue {
        let body = self.body ?? .null
        if let error = schema.validate(body) { throw EmberError.badRequest(error) }
        return body
    }
}

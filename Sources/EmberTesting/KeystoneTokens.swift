import AsyncHTTPClient
import EmberCore
import NIOCore

/// Keystone refused to issue a token (any answer but 201 with `X-Subject-Token`).
public struct KeystoneTokenRefused: Error, CustomStringConvertible {
    public let user: String
    public let status: UInt

    public var description: String { "cannot issue a token for \(user): HTTP \(status)" }
}

/// Issues a project-scoped token for `user` of the default domain (password auth) from the
/// Keystone at `keystoneURL` (its `/v3`), as a client would.
public func issueKeystoneToken(
    keystoneURL: String,
    user: String,
    password: String,
    project: String,
    http: HTTPClient
) async throws -> String {
    var request = HTTPClientRequest(url: keystoneURL + "/auth/tokens?nocatalog")
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    let body: JSONValue = [
        "auth": [
            "identity": [
                "methods": ["password"],
                "password": [
                    "user": ["name": .string(user), "domain": ["id": "default"], "password": .string(password)]
                ],
            ],
            "scope": ["project": ["name": .string(project), "domain": ["id": "default"]]],
        ]
    ]
    request.body = .bytes(ByteBuffer(string: body.serialized()))
    let response = try await http.execute(request, timeout: TimeAmount(TestPatience.eventually))
    guard response.status.code == 201, let token = response.headers.first(name: "X-Subject-Token") else {
        throw KeystoneTokenRefused(user: user, status: response.status.code)
    }
    return token
}

import Foundation

/// A throwaway certificate authority and a server certificate for `localhost`/127.0.0.1,
/// made with the `openssl` command line tool (waited for without blocking a thread of the
/// cooperative pool).
public struct TestCertificates: Sendable {
    public let caCertificate: String
    public let serverCertificate: String
    public let serverKey: String
    public let clientCertificate: String
    public let clientKey: String

    let directory: String
    let prefix: String

    /// - Parameter prefix: starts every file name, so two authorities can share a directory.
    public init(in directory: TemporaryDirectory, prefix: String = "") async throws {
        let dir = directory.path
        self.directory = dir
        self.prefix = prefix
        caCertificate = dir + "/\(prefix)ca.pem"
        serverCertificate = dir + "/\(prefix)server.pem"
        serverKey = dir + "/\(prefix)server-key.pem"
        clientCertificate = dir + "/\(prefix)client.pem"
        clientKey = dir + "/\(prefix)client-key.pem"
        try directory.write("server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        try await Self.openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Ember Test CA \(prefix)",
            "-keyout", dir + "/\(prefix)ca-key.pem", "-out", caCertificate,
        ])
        try await issue(commonName: "localhost", certificate: serverCertificate, key: serverKey, server: true)
        try await issue(commonName: "ember-client", certificate: clientCertificate, key: clientKey, server: false)
    }

    /// Signs a new certificate with this authority: for `localhost` and 127.0.0.1 when
    /// `server`, whatever `commonName` says.
    public func issue(commonName: String, certificate: String, key: String, server: Bool) async throws {
        let request = directory + "/\(prefix)\(commonName).csr"
        try await Self.openssl([
            "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(commonName)", "-keyout", key, "-out", request,
        ])
        var sign = [
            "x509", "-req", "-in", request, "-CA", caCertificate, "-CAkey", directory + "/\(prefix)ca-key.pem",
            "-CAcreateserial", "-days", "2", "-out", certificate,
        ]
        if server { sign += ["-extfile", directory + "/server.ext"] }
        try await Self.openssl(sign)
    }

    static func openssl(_ arguments: [String]) async throws {
        let result = try await ChildProcess.run("/usr/bin/openssl", arguments)
        guard result.status == 0 else {
            throw CocoaError(
                .executableLoad,
                userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments.first ?? "") failed"]
            )
        }
    }
}

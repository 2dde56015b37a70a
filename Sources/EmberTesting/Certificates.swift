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

    public init(in directory: TemporaryDirectory) async throws {
        let dir = directory.path
        caCertificate = dir + "/ca.pem"
        serverCertificate = dir + "/server.pem"
        serverKey = dir + "/server-key.pem"
        clientCertificate = dir + "/client.pem"
        clientKey = dir + "/client-key.pem"
        try directory.write("server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        try await Self.openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Ember Test CA",
            "-keyout", dir + "/ca-key.pem", "-out", caCertificate,
        ])
        for (name, cert, key, ext) in [
            ("localhost", serverCertificate, serverKey, true), ("ember-client", clientCertificate, clientKey, false),
        ] {
            try await Self.openssl([
                "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(name)", "-keyout", key, "-out",
                dir + "/\(name).csr",
            ])
            var sign = [
                "x509", "-req", "-in", dir + "/\(name).csr", "-CA", caCertificate, "-CAkey", dir + "/ca-key.pem",
                "-CAcreateserial", "-days", "2", "-out", cert,
            ]
            if ext { sign += ["-extfile", dir + "/server.ext"] }
            try await Self.openssl(sign)
        }
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

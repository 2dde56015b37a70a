import EmberCore
import EmberService
import EmberTesting
import EmberWSGI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOSSL
import Testing

@Suite struct WSGIServerTests {
    @Test func servesTheVersionDocumentWithKeepAlive() async throws {
        let live = try LiveServer(app: try stockApplication())
        try await live.run { port in
            try await withClient(port: port) { client in
                for _ in 0..<3 {
                    let response = try await client.get("/")
                    #expect(response.status == .multipleChoices)
                    let body = String(buffer: try #require(response.body))
                    #expect(body.contains(#""href": "http://127.0.0.1:\#(port)/v3/""#))
                    #expect(response.headers[.openStackRequestID]?.hasPrefix("req-") == true)
                }
            }
        }
    }

    /// `wsgi_keep_alive = false`: every answer says `Connection: close` and the server closes
    /// the connection after it, as eventlet's server does with keepalive off.
    @Test func withoutKeepAliveEveryAnswerClosesItsConnection() async throws {
        let live = try LiveServer(app: try stockApplication(), keepAlive: false)
        try await live.run { port in
            try await withClient(port: port) { client in
                let response = try await client.get("/")
                #expect(response.status == .multipleChoices)
                #expect(response.headers[.connection] == "close")
            }
            #expect(try await withClient(port: port) { try await $0.get("/healthcheck") }.status == .ok)
        }
    }

    @Test func backlogBelowOneIsInvalidInput() throws {
        #expect {
            try WSGIServer(
                configuration: .init(host: "127.0.0.1", port: 0, backlog: 0),
                app: SlowApp(delay: .zero),
                logger: Logger(label: "test")
            )
        } throws: { error in
            (error as? EmberError)?.message == "Invalid input received: The backlog must be more than 0"
        }
    }

    @Test func bodiesOverTheLimitAre413OverARealSocket() async throws {
        let app = BodySizeApp().wrapped(in: [
            RequestIDMiddleware(), FaultWrapMiddleware(), SizeLimitMiddleware(limit: 114_688),
        ])
        let live = try LiveServer(app: app)
        try await live.run { port in
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let big = try dir.write("big.json", String(repeating: "d", count: 120_055))
            let small = try dir.write("small.json", String(repeating: "d", count: 100_000))
            let url = "http://127.0.0.1:\(port)/"
            let sized = try await curl(["-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@\(big)", url])
            #expect(sized == "413")
            let chunked = try await curl([
                "-o", "/dev/null", "-w", "%{http_code}", "-H", "Transfer-Encoding: chunked", "--data-binary", "@\(big)",
                url,
            ])
            #expect(chunked == "413")
            let allowed = try await curl(["-H", "Transfer-Encoding: chunked", "--data-binary", "@\(small)", url])
            #expect(allowed == "100000")
        }
    }
}

@Suite struct HTTPSTests {
    @Test func servesHTTPSWhenSSLIsConfigured() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let certificates = try await TestCertificates(in: dir)
        let ssl = SSLConfiguration(certFile: certificates.serverCertificate, keyFile: certificates.serverKey)
        let live = try LiveServer(app: try stockApplication(), tls: ssl)
        try await live.run { port in
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(certificates.caCertificate)
            try await withClient(port: port, tls: tls) { client in
                let response = try await client.get("/")
                #expect(response.status == .multipleChoices)
                let body = String(buffer: try #require(response.body))
                #expect(body.contains(#""href": "https://127.0.0.1:\#(port)/v3/""#))
            }
            let viaCurl = try await curl([
                "--cacert", certificates.caCertificate, "-o", "/dev/null", "-w", "%{http_code}",
                "https://localhost:\(port)/",
            ])
            #expect(viaCurl == "300")
            let oldProtocol = try await ChildProcess.run(
                "/usr/bin/curl",
                ["-sS", "--cacert", certificates.caCertificate, "--tls-max", "1.1", "https://localhost:\(port)/"]
            )
            #expect(oldProtocol.status != 0)
            let plain = try await ChildProcess.run("/usr/bin/curl", ["-sS", "-m", "5", "http://127.0.0.1:\(port)/"])
            #expect(plain.status != 0 || !plain.output.contains("versions"))
        }
    }

    @Test func caFileRequiresClientCertificates() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let certificates = try await TestCertificates(in: dir)
        let ssl = SSLConfiguration(
            certFile: certificates.serverCertificate,
            keyFile: certificates.serverKey,
            caFile: certificates.caCertificate
        )
        let live = try LiveServer(app: try stockApplication(), tls: ssl)
        try await live.run { port in
            let url = "https://localhost:\(port)/"
            let anonymous = try await ChildProcess.run(
                "/usr/bin/curl",
                ["-sS", "--cacert", certificates.caCertificate, "-o", "/dev/null", "-w", "%{http_code}", url]
            )
            #expect(anonymous.output.hasSuffix("000") || anonymous.status != 0)
            let authenticated = try await curl([
                "--cacert", certificates.caCertificate, "--cert", certificates.clientCertificate, "--key",
                certificates.clientKey, "-o", "/dev/null", "-w", "%{http_code}", url,
            ])
            #expect(authenticated == "300")
        }
    }

    /// What `openssl s_client` saw of a handshake with `port`: its exit status and output.
    static func handshake(port: Int, _ options: [String] = []) async throws -> (status: Int32, output: String) {
        try await ChildProcess.run(
            "/usr/bin/openssl",
            ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost"] + options
        )
    }

    /// TLS 1.0 and 1.1 are refused by the server itself (its "protocol version" alert, not the
    /// client declining to offer them: the client allows every protocol at security level 0),
    /// and `[ssl] version = TLSv1_3` refuses TLS 1.2 as well.
    @Test(arguments: ["TLSv1_2", "TLSv1_3"])
    func oldProtocolsAreRefusedByTheServer(minimum: String) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let certificates = try await TestCertificates(in: dir)
        let ssl = SSLConfiguration(
            certFile: certificates.serverCertificate,
            keyFile: certificates.serverKey,
            minimumVersion: minimum
        )
        let live = try LiveServer(app: try stockApplication(), tls: ssl)
        try await live.run { port in
            var refused = ["-tls1", "-tls1_1"]
            if minimum == "TLSv1_3" { refused.append("-tls1_2") }
            for flag in refused {
                let old = try await Self.handshake(port: port, [flag, "-cipher", "DEFAULT@SECLEVEL=0"])
                #expect(old.status != 0, "\(flag): \(old.output)")
                #expect(old.output.contains("alert protocol version"), "\(flag): \(old.output)")
            }
            let allowed = minimum == "TLSv1_3" ? "-tls1_3" : "-tls1_2"
            let current = try await Self.handshake(port: port, [allowed])
            #expect(current.status == 0, "\(allowed): \(current.output)")
            #expect(current.output.contains("CN = localhost"), "\(current.output)")
        }
    }

    @Test func aClientCertificateFromAnotherAuthorityIsRefused() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let certificates = try await TestCertificates(in: dir)
        let stranger = try await TestCertificates(in: dir, prefix: "other-")
        let ssl = SSLConfiguration(
            certFile: certificates.serverCertificate,
            keyFile: certificates.serverKey,
            caFile: certificates.caCertificate
        )
        let live = try LiveServer(app: try stockApplication(), tls: ssl)
        try await live.run { port in
            let url = "https://localhost:\(port)/"
            let refused = try await ChildProcess.run(
                "/usr/bin/curl",
                [
                    "-sS", "--cacert", certificates.caCertificate, "--cert", stranger.clientCertificate, "--key",
                    stranger.clientKey, "-o", "/dev/null", "-w", "%{http_code}", url,
                ]
            )
            // The output is curl's status code (000: no answer) and its error, in either order.
            #expect(
                refused.status != 0 && refused.output.contains("000") && !refused.output.contains("300"),
                "\(refused.output)"
            )
            let accepted = try await curl([
                "--cacert", certificates.caCertificate, "--cert", certificates.clientCertificate, "--key",
                certificates.clientKey, "-o", "/dev/null", "-w", "%{http_code}", url,
            ])
            #expect(accepted == "300")
        }
    }

    /// A renewed certificate reaches new handshakes; a connection opened before the reload
    /// keeps working; a key that does not match its certificate is refused and the running
    /// pair kept.
    @Test func reloadServesTheNewCertificateWithoutDroppingConnections() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let certificates = try await TestCertificates(in: dir)
        let ssl = SSLConfiguration(certFile: certificates.serverCertificate, keyFile: certificates.serverKey)
        let live = try LiveServer(app: try stockApplication(), tls: ssl)
        try await live.run { port in
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(certificates.caCertificate)
            try await withClient(port: port, tls: tls) { client in
                #expect(try await client.get("/").status == .multipleChoices)
                let before = try await Self.handshake(port: port)
                #expect(before.output.contains("subject=CN = localhost\n"), "\(before.output)")

                try await certificates.issue(
                    commonName: "localhost-renewed",
                    certificate: certificates.serverCertificate,
                    key: certificates.serverKey,
                    server: true
                )
                try live.server.reloadTLS()
                #expect(try await client.get("/").status == .multipleChoices, "the open connection survived")
                let after = try await Self.handshake(port: port, ["-CAfile", certificates.caCertificate])
                #expect(after.output.contains("subject=CN = localhost-renewed"), "\(after.output)")
                #expect(after.output.contains("Verify return code: 0 (ok)"), "\(after.output)")

                let spareKey = dir.path + "/spare-key.pem"
                try await certificates.issue(
                    commonName: "spare",
                    certificate: dir.path + "/spare.pem",
                    key: spareKey,
                    server: true
                )
                try FileManager.default.removeItem(atPath: certificates.serverKey)
                try FileManager.default.copyItem(atPath: spareKey, toPath: certificates.serverKey)
                #expect(throws: EmberError.self) { try live.server.reloadTLS() }
                let kept = try await Self.handshake(port: port)
                #expect(kept.status == 0 && kept.output.contains("subject=CN = localhost-renewed"), "\(kept.output)")
            }
        }
    }

    @Test func unreadableCertificateIsAStartupError() {
        let ssl = SSLConfiguration(certFile: "/nonexistent/cert.pem", keyFile: "/nonexistent/key.pem")
        #expect {
            try WSGIServer(
                configuration: .init(host: "127.0.0.1", port: 0, tls: ssl),
                app: SlowApp(delay: .zero),
                logger: Logger(label: "test")
            )
        } throws: { error in
            "\(error)".contains("/nonexistent/cert.pem")
        }
    }
}

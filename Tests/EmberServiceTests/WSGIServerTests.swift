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

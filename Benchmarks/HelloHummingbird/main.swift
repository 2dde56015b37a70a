// The ceiling for Ember's HTTP figures: a bare Hummingbird server answering GET / with a
// fixed body, built and measured the same way as Ember (release build, wrk on loopback).
import Hummingbird

let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 8780
let router = Router()
router.get("/") { _, _ in "hello" }
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port))
)
try await app.runService()

import Foundation
import Testing

@testable import EmberStore

/// SQLite keeps timestamps as sortable UTC text, as cinder's SQLAlchemy models do.
@Suite("SQL timestamps")
struct SQLTimestampTests {
    static let cases: [(Double, String)] = [
        (0, "1970-01-01 00:00:00.000000"),
        (1_700_000_000.25, "2023-11-14 22:13:20.250000"),
        (951_782_400.000001, "2000-02-29 00:00:00.000001"),
        (-86_400.5, "1969-12-30 23:59:59.500000"),
    ]

    @Test(arguments: cases)
    func formatsAndParses(seconds: Double, text: String) throws {
        let date = SQLTimestamp.truncated(Date(timeIntervalSince1970: seconds))
        #expect(SQLTimestamp.format(date) == text)
        let parsed = try #require(SQLTimestamp.parse(text))
        #expect(abs(parsed.timeIntervalSince(date)) < 0.000_002)
        #expect(SQLTimestamp.format(parsed) == text)
    }

    @Test
    func acceptsISOSeparatorAndShortFractions() {
        #expect(SQLTimestamp.parse("2024-01-02T03:04:05")?.timeIntervalSince1970 == 1_704_164_645)
        #expect(SQLTimestamp.parse("2024-01-02 03:04:05.5")?.timeIntervalSince1970 == 1_704_164_645.5)
        #expect(SQLTimestamp.parse("yesterday") == nil)
    }

    @Test
    func textOrderIsTimeOrder() {
        let dates = (0..<50).map { _ in Date(timeIntervalSince1970: Double.random(in: 0..<4_000_000_000)) }
        let byText = dates.map(SQLTimestamp.format).sorted()
        let byTime = dates.sorted().map(SQLTimestamp.format)
        #expect(byText == byTime)
    }
}

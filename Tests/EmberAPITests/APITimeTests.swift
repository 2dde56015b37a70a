import EmberCore
import Foundation
import Testing

@testable import EmberAPI

@Suite struct APITimeTests {
    @Test(
        arguments: [
            (0.5, "1970-01-01T00:00:00.500000"),
            (1_709_251_199.999999, "2024-02-29T23:59:59.999999"),
            (1_700_000_000, "2023-11-14T22:13:20.000000"),
            (253_402_300_799, "9999-12-31T23:59:59.000000"),
            (-1.5, "1969-12-31T23:59:58.500000"),
            (951_782_400, "2000-02-29T00:00:00.000000"),
            (-2_208_988_800, "1900-01-01T00:00:00.000000"),
            (-62_167_219_200, "0000-01-01T00:00:00.000000"),
        ] as [(Double, String)]
    )
    func writesOsloDatetimes(seconds: Double, expected: String) {
        #expect(APITime.format(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func beyondFourDigitYearsPadsWithoutTruncating() {
        #expect(APITime.format(Date(timeIntervalSince1970: 253_402_300_800)) == "10000-01-01T00:00:00.000000")
    }

    /// The calendar the in-place writer uses agrees with the C library's `gmtime` (and its
    /// inverse with itself) on every day of 1600–2400.
    @Test func civilDatesMatchGmtime() {
        for day in stride(from: -135_140, through: 156_955, by: 1) {
            var seconds = time_t(day * 86_400)
            var parts = tm()
            gmtime_r(&seconds, &parts)
            let civil = CivilDate.date(daysSinceEpoch: day)
            guard
                civil.year == Int(parts.tm_year) + 1900, civil.month == Int(parts.tm_mon) + 1,
                civil.day == Int(parts.tm_mday),
                CivilDate.daysSinceEpoch(year: civil.year, month: civil.month, day: civil.day) == day
            else {
                Issue.record(
                    "day \(day): \(civil) is not gmtime's \(parts.tm_year + 1900)-\(parts.tm_mon + 1)-\(parts.tm_mday)"
                )
                return
            }
        }
    }

    @Test func nilStaysNil() {
        #expect(APITime.format(nil) == nil)
    }
}

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
        ] as [(Double, String)]
    )
    func writesOsloDatetimes(seconds: Double, expected: String) {
        #expect(APITime.format(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func beyondFourDigitYearsPadsWithoutTruncating() {
        #expect(APITime.format(Date(timeIntervalSince1970: 253_402_300_800)) == "10000-01-01T00:00:00.000000")
    }

    @Test func nilStaysNil() {
        #expect(APITime.format(nil) == nil)
    }
}

import EmberCore
import Foundation

/// Datetimes as oslo.serialization writes cinder's: ISO 8601 in UTC with microseconds and no
/// zone suffix (`2024-01-01T00:00:00.000000`).
enum APITime {
    /// The length of a datetime with a four-digit year.
    static let length = 26

    /// 0000-01-01T00:00:00 and 10000-01-01T00:00:00 in seconds since 1970.
    static let fourDigitYears = -62_167_219_200.0..<253_402_300_800.0

    static func format(_ date: Date?) -> String? {
        guard let date else { return nil }
        guard fourDigitYears.contains(date.timeIntervalSince1970) else { return padded(date) }
        return String(unsafeUninitializedCapacity: length) { write(date, into: $0) }
    }

    /// `key` and the datetime (or `null`), written into the sink in place: list pages write
    /// several per volume.
    static func field<Sink: JSONSink>(_ key: StaticString, _ date: Date?, into sink: inout Sink) {
        sink.key(key)
        guard let date else { return sink.null() }
        guard fourDigitYears.contains(date.timeIntervalSince1970) else { return sink.string(padded(date)) }
        sink.asciiString(capacity: length) { write(date, into: $0) }
    }

    /// The 26 bytes of a datetime in ``fourDigitYears`` written into `buffer`; 0 (nothing
    /// written) for others.
    static func write(_ date: Date, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        guard buffer.count >= length, abs(whole) < 1e15 else { return 0 }
        let seconds = Int(whole)
        let micros = min(max(Int((interval - whole) * 1_000_000), 0), 999_999)
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, time) = secondOfDay < 0 ? (days - 1, secondOfDay + 86_400) : (days, secondOfDay)
        let (year, month, dayOfMonth) = civil(daysSinceEpoch: day)
        guard (0...9999).contains(year) else { return 0 }
        var index = 0
        func put(_ value: Int, width: Int, then separator: UInt8?) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / divisor % 10)
                index += 1
                divisor /= 10
            }
            if let separator {
                buffer[index] = separator
                index += 1
            }
        }
        put(year, width: 4, then: UInt8(ascii: "-"))
        put(month, width: 2, then: UInt8(ascii: "-"))
        put(dayOfMonth, width: 2, then: UInt8(ascii: "T"))
        put(time / 3600, width: 2, then: UInt8(ascii: ":"))
        put(time / 60 % 60, width: 2, then: UInt8(ascii: ":"))
        put(time % 60, width: 2, then: UInt8(ascii: "."))
        put(micros, width: 6, then: nil)
        return index
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`), without the C library's `gmtime`.
    static func civil(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Beyond four-digit years: pad, never truncate.
    private static func padded(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        let micros = min(max(Int((interval - Double(seconds)) * 1_000_000), 0), 999_999)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int, _ width: Int = 2) -> String { String(value).leftPadded(to: width) }
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1))-\(pad(Int(parts.tm_mday)))T"
            + "\(pad(Int(parts.tm_hour))):\(pad(Int(parts.tm_min))):\(pad(Int(parts.tm_sec))).\(pad(micros, 6))"
    }
}

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
        let (year, month, dayOfMonth) = CivilDate.date(daysSinceEpoch: day)
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

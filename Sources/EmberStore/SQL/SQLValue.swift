import EmberCore
import Foundation

/// A value bound to, or read from, a SQL statement; the drivers translate it to each backend.
public enum SQLValue: Sendable, Equatable {
    case null
    case int(Int)
    case double(Double)
    case text(String)
    case bool(Bool)
    case date(Date)

    public var isNull: Bool { if case .null = self { true } else { false } }
}

/// A Swift value that can be bound as a statement parameter.
protocol SQLEncodable: Sendable {
    var sqlValue: SQLValue { get }
}

/// A Swift value that can be read from a result column.
protocol SQLDecodable {
    static func decode(_ value: SQLValue) -> Self?
}

extension String: SQLEncodable, SQLDecodable {
    var sqlValue: SQLValue { .text(self) }
    static func decode(_ value: SQLValue) -> String? {
        switch value {
        case .text(let text): text
        case .int(let number): String(number)
        default: nil
        }
    }
}

extension Int: SQLEncodable, SQLDecodable {
    var sqlValue: SQLValue { .int(self) }
    static func decode(_ value: SQLValue) -> Int? {
        switch value {
        case .int(let number): number
        case .double(let number): Int(exactly: number.rounded())
        case .bool(let flag): flag ? 1 : 0
        case .text(let text): Int(text)
        default: nil
        }
    }
}

extension Double: SQLEncodable, SQLDecodable {
    var sqlValue: SQLValue { .double(self) }
    static func decode(_ value: SQLValue) -> Double? {
        switch value {
        case .double(let number): number
        case .int(let number): Double(number)
        default: nil
        }
    }
}

extension Bool: SQLEncodable, SQLDecodable {
    var sqlValue: SQLValue { .bool(self) }
    static func decode(_ value: SQLValue) -> Bool? {
        switch value {
        case .bool(let flag): flag
        case .int(let number): number != 0
        default: nil
        }
    }
}

extension Date: SQLEncodable, SQLDecodable {
    var sqlValue: SQLValue { .date(self) }
    static func decode(_ value: SQLValue) -> Date? {
        switch value {
        case .date(let date): date
        case .text(let text): SQLTimestamp.parse(text)
        case .double(let seconds): Date(timeIntervalSince1970: seconds)
        default: nil
        }
    }
}

extension SQLValue: SQLEncodable {
    var sqlValue: SQLValue { self }
}

extension Optional: SQLEncodable where Wrapped: SQLEncodable {
    var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// String-backed enums bind and read as their raw value.
protocol SQLRawEnum: SQLEncodable, SQLDecodable, RawRepresentable where RawValue == String {}

extension SQLRawEnum {
    var sqlValue: SQLValue { .text(rawValue) }
    static func decode(_ value: SQLValue) -> Self? {
        guard case .text(let text) = value else { return nil }
        return Self(rawValue: text)
    }
}

extension VolumeStatus: SQLRawEnum {}
extension VolumeAttachStatus: SQLRawEnum {}
extension SnapshotStatus: SQLRawEnum {}
extension BackupStatus: SQLRawEnum {}

/// Timestamps as cinder stores them in SQLite (`2024-01-01 00:00:00.000000`, UTC, which sorts
/// as text), truncated to microseconds as both backends keep them.
enum SQLTimestamp {
    /// `date` at whole microseconds (rounded to the nearest, so a value that went through a
    /// `Double` comes back to the same microsecond), as the databases keep it.
    static func truncated(_ date: Date) -> Date {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        return Date(timeIntervalSince1970: micros / 1_000_000)
    }

    static func format(_ date: Date) -> String {
        let totalMicros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = totalMicros / 1_000_000
        var micros = totalMicros % 1_000_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = CivilDate.date(daysSinceEpoch: Int(days))
        return pad(Int64(year), 4) + "-" + pad(Int64(month), 2) + "-" + pad(Int64(day), 2) + " "
            + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2) + "." + pad(micros, 6)
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff]` (a `T` separator is accepted too), as UTC.
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    /// ``parse(_:)`` of the bytes of a text value (SQLite's, read in place).
    static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count >= 19 else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var micros: Int64 = 0
        if bytes.count > 20, bytes[19] == 46 {
            var digits = 0
            for index in 20..<bytes.count {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { break }
                if digits < 6 {
                    micros = micros * 10 + Int64(byte - 48)
                    digits += 1
                }
            }
            while digits < 6 {
                micros *= 10
                digits += 1
            }
        }
        let days = Int64(CivilDate.daysSinceEpoch(year: Int(year), month: Int(month), day: Int(day)))
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

import Foundation

/// Datetimes as oslo.serialization writes cinder's: ISO 8601 in UTC with microseconds and no
/// zone suffix (`2024-01-01T00:00:00.000000`).
enum APITime {
    static func format(_ date: Date?) -> String? {
        guard let date else { return nil }
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        let micros = min(max(Int((interval - Double(seconds)) * 1_000_000), 0), 999_999)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900
        guard (0...9999).contains(year) else {
            // Beyond four-digit years: pad, never truncate.
            func pad(_ value: Int, _ width: Int = 2) -> String { String(value).leftPadded(to: width) }
            return "\(pad(year, 4))-\(pad(Int(parts.tm_mon) + 1))-\(pad(Int(parts.tm_mday)))T"
                + "\(pad(Int(parts.tm_hour))):\(pad(Int(parts.tm_min))):\(pad(Int(parts.tm_sec))).\(pad(micros, 6))"
        }
        // Every field fits its width, so the text is exactly 26 ASCII bytes, written in place
        // (views format several datetimes per volume).
        return String(unsafeUninitializedCapacity: 26) { buffer in
            var index = 0
            func put(_ value: Int, width: Int, then separator: Character?) {
                var divisor = 1
                for _ in 1..<width { divisor *= 10 }
                while divisor > 0 {
                    buffer[index] = UInt8(ascii: "0") + UInt8(value / divisor % 10)
                    index += 1
                    divisor /= 10
                }
                if let separator {
                    buffer[index] = separator.asciiValue!
                    index += 1
                }
            }
            put(year, width: 4, then: "-")
            put(Int(parts.tm_mon) + 1, width: 2, then: "-")
            put(Int(parts.tm_mday), width: 2, then: "T")
            put(Int(parts.tm_hour), width: 2, then: ":")
            put(Int(parts.tm_min), width: 2, then: ":")
            put(Int(parts.tm_sec), width: 2, then: ".")
            put(micros, width: 6, then: nil)
            return index
        }
    }
}

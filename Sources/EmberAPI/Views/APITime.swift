import Foundation

/// Datetimes as oslo.serialization writes cinder's: ISO 8601 in UTC with microseconds and no
/// zone suffix (`2024-01-01T00:00:00.000000`).
enum APITime {
    static func format(_ date: Date?) -> String? {
        guard let date else { return nil }
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        let micros = Int((date.timeIntervalSince1970 - Double(seconds)) * 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1))-\(pad(Int(parts.tm_mday)))T"
            + "\(pad(Int(parts.tm_hour))):\(pad(Int(parts.tm_min))):\(pad(Int(parts.tm_sec))).\(pad(min(micros, 999_999), 6))"
    }
}

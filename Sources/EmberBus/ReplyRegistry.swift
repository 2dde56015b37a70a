import EmberCore
import Foundation

/// Callers waiting for replies, by correlation id; shared by both transports.
///
/// A caller registers before sending so that a fast reply is kept until it waits. The timeout
/// is a sibling child task that fails the waiter, so no unstructured task is needed.
actor ReplyRegistry {
    private enum Slot {
        case waiting(CheckedContinuation<JSONValue, any Error>?)
        case done(Result<JSONValue, any Error>)
    }

    private var slots: [UUID: Slot] = [:]

    /// Correlation ids still waiting.
    var pending: [UUID] { Array(slots.keys) }

    func register(_ id: UUID) {
        slots[id] = .waiting(nil)
    }

    func remove(_ id: UUID) {
        if case .waiting(let continuation?) = slots.removeValue(forKey: id) {
            continuation.resume(throwing: CancellationError())
        }
    }

    /// Hands `result` to the waiter of `id`; ignored when nobody waits (timed out, or not ours).
    func complete(_ id: UUID, _ result: Result<JSONValue, any Error>) {
        switch slots[id] {
        case .waiting(let continuation?):
            slots[id] = nil
            continuation.resume(with: result)
        case .waiting(nil):
            slots[id] = .done(result)
        case .done, nil:
            break
        }
    }

    private func wait(_ id: UUID) async throws -> JSONValue {
        switch slots[id] {
        case .done(let result):
            slots[id] = nil
            return try result.get()
        case .waiting(nil):
            return try await withCheckedThrowingContinuation { continuation in
                slots[id] = .waiting(continuation)
            }
        case .waiting(.some), nil:
            throw CancellationError()
        }
    }

    /// Waits for the reply to `id`, failing with ``BusError/timeout(topic:method:seconds:)``.
    nonisolated func awaitReply(_ id: UUID, timeout: Duration, topic: String, method: String) async throws -> JSONValue
    {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        return try await withThrowingTaskGroup(of: JSONValue?.self) { group in
            group.addTask { try await self.wait(id) }
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                    await self.complete(id, .failure(BusError.timeout(topic: topic, method: method, seconds: seconds)))
                } catch {
                    await self.complete(id, .failure(CancellationError()))
                }
                return nil
            }
            while let result = try await group.next() {
                if let value = result {
                    group.cancelAll()
                    return value
                }
            }
            throw CancellationError()
        }
    }
}

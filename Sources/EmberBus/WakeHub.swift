/// Wakes the local consumers of a topic when a notification says it has new messages.
///
/// Each consumer gets a stream that buffers at most one wake-up: many notifications while a
/// consumer is busy coalesce into one more look at the queue.
actor WakeHub {
    private var subscribers: [String: (topic: String, continuation: AsyncStream<Void>.Continuation)] = [:]

    /// A stream of wake-ups for `consumerID`; it starts with one, so the consumer looks at
    /// once.
    func subscribe(consumerID: String, topic: String) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        subscribers[consumerID] = (topic, continuation)
        continuation.yield()
        return stream
    }

    func unsubscribe(consumerID: String) {
        subscribers.removeValue(forKey: consumerID)?.continuation.finish()
    }

    func wake(topic: String) {
        for subscriber in subscribers.values where subscriber.topic == topic {
            subscriber.continuation.yield()
        }
    }

    func wake(consumerID: String) {
        subscribers[consumerID]?.continuation.yield()
    }

    func wakeAll() {
        for subscriber in subscribers.values {
            subscriber.continuation.yield()
        }
    }
}

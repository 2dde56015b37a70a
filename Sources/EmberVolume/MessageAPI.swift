import EmberCore
import EmberStore
import Foundation

/// `cinder/message/api.py`: the user messages (API 3.3) the workers record when an
/// asynchronous operation fails, read and deleted through `/messages`.
///
/// A caller sees its own project's messages; an admin sees every project's (cinder's
/// `project_only` read). Expired messages are removed by the scheduler every
/// `message_reap_interval` (cinder's `_clean_expired_messages`).
public struct MessageAPI: Sendable {
    let store: any MessageStore

    init(store: any MessageStore) {
        self.store = store
    }

    /// The project scope of `caller`'s message reads.
    static func scope(for caller: Identity) -> ProjectScope {
        caller.isAdmin ? .allProjects : .project(caller.projectID ?? "")
    }

    /// `message_api.get`: 404 (`MessageNotFound`) when the caller cannot see it.
    public func get(id: String, caller: Identity) async throws -> UserMessage {
        try await VolumeAPI.found("Message \(id)") { () async throws(StoreError) in
            try await store.message(id: id, scope: Self.scope(for: caller))
        }
    }

    /// `message_api.get_all`: a page in `query`, scoped to what `caller` may see; an unknown
    /// marker is the marker's `MessageNotFound` (404).
    public func list(_ query: ListQuery, caller: Identity) async throws -> Page<UserMessage> {
        var query = query
        query.scope = Self.scope(for: caller)
        let scoped = query
        return try await VolumeAPI.page(of: "Message") { () async throws(StoreError) in
            try await store.listMessages(scoped)
        }
    }

    /// `message_api.delete` of a message the caller may see (checked by ``get(id:caller:)``).
    public func delete(id: String) async throws {
        try await VolumeAPI.found("Message \(id)") { () async throws(StoreError) in
            try await store.deleteMessage(id: id)
        }
    }
}

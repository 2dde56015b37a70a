import EmberKeys
import Foundation
import Synchronization

/// A key manager that keeps its keys in memory and records every call (what, with which id,
/// for whom), so tests can check which keys the volume API creates, clones and deletes.
/// `failing` makes every call fail with that error.
final class RecordingKeyManager: KeyManager {
    struct Call: Equatable, CustomStringConvertible {
        var operation: String
        var id: String?
        /// The caller's project, nil for the service context.
        var projectID: String?

        var description: String { "\(operation):\(id ?? "-"):\(projectID ?? "service")" }
    }

    private let state = Mutex<(keys: [String: SymmetricKey], calls: [Call], owners: [String: String?])>(
        ([:], [], [:])
    )
    let failing: KeyManagerError?

    init(failing: KeyManagerError? = nil) {
        self.failing = failing
    }

    var calls: [Call] { state.withLock { $0.calls } }
    var keyIDs: Set<String> { state.withLock { Set($0.keys.keys) } }

    func secret(_ id: String) -> SymmetricKey? { state.withLock { $0.keys[id] } }

    /// The project a key belongs to (nil: the service's).
    func owner(_ id: String) -> String?? { state.withLock { $0.owners[id] } }

    private func record(_ operation: String, _ id: String?, _ context: KeyManagerContext) throws(KeyManagerError) {
        state.withLock { $0.calls.append(Call(operation: operation, id: id, projectID: context.projectID)) }
        if let failing { throw failing }
    }

    func createKey(
        _ context: KeyManagerContext,
        algorithm: String,
        bitLength: Int
    ) async throws(KeyManagerError) -> String {
        try record("create:\(algorithm):\(bitLength)", nil, context)
        let id = UUID().uuidString.lowercased()
        let bytes = (0..<max(bitLength / 8, 1)).map { _ in UInt8.random(in: 0...255) }
        state.withLock {
            $0.keys[id] = SymmetricKey(algorithm: algorithm.uppercased(), bitLength: bitLength, bytes: bytes)
            $0.owners[id] = .some(context.projectID)
        }
        return id
    }

    func store(_ context: KeyManagerContext, key: SymmetricKey) async throws(KeyManagerError) -> String {
        try record("store", nil, context)
        let id = UUID().uuidString.lowercased()
        state.withLock {
            $0.keys[id] = key
            $0.owners[id] = .some(context.projectID)
        }
        return id
    }

    func key(_ context: KeyManagerContext, id: String) async throws(KeyManagerError) -> SymmetricKey {
        try record("get", id, context)
        guard let key = state.withLock({ $0.keys[id] }) else { throw .notFound(id: id) }
        return key
    }

    func deleteKey(_ context: KeyManagerContext, id: String) async throws(KeyManagerError) {
        try record("delete", id, context)
        guard state.withLock({ $0.keys.removeValue(forKey: id) }) != nil else { throw .notFound(id: id) }
    }
}

import EmberCore
import EmberKeys
import Testing

@Suite("Fixed-key manager (cinder's ConfKeyManager)")
struct FixedKeyManagerTests {
    let context = KeyManagerContext(requestID: "req-test", projectID: "p1")
    let hex = String(repeating: "0f", count: 32)

    @Test func everyKeyIsTheFixedKeyUnderTheZeroID() async throws {
        let manager = try FixedKeyManager(fixedKey: hex)
        let id = try await manager.createKey(context, algorithm: "AES", bitLength: 256)
        #expect(id == FixedKeyManager.keyID)
        let key = try await manager.key(context, id: id)
        #expect(key == SymmetricKey(algorithm: "AES", bitLength: 256, bytes: Array(repeating: 0x0f, count: 32)))
        #expect(try await manager.cloneKey(context, id: id) == FixedKeyManager.keyID)
        try await manager.deleteKey(context, id: id)
        #expect(try await manager.key(context, id: id) == key)
    }

    @Test func otherKeysAndIDsAreRefused() async throws {
        let manager = try FixedKeyManager(fixedKey: hex.uppercased())
        let other = SymmetricKey(algorithm: "AES", bitLength: 8, bytes: [1])
        await #expect(throws: KeyManagerError.unsupported("The fixed key manager cannot store arbitrary keys.")) {
            try await manager.store(context, key: other)
        }
        await #expect(throws: KeyManagerError.notFound(id: "abc")) { try await manager.key(context, id: "abc") }
        await #expect(throws: KeyManagerError.notFound(id: "abc")) { try await manager.deleteKey(context, id: "abc") }
    }

    @Test(arguments: ["", "abc", "zz", "0g"])
    func malformedFixedKeysAreRefused(text: String) {
        #expect(throws: KeyManagerError.self) { try FixedKeyManager(fixedKey: text) }
    }

    @Test func configurationNamesCastellanAndCinderBackends() throws {
        func read(_ text: String) throws -> KeyManagerConfiguration {
            try KeyManagerConfiguration(files: ConfigFiles(documents: [INIDocument(text: text, path: "k.conf")]))
        }
        #expect(try read("").backend == .barbican)
        #expect(
            try read("[key_manager]\nbackend = castellan.key_manager.barbican_key_manager.BarbicanKeyManager\n").backend
                == .barbican
        )
        let fixed = try read("[key_manager]\nbackend = cinder.keymgr.conf_key_mgr.ConfKeyManager\nfixed_key = \(hex)\n")
        #expect(fixed == KeyManagerConfiguration(backend: .fixedKey, fixedKey: hex))
        #expect(throws: ConfigurationError.self) { try read("[key_manager]\nbackend = vault\n") }
        #expect(throws: KeyManagerError.self) {
            try KeyManagerFactory.make(KeyManagerConfiguration(backend: .fixedKey))
        }
        #expect(try KeyManagerFactory.make(fixed) is FixedKeyManager)
    }
}

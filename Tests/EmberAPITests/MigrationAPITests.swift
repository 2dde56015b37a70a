import EmberAPI
import EmberCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// The API side of `os-retype`, `os-migrate_volume` and `os-migrate_volume_completion`:
/// body validation with cinder's messages, policies, preconditions, quota reservations and
/// the casts to the scheduler.
@Suite struct MigrationAPITests {
    static func type(_ api: VolumeAPI, _ name: String, _ specs: [String: String] = [:]) async throws -> VolumeType {
        try await api.store.createVolumeType(VolumeType(name: name, extraSpecs: specs))
    }

    /// A `cinder-volume` service that is up for `host`.
    static func service(_ api: VolumeAPI, _ host: String) async throws {
        _ = try await api.store.createService(
            ServiceRecord(host: host, binary: "cinder-volume", topic: "cinder-volume", updatedAt: Date())
        )
    }

    static func message(_ response: TestResponse, _ fault: String = "badRequest") -> String? {
        response.json?[fault]?["message"]?.stringValue
    }

    // MARK: - Retype

    static let retypeBodies: [(String, String)] = [
        (
            #"{"os-retype": {}}"#,
            "Invalid input for field/attribute os-retype. Value: {}. 'new_type' is a required property"
        ),
        (
            #"{"os-retype": {"new_type": 5}}"#,
            "Invalid input for field/attribute new_type. Value: 5. 5 is not of type 'string'"
        ),
        (
            #"{"os-retype": {"new_type": "gold", "migration_policy": "always"}}"#,
            "Invalid input for field/attribute migration_policy. Value: always. 'always' is not one of ['on-demand', 'never']"
        ),
        (
            #"{"os-retype": {"new_type": "gold", "migration_policy": null}}"#,
            "Invalid input for field/attribute migration_policy. Value: None. None is not one of ['on-demand', 'never']"
        ),
        (
            #"{"os-retype": {"new_type": "gold", "force": true}}"#,
            "Invalid input for field/attribute os-retype. Value: {'new_type': 'gold', 'force': True}. Additional properties are not allowed ('force' was unexpected)"
        ),
        (
            #"{"os-retype": "gold"}"#,
            "Invalid input for field/attribute os-retype. Value: gold. 'gold' is not of type 'object'"
        ),
    ]

    @Test(arguments: retypeBodies)
    func retypeBodyIsValidatedAsCindersSchema(_ body: String, _ expected: String) async throws {
        try await APIHarness.run { client, casts, api in
            let id = try await client.placedVolume(api)
            _ = try await Self.type(api, "gold")
            let response = try await client.send(.post, "/volumes/\(id)/action", body)
            #expect(response.status == .badRequest)
            #expect(Self.message(response) == expected)
            #expect(!casts.casts.contains { $0.hasPrefix("retype") })
        }
    }

    @Test func retypeChecksTheTypeAndStatusThenReservesAndCastsToTheScheduler() async throws {
        try await APIHarness.run { client, casts, api in
            let id = try await client.placedVolume(api, size: 2)
            let action = "/volumes/\(id)/action"
            let gold = try await Self.type(api, "gold", ["volume_backend_name": "beta"])

            let unknown = try await client.send(.post, action, #"{"os-retype": {"new_type": "nope"}}"#)
            #expect(unknown.status == .notFound)
            #expect(Self.message(unknown, "itemNotFound") == "Volume type with name nope could not be found.")
            let unknownID = try await client.send(
                .post,
                action,
                #"{"os-retype": {"new_type": "8c4a2f43-5ad4-4bd6-9e88-4d53bd0b9f1e"}}"#
            )
            #expect(
                Self.message(unknownID, "itemNotFound")
                    == "Volume type 8c4a2f43-5ad4-4bd6-9e88-4d53bd0b9f1e could not be found."
            )

            let same = try await client.send(.post, action, #"{"os-retype": {"new_type": "__DEFAULT__"}}"#)
            #expect(same.status == .badRequest)
            #expect(
                Self.message(same)
                    == "Invalid volume: Retype needs volume to be in available or in-use state, not be part of an active migration or a consistency group, requested type has to be different that the one from the volume, and for in-use volumes front-end qos specs cannot change."
            )
            _ = try await api.store.updateVolume(id: id, [.status(.error)])
            let wrongStatus = try await client.send(.post, action, #"{"os-retype": {"new_type": "gold"}}"#)
            #expect(wrongStatus.status == .badRequest)
            _ = try await api.store.updateVolume(id: id, [.status(.available), .migrationStatus("migrating")])
            #expect(try await client.send(.post, action, #"{"os-retype": {"new_type": "gold"}}"#).status == .badRequest)
            _ = try await api.store.updateVolume(id: id, [.migrationStatus(nil)])
            let project = APIHarness.project
            let refusedUsage = try await api.store.quotaUsages(projectID: project)
            #expect((refusedUsage["gigabytes_gold"]?.reserved ?? 0) == 0, "refusals roll the reservations back")

            let accepted = try await client.send(
                .post,
                action,
                #"{"os-retype": {"new_type": "\#(gold.id)", "migration_policy": "on-demand"}}"#
            )
            #expect(accepted.status == .accepted)
            #expect(accepted.body.readableBytes == 0)
            #expect(casts.casts.last == "retype:\(id):\(gold.id):on-demand")
            let stored = try await api.store.volume(id: id, scope: .allProjects)
            #expect(stored.status == .retyping)
            #expect(stored.previousStatus == "available")
            let usage = try await api.store.quotaUsages(projectID: project)
            #expect(usage["volumes_gold"]?.reserved == 1)
            #expect(usage["gigabytes_gold"]?.reserved == 2)
            #expect(usage["gigabytes"]?.reserved ?? 0 == 0, "a retype reserves only the per-type keys")

            let again = try await client.send(.post, action, #"{"os-retype": {"new_type": "gold"}}"#)
            #expect(again.status == .badRequest, "a retyping volume cannot be retyped again")
        }
    }

    @Test func retypeAffectingMultiattachNeedsAnAvailableVolume() async throws {
        try await APIHarness.run { client, casts, api in
            let id = try await client.placedVolume(api, status: .inUse)
            _ = try await Self.type(api, "shared", ["multiattach": "<is> True"])
            let response = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-retype": {"new_type": "shared"}}"#
            )
            #expect(response.status == .badRequest)
            #expect(
                Self.message(response)
                    == "Invalid input received: Invalid volume_type passed, retypes affecting multiattach are only allowed on available volumes, the specified volume however currently has a status of: in-use."
            )
            _ = try await api.store.updateVolume(id: id, [.status(.available)])
            let accepted = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-retype": {"new_type": "shared"}}"#
            )
            #expect(accepted.status == .accepted)
            #expect(try await api.store.volume(id: id, scope: .allProjects).multiattach)
            #expect(casts.casts.last?.hasPrefix("retype:\(id)") == true)
        }
    }

    @Test func retypeOverTheNewTypesQuotaIsRefused() async throws {
        try await APIHarness.run { client, casts, api in
            let id = try await client.placedVolume(api, size: 3)
            _ = try await Self.type(api, "gold")
            try await api.store.setProjectQuota(projectID: APIHarness.project, resource: "gigabytes_gold", hardLimit: 2)
            let response = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-retype": {"new_type": "gold"}}"#
            )
            #expect(response.status == .contentTooLarge)
            #expect(
                Self.message(response, "overLimit")
                    == "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes_gold quota. Requested 3G, quota is 2G and 0G has been consumed."
            )
            #expect(try await api.store.volume(id: id, scope: .allProjects).status == .available)
            #expect(!casts.casts.contains { $0.hasPrefix("retype") })
        }
    }

    @Test func retypeIsAMemberActionAndMigrationIsAdminOnly() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, casts, api in
            let project = PolicyEnforcementTests.projectA
            let id = try await PolicyEnforcementTests.create(
                client,
                as: PolicyEnforcementTests.memberA,
                project: project
            )
            _ = try await api.store.updateVolume(id: id, [.host("node@alpha#alpha"), .status(.available)])
            _ = try await Self.type(api, "gold")
            try await Self.service(api, "node@beta")
            let migrate = try await ExtensionPolicyTests.send(
                client,
                .post,
                "/volumes/\(id)/action",
                as: PolicyEnforcementTests.memberA,
                body: #"{"os-migrate_volume": {"host": "node@beta"}}"#
            )
            #expect(migrate.status == .forbidden)
            #expect(
                Self.message(migrate, "forbidden")
                    == "Policy doesn't allow volume_extension:volume_admin_actions:migrate_volume to be performed."
            )
            let completion = try await ExtensionPolicyTests.send(
                client,
                .post,
                "/volumes/\(id)/action",
                as: PolicyEnforcementTests.memberA,
                body: #"{"os-migrate_volume_completion": {"new_volume": "\#(id)"}}"#
            )
            #expect(completion.status == .forbidden)
            let reader = try await ExtensionPolicyTests.send(
                client,
                .post,
                "/volumes/\(id)/action",
                as: PolicyEnforcementTests.readerA,
                body: #"{"os-retype": {"new_type": "gold"}}"#
            )
            #expect(reader.status == .forbidden)
            #expect(Self.message(reader, "forbidden") == "Policy doesn't allow volume:retype to be performed.")
            let member = try await ExtensionPolicyTests.send(
                client,
                .post,
                "/volumes/\(id)/action",
                as: PolicyEnforcementTests.memberA,
                body: #"{"os-retype": {"new_type": "gold"}}"#
            )
            #expect(member.status == .accepted)
            let admin = try await ExtensionPolicyTests.send(
                client,
                .post,
                "/volumes/\(id)/action",
                as: PolicyEnforcementTests.admin,
                body: #"{"os-migrate_volume": {"host": "node@beta"}}"#
            )
            #expect(admin.status == .badRequest, "a retyping volume cannot migrate")
            #expect(casts.casts.filter { $0.hasPrefix("migrate_volume") }.isEmpty)
        }
    }

    // MARK: - Migrate

    static let migrateBodies: [(String?, String, String)] = [
        (
            nil, #"{"os-migrate_volume": {}}"#,
            "Invalid input for field/attribute os-migrate_volume. Value: {}. 'host' is a required property"
        ),
        (
            nil, #"{"os-migrate_volume": {"host": "node@beta", "cluster": "c"}}"#,
            "Invalid input for field/attribute os-migrate_volume. Value: {'host': 'node@beta', 'cluster': 'c'}. Additional properties are not allowed ('cluster' was unexpected)"
        ),
        (
            nil, #"{"os-migrate_volume": {"host": "node@beta", "force_host_copy": "maybe"}}"#,
            "Invalid input for field/attribute force_host_copy. Value: maybe. 'maybe' is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f']"
        ),
        (
            "3.16", #"{"os-migrate_volume": {}}"#,
            "Invalid input received: One and only one of cluster and host must be set."
        ),
        (
            "3.16", #"{"os-migrate_volume": {"host": "node@beta", "cluster": "c"}}"#,
            "Invalid input received: One and only one of cluster and host must be set."
        ),
        ("3.15", #"{"os-migrate_volume": {"host": ""}}"#, "Invalid input received: Host field is missing."),
        (
            "3.16", #"{"os-migrate_volume": {"host": "nowhere@x"}}"#,
            "Invalid host: No available service named 'nowhere@x'"
        ),
        ("3.16", #"{"os-migrate_volume": {"cluster": "c1"}}"#, "Invalid host: No available service named 'c1'"),
    ]

    @Test(arguments: migrateBodies)
    func migrateBodyAndDestinationAreCheckedAsCinderDoes(
        _ version: String?,
        _ body: String,
        _ expected: String
    ) async throws {
        try await APIHarness.run { client, casts, api in
            let id = try await client.placedVolume(api)
            try await Self.service(api, "node@beta")
            let response = try await client.send(.post, "/volumes/\(id)/action", body, version: version)
            #expect(response.status == .badRequest)
            #expect(Self.message(response) == expected)
            #expect(!casts.casts.contains { $0.hasPrefix("migrate_volume") })
            #expect(try await api.store.volume(id: id, scope: .allProjects).migrationStatus == nil)
        }
    }

    @Test func migrateChecksTheVolumeThenStartsAndCastsToTheScheduler() async throws {
        try await APIHarness.run { client, casts, api in
            let id = try await client.placedVolume(api)
            let action = "/volumes/\(id)/action"
            try await Self.service(api, "node@alpha")
            try await Self.service(api, "node@beta")
            _ = try await api.store.createService(
                ServiceRecord(host: "node@gamma", binary: "cinder-volume", topic: "cinder-volume", disabled: true)
            )
            let refusal =
                "Invalid volume: Volume \(id) status must be available or in-use, must not be migrating, have snapshots, be replicated, be part of a group and destination host/cluster must be different than the current one"
            let down = try await client.send(.post, action, #"{"os-migrate_volume": {"host": "node@gamma"}}"#)
            #expect(Self.message(down) == "Invalid host: No available service named 'node@gamma'")
            let same = try await client.send(.post, action, #"{"os-migrate_volume": {"host": "node@alpha#alpha"}}"#)
            #expect(Self.message(same) == refusal)

            let snapshot = try await api.store.createSnapshot(
                Snapshot(volumeID: id, userID: "u", projectID: APIHarness.project, volumeSize: 1, volumeTypeID: "t")
            )
            #expect(
                Self.message(try await client.send(.post, action, #"{"os-migrate_volume": {"host": "node@beta"}}"#))
                    == refusal
            )
            try await api.store.deleteSnapshot(id: snapshot.id)

            _ = try await api.store.updateVolume(id: id, [.status(.error)])
            #expect(
                Self.message(try await client.send(.post, action, #"{"os-migrate_volume": {"host": "node@beta"}}"#))
                    == refusal
            )
            _ = try await api.store.updateVolume(id: id, [.status(.available)])

            let accepted = try await client.send(
                .post,
                action,
                #"{"os-migrate_volume": {"host": "node@beta#beta", "force_host_copy": "true", "lock_volume": true}}"#
            )
            #expect(accepted.status == .accepted)
            #expect(casts.casts.last == "migrate_volume:\(id):node@beta#beta:true")
            let stored = try await api.store.volume(id: id, scope: .allProjects)
            #expect(stored.migrationStatus == "starting")
            #expect(stored.status == .maintenance)
            #expect(stored.previousStatus == "available")
            let twice = try await client.send(.post, action, #"{"os-migrate_volume": {"host": "node@beta"}}"#)
            #expect(Self.message(twice) == refusal, "a migrating volume cannot migrate again")

            // The admin view shows the migration attributes.
            let shown = try await client.send(.get, "/volumes/\(id)")
            #expect(shown.json?["volume"]?["os-vol-mig-status-attr:migstat"] == "starting")
            #expect(shown.json?["volume"]?["migration_status"] == "starting")
        }
    }

    @Test func migratingAnAttachedVolumeIsRefusedWithoutACompute() async throws {
        try await APIHarness.run { client, casts, api in
            let id = try await client.placedVolume(api, status: .inUse)
            try await Self.service(api, "node@beta")
            _ = try await api.store.createAttachment(
                VolumeAttachment(volumeID: id, instanceUUID: UUID().uuidString.lowercased(), attachStatus: .attached)
            )
            let response = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-migrate_volume": {"host": "node@beta"}}"#
            )
            #expect(response.status == .badRequest)
            #expect(
                Self.message(response)
                    == "Invalid volume: Volume \(id) is attached; migrating an attached volume needs the compute service to swap it (Nova swap_volume), which Ember does not have. Detach it first."
            )
            #expect(!casts.casts.contains { $0.hasPrefix("migrate_volume") })
        }
    }

    // MARK: - Completion

    @Test func completionChecksBothVolumesThenCallsTheSourceBackend() async throws {
        try await APIHarness.run { client, casts, api in
            let id = try await client.placedVolume(api)
            let other = try await client.placedVolume(api)
            let action = "/volumes/\(id)/action"
            let body = #"{"os-migrate_volume_completion": {"new_volume": "\#(other)"}}"#

            let invalid = try await client.send(
                .post,
                action,
                #"{"os-migrate_volume_completion": {"new_volume": "x"}}"#
            )
            #expect(invalid.status == .badRequest)
            #expect(
                Self.message(invalid)
                    == "Invalid input for field/attribute new_volume. Value: x. 'x' is not a 'uuid'"
            )
            let missing = try await client.send(
                .post,
                action,
                #"{"os-migrate_volume_completion": {"new_volume": "8c4a2f43-5ad4-4bd6-9e88-4d53bd0b9f1e"}}"#
            )
            #expect(missing.status == .notFound)

            // Neither migrating: nothing to do, the new volume's id comes back.
            let idle = try await client.send(.post, action, body)
            #expect(idle.status == .ok)
            #expect(idle.json == ["save_volume_id": .string(other)])

            _ = try await api.store.updateVolume(id: other, [.migrationStatus("target:\(id)")])
            let source = try await client.send(.post, action, body)
            #expect(Self.message(source) == "Invalid volume: Source volume not mid-migration.")
            _ = try await api.store.updateVolume(id: id, [.migrationStatus("migrating")])
            _ = try await api.store.updateVolume(id: other, [.migrationStatus(nil)])
            let destination = try await client.send(.post, action, body)
            #expect(Self.message(destination) == "Invalid volume: Destination volume not mid-migration.")
            _ = try await api.store.updateVolume(id: other, [.migrationStatus("target:\(other)")])
            let wrong = try await client.send(.post, action, body)
            #expect(
                Self.message(wrong)
                    == "Invalid volume: Destination has migration_status target:\(other), expected target:\(id)."
            )
            #expect(!casts.casts.contains { $0.hasPrefix("migrate_volume_completion") })

            _ = try await api.store.updateVolume(id: other, [.migrationStatus("target:\(id)")])
            let called = try await client.send(
                .post,
                action,
                #"{"os-migrate_volume_completion": {"new_volume": "\#(other)", "error": "yes"}}"#
            )
            // The recorder answers as a call without a volume service does.
            #expect(called.status == .internalServerError)
            #expect(casts.casts.last == "migrate_volume_completion:\(id):\(other):true")
        }
    }

    @Test func migrationTargetsAreHiddenFromNonAdmins() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, api in
            let project = PolicyEnforcementTests.projectA
            let id = try await PolicyEnforcementTests.create(
                client,
                as: PolicyEnforcementTests.memberA,
                project: project
            )
            let target = try await PolicyEnforcementTests.create(
                client,
                as: PolicyEnforcementTests.memberA,
                project: project
            )
            _ = try await api.store.updateVolume(id: target, [.migrationStatus("target:\(id)")])
            let member = try await ExtensionPolicyTests.send(
                client,
                .get,
                "/volumes/detail",
                as: PolicyEnforcementTests.memberA
            )
            let memberIDs = member.json?["volumes"]?.arrayValue.compactMap { $0["id"]?.stringValue } ?? []
            #expect(memberIDs == [id])
            #expect(member.json?["volumes"]?.arrayValue.first?["os-vol-mig-status-attr:migstat"] == nil)
            let admin = try await ExtensionPolicyTests.send(
                client,
                .get,
                "/volumes/detail?all_tenants=1",
                as: PolicyEnforcementTests.admin,
                project: "cccccccccccccccccccccccccccccccc"
            )
            let adminVolumes = admin.json?["volumes"]?.arrayValue ?? []
            #expect(Set(adminVolumes.compactMap { $0["id"]?.stringValue }) == [id, target])
            let shown = adminVolumes.first { $0["id"]?.stringValue == target }
            #expect(shown?["os-vol-mig-status-attr:migstat"] == .string("target:\(id)"))
            #expect(shown?.keys.contains("os-vol-mig-status-attr:name_id") == true)
        }
    }
}

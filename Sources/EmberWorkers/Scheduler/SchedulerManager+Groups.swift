import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

extension SchedulerManager {
    /// `create_group(group, group_spec, request_spec_list, …)`: one backend that takes the
    /// group type and every volume type of the group (``BackendFilter/groupBackend(_:volumeTypeSpecs:availabilityZone:)``)
    /// becomes the group's host, then `create_group` is cast there. No backend fits: the
    /// group goes to `error` (cinder's `NoValidBackend`).
    func createGroup(_ message: SchedulerRPC.CreateGroup, context: RPCContext) async throws -> RPCNoReply {
        let group: VolumeGroup
        do {
            group = try await store.group(id: message.groupID, scope: .allProjects)
        } catch {
            if case .notFound = error { return RPCNoReply() }
            throw error
        }
        guard GroupTransitions.schedule.allows(group.status) else { return RPCNoReply() }
        var volumeTypeSpecs: [[String: String]] = []
        for typeID in group.volumeTypeIDs {
            volumeTypeSpecs.append((try? await store.volumeType(id: typeID).extraSpecs) ?? [:])
        }
        await waitUntilReady()
        guard
            let backend = BackendFilter.groupBackend(
                backends(),
                volumeTypeSpecs: volumeTypeSpecs,
                availabilityZone: group.availabilityZone
            )
        else {
            logger.error(
                "Could not find a backend for group",
                metadata: ["group.id": .string(group.id)]
            )
            try await store.apply(GroupTransitions.scheduleFailed, toGroup: group.id)
            return RPCNoReply()
        }
        guard
            try await store.apply(GroupTransitions.schedule, toGroup: group.id, also: [.host(backend.hostWithPool)])
                != nil
        else { return RPCNoReply() }
        logger.info(
            "Scheduled group",
            metadata: ["group.id": .string(group.id), "host": .string(backend.hostWithPool)]
        )
        try await VolumeRPC.client(bus: bus, host: backend.hostWithPool).cast(
            VolumeRPC.CreateGroup(groupID: group.id),
            context: context
        )
        return RPCNoReply()
    }
}

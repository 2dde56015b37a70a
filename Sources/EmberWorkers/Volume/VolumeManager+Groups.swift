import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

/// The volume manager's generic group methods (`create_group`, `delete_group`,
/// `update_group` of `cinder/volume/manager.py`) with the generic implementations cinder
/// uses for a driver without group support: a group is a database object, its volumes are
/// deleted one by one, and membership is written when the update completes.
extension VolumeManager {
    /// The live group, or nil when it was deleted meanwhile.
    func liveGroup(_ id: String) async throws -> VolumeGroup? {
        do {
            return try await store.group(id: id, scope: .allProjects)
        } catch {
            if case .notFound = error { return nil }
            throw error
        }
    }

    /// Groups serialize on their own key, beside the volumes'.
    static func groupLock(_ id: String) -> String { "group:" + id }

    /// `create_group`: `creating` → `available` (`_create_group_generic`).
    func createGroup(_ message: VolumeRPC.CreateGroup, context: RPCContext) async throws -> RPCNoReply {
        try await serialized(Self.groupLock(message.groupID)) {
            guard let group = try await liveGroup(message.groupID), ownsHost(group.host) else { return RPCNoReply() }
            if try await store.apply(GroupTransitions.created, toGroup: group.id) != nil {
                logger.info("Group created", metadata: ["group.id": .string(group.id)])
            }
            return RPCNoReply()
        }
    }

    /// `delete_group`: each member volume is deleted (its quota given back); when every one
    /// went, the group's `groups` quota is given back and the group deleted. A volume that
    /// could not be deleted leaves the group `error` (cinder's `VolumeDriverException` path).
    func deleteGroup(_ message: VolumeRPC.DeleteGroup, context: RPCContext) async throws -> RPCNoReply {
        try await serialized(Self.groupLock(message.groupID)) {
            guard let group = try await liveGroup(message.groupID), group.status == .deleting else {
                return RPCNoReply()
            }
            try await finishGroupDelete(group, context: context)
            return RPCNoReply()
        }
    }

    func finishGroupDelete(_ group: VolumeGroup, context: RPCContext) async throws {
        let members = try await store.groupVolumes(groupID: group.id)
        if let attached = members.first(where: { $0.attachStatus == .attached }) {
            logger.error(
                "Group delete failed: a volume is attached",
                metadata: ["group.id": .string(group.id), "volume.id": .string(attached.id)]
            )
            try await store.apply(GroupTransitions.deleteFailed, toGroup: group.id)
            return
        }
        var failed = false
        for volume in members {
            try await serialized(volume.id) {
                guard let current = try await liveVolume(volume.id) else { return }
                try await finishDelete(current, cascade: false, context: context)
            }
            if try await liveVolume(volume.id) != nil { failed = true }
        }
        if failed {
            logger.error("Group delete failed: a volume was not deleted", metadata: ["group.id": .string(group.id)])
            try await store.apply(GroupTransitions.deleteFailed, toGroup: group.id)
            return
        }
        try await store.deleteGroup(id: group.id)
        if let projectID = group.projectID {
            do {
                try await commitNegative(projectID: projectID, deltas: ["groups": -1])
            } catch {
                logger.error("Failed to update usages deleting group", metadata: ["group.id": .string(group.id)])
            }
        }
        logger.info("Deleted group", metadata: ["group.id": .string(group.id)])
    }

    /// `update_group`: the volumes to add must still be `available` or `in-use` and on this
    /// backend, those to remove `available`, `in-use`, `error` or `error_deleting`; then
    /// they join and leave the group together and the group is `available`. A volume that
    /// moved meanwhile leaves the group `error` with no membership changed.
    func updateGroup(_ message: VolumeRPC.UpdateGroup, context: RPCContext) async throws -> RPCNoReply {
        try await serialized(Self.groupLock(message.groupID)) {
            guard let group = try await liveGroup(message.groupID), group.status == .updating else {
                return RPCNoReply()
            }
            let add = VolumeRPC.UpdateGroup.ids(message.addVolumes)
            let remove = VolumeRPC.UpdateGroup.ids(message.removeVolumes)
            for (ids, allowed, adding) in [
                (add, GroupTransitions.volumeMayJoin, true), (remove, GroupTransitions.volumeMayLeave, false),
            ] {
                for id in ids {
                    let volume = try await liveVolume(id)
                    let valid =
                        volume.map { allowed.contains($0.status) && (!adding || ownsHost($0.host)) } ?? false
                    if !valid {
                        logger.error(
                            "Update group failed: a volume cannot \(adding ? "join" : "leave") it",
                            metadata: ["group.id": .string(group.id), "volume.id": .string(id)]
                        )
                        try await store.apply(GroupTransitions.updateFailed, toGroup: group.id)
                        return RPCNoReply()
                    }
                }
            }
            try await store.changeGroupMembership(groupID: group.id, add: add, remove: remove)
            try await store.apply(GroupTransitions.updated, toGroup: group.id)
            logger.info(
                "Updated group",
                metadata: ["group.id": .string(group.id), "added": "\(add.count)", "removed": "\(remove.count)"]
            )
            return RPCNoReply()
        }
    }

    /// `init_host` for groups on this backend: a create left `creating` is finished (the
    /// generic create only marks the group; a group from a source gets its volumes made
    /// first), a delete left `deleting` is finished, and an
    /// update left `updating` ends `available` with no membership changed (the update writes
    /// membership only when it completes).
    func recoverGroups() async {
        let groups: [VolumeGroup]
        do {
            groups = try await store.groups(onBackend: host, statuses: [.creating, .deleting, .updating])
        } catch {
            logger.error("init_host: cannot list groups", metadata: ["error": "\(error)"])
            return
        }
        for group in groups {
            do {
                try await serialized(Self.groupLock(group.id)) {
                    switch group.status {
                    case .creating:
                        logger.info(
                            "init_host: finishing the create of group",
                            metadata: ["group.id": .string(group.id)]
                        )
                        if group.groupSnapshotID != nil || group.sourceGroupID != nil {
                            try await finishGroupFromSource(group, context: .service(requestID: Self.requestID()))
                        } else {
                            try await store.apply(GroupTransitions.created, toGroup: group.id)
                        }
                    case .deleting:
                        logger.info(
                            "init_host: finishing the delete of group",
                            metadata: ["group.id": .string(group.id)]
                        )
                        try await finishGroupDelete(group, context: .service(requestID: Self.requestID()))
                    case .updating:
                        logger.info("init_host: ending the update of group", metadata: ["group.id": .string(group.id)])
                        try await store.apply(GroupTransitions.recoverFromUpdating, toGroup: group.id)
                    default:
                        break
                    }
                }
            } catch {
                logger.error(
                    "init_host: group recovery failed",
                    metadata: ["group.id": .string(group.id), "error": "\(error)"]
                )
            }
        }
    }
}

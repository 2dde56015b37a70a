import EmberCore
import EmberRPC
import EmberStore
import Foundation

/// A validated manage request (`POST /manageable_volumes`, `/os-volume-manage`).
public struct ManageVolumeRequest: Sendable {
    /// `HOST@BACKEND[#POOL]`, or nil when `cluster` is given.
    public var host: String?
    public var cluster: String?
    /// The backend's reference to the object (`{"source-name": "…"}`).
    public var ref: JSONValue
    public var name: String?
    public var description: String?
    /// A type's name or id; nil for the default type.
    public var volumeType: String?
    public var metadata: [String: String]
    public var availabilityZone: String?
    public var bootable: Bool

    public init(
        host: String?,
        cluster: String?,
        ref: JSONValue,
        name: String? = nil,
        description: String? = nil,
        volumeType: String? = nil,
        metadata: [String: String] = [:],
        availabilityZone: String? = nil,
        bootable: Bool = false
    ) {
        self.host = host
        self.cluster = cluster
        self.ref = ref
        self.name = name
        self.description = description
        self.volumeType = volumeType
        self.metadata = metadata
        self.availabilityZone = availabilityZone
        self.bootable = bootable
    }
}

/// Why a manage request's volume service cannot take it (`_get_service_by_host_cluster`).
public enum ManageServiceError: Error, Sendable, Equatable {
    /// No `cinder-volume` service on that host or in that cluster (`ServiceNotFound`).
    case notFound
    /// The service is disabled or down (`ServiceUnavailable`, a 400).
    case unavailable
}

extension VolumeAPI {
    /// `volume_api.manage_existing` (the API flow of `volume/flows/api/manage_existing.py`):
    /// checks the reference is not a volume already managed, the type (not an encrypted
    /// one), and the volume
    /// service; reserves one volume (its size is reserved by the backend once known), inserts
    /// the volume `managing` with size 0 on the service's host (or the pool given), commits,
    /// and casts the scheduler's `manage_existing`. A failed cast leaves `error_managing`.
    public nonisolated func manageExisting(
        _ request: ManageVolumeRequest,
        caller: Identity,
        requestID: String
    ) async throws -> Volume {
        guard let projectID = caller.projectID else {
            throw EmberError.badRequest("A project is required to manage a volume.")
        }
        if let name = request.ref["source-name"]?.stringValue, name.hasPrefix("volume-") {
            let id = String(name.dropFirst("volume-".count))
            if UUID(uuidString: id) != nil, (try? await store.volume(id: id, scope: .allProjects)) != nil {
                throw EmberError.badRequest(
                    "Invalid volume: Unable to manage existing volume. The volume is already managed"
                )
            }
        }
        let volumeType: VolumeType
        if let named = request.volumeType {
            do {
                volumeType = try await types.resolve(named)
            } catch let error as EmberError where error.status == 404 {
                throw EmberError.badRequest("Invalid volume type: Cannot find requested '\(named)' volume type")
            }
        } else {
            volumeType = try await types.defaultType(projectID: projectID)
        }
        if try await encryptionTypes.encryption(ofVolumeType: volumeType.id) != nil {
            throw EmberError.badRequest(
                "Invalid volume type: Managing to an encrypted volume type is not supported."
            )
        }
        let service: ServiceRecord
        do {
            service = try await manageService(host: request.host, cluster: request.cluster)
        } catch .notFound {
            let what = request.host != nil ? "Host" : "Cluster"
            throw EmberError.badRequest("\(what) '\(request.host ?? request.cluster ?? "")' not found")
        } catch .unavailable {
            throw EmberError.badRequest("Service is unavailable at this time.")
        }
        let manageHost =
            request.cluster == nil && (request.host?.contains("#") ?? false)
            ? request.host ?? service.host : service.host
        let reservation = try await quotas.reserve(
            projectID: projectID,
            deltas: QuotaReservation.volumeDeltas(size: 0, typeName: volumeType.name),
            typeName: volumeType.name
        )
        let volume: Volume
        do {
            volume = try await store.createVolume(
                Volume(
                    userID: caller.userID,
                    projectID: projectID,
                    size: 0,
                    volumeTypeID: volumeType.id,
                    status: .managing,
                    displayName: request.name,
                    displayDescription: request.description,
                    availabilityZone: request.availabilityZone ?? service.availabilityZone,
                    host: manageHost,
                    clusterName: service.clusterName,
                    bootable: request.bootable,
                    multiattach: volumeType.extraSpecs["multiattach"] == "<is> True",
                    metadata: request.metadata
                )
            )
        } catch {
            await compensations.rollBack(reservation, in: store)
            throw error
        }
        try await store.commit(reservation)
        let spec = ManageRequestSpec(
            volumeID: volume.id,
            ref: request.ref,
            volumeTypeID: volumeType.id,
            availabilityZone: volume.availabilityZone
        )
        do {
            try await caster.manageExisting(volume, spec: spec, caller: caller, requestID: requestID)
        } catch {
            logger.error("Volume \(volume.id): manage failed.", metadata: ["error": "\(error)"])
            await compensations.settle("volume \(volume.id): manageFailed") { [store] in
                try await store.apply(VolumeTransitions.manageFailed, toVolume: volume.id)
            }
            throw error
        }
        logger.info(
            "Manage volume request issued successfully.",
            metadata: ["volume.id": .string(volume.id), "request.id": .string(requestID)]
        )
        return volume
    }

    /// `_get_service_by_host_cluster`: the `cinder-volume` service on `host` (its pool
    /// ignored; a bare host name matches its backends) or in `cluster`; it must be enabled
    /// and up.
    public nonisolated func manageService(
        host: String?,
        cluster: String?
    ) async throws(ManageServiceError) -> ServiceRecord {
        let services: [ServiceRecord]
        do {
            services = try await store.listServices(host: nil, binary: "cinder-volume", topic: nil, disabled: nil)
        } catch {
            throw .notFound
        }
        let found: ServiceRecord?
        if let cluster {
            let wanted = VolumeRPC.backend(ofHost: cluster)
            let members = services.filter { service in
                service.clusterName.map { Self.hostMatches($0, wanted) } ?? false
            }
            // Any member that is up serves the cluster.
            found = members.first { self.services.isUp($0, now: clock.now) } ?? members.first
        } else if let host {
            let wanted = VolumeRPC.backend(ofHost: host)
            found = services.first { Self.hostMatches($0.host, wanted) }
        } else {
            found = nil
        }
        guard let service = found else { throw .notFound }
        guard !service.disabled, self.services.isUp(service, now: clock.now) else { throw .unavailable }
        return service
    }

    /// cinder's `_filter_host` at the level the value implies: a pool matches exactly, a
    /// backend itself and its pools, a bare host its backends and pools.
    static func hostMatches(_ candidate: String, _ value: String) -> Bool {
        if candidate == value { return true }
        if value.contains("#") { return false }
        if candidate.hasPrefix(value + "#") { return true }
        return !value.contains("@") && candidate.hasPrefix(value + "@")
    }

    /// `volume_api.get_manageable_volumes`: asks the service's backend for its page.
    public nonisolated func manageableVolumes(
        host: String?,
        cluster: String?,
        paging: ManageablePaging,
        caller: Identity,
        requestID: String
    ) async throws -> [ManageableResource] {
        let service = try await listingService(host: host, cluster: cluster)
        return try await caster.getManageableVolumes(
            backend: service.host,
            paging: paging,
            caller: caller,
            requestID: requestID
        )
    }

    /// `volume_api.get_manageable_snapshots`.
    public nonisolated func manageableSnapshots(
        host: String?,
        cluster: String?,
        paging: ManageablePaging,
        caller: Identity,
        requestID: String
    ) async throws -> [ManageableResource] {
        let service = try await listingService(host: host, cluster: cluster)
        return try await caster.getManageableSnapshots(
            backend: service.host,
            paging: paging,
            caller: caller,
            requestID: requestID
        )
    }

    /// The service of a listing or a snapshot manage, with cinder's faults: none is its
    /// `ServiceNotFound` (404), disabled or down its `ServiceUnavailable` (400).
    nonisolated func listingService(host: String?, cluster: String?) async throws -> ServiceRecord {
        do {
            return try await manageService(host: host, cluster: cluster)
        } catch .notFound {
            if let host {
                throw EmberError.notFound("Service cinder-volume could not be found on host \(host).")
            }
            throw EmberError.notFound("Service cinder-volume could not be found.")
        } catch .unavailable {
            throw EmberError.badRequest("Service is unavailable at this time.")
        }
    }

    /// `volume_api.delete(unmanage_only=True)`: a volume never scheduled is deleted as a
    /// delete would; an encrypted one is refused; otherwise the delete's conditions move it
    /// to `unmanaging` and its backend lets it go (the data stays).
    public nonisolated func unmanageVolume(id: String, caller: Identity, requestID: String) async throws {
        let current = try await volume(id: id, caller: caller)
        if current.host == nil {
            try await deleteVolume(id: id, cascade: false, force: false, caller: caller, requestID: requestID)
            return
        }
        if current.encryptionKeyID != nil {
            throw EmberError.badRequest("Unacceptable parameters.")
        }
        try await exclusively(onVolume: id) {
            let current = try await volume(id: id, caller: caller)
            guard
                let unmanaging = try await store.conditionalUpdateVolume(
                    id: id,
                    set: [.status(VolumeTransitions.unmanageTarget(from: current.status)), .terminatedAt(clock.now)],
                    where: VolumeTransitions.unmanage.condition
                )
            else {
                throw EmberError.badRequest(
                    "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer."
                )
            }
            try await caster.unmanageVolume(unmanaging, caller: caller, requestID: requestID)
            logger.info("Unmanage volume request issued successfully.", metadata: ["volume.id": .string(id)])
        }
    }
}

extension SnapshotAPI {
    /// `volume_api.manage_existing_snapshot`: the volume's service must be enabled and up;
    /// the snapshot is inserted `creating` as a forced create would be (quota for the
    /// volume's size), then the scheduler's `manage_existing_snapshot` is cast.
    public func manageExisting(
        ref: JSONValue,
        volume: Volume,
        name: String?,
        description: String?,
        metadata: [String: String],
        caller: Identity,
        requestID: String
    ) async throws -> Snapshot {
        _ = try await volumes.listingService(host: volume.host, cluster: nil)
        let snapshot = try await createInDB(
            SnapshotCreateRequest(
                volumeID: volume.id,
                name: name,
                description: description,
                metadata: metadata,
                force: true
            ),
            of: volume,
            caller: caller,
            requestID: requestID
        )
        do {
            try await caster.manageExistingSnapshot(
                snapshot,
                of: volume,
                ref: ref,
                caller: caller,
                requestID: requestID
            )
        } catch {
            await compensations.settle("snapshot \(snapshot.id): createFailed") { [store] in
                try await store.apply(SnapshotTransitions.createFailed, toSnapshot: snapshot.id)
            }
            throw error
        }
        return snapshot
    }

    /// `volume_api.delete_snapshot(unmanage_only=True)`: `available` or `error`, in no group
    /// snapshot → `unmanaging`; the volume's backend lets it go (the data stays).
    public func unmanage(id: String, caller: Identity, requestID: String) async throws {
        let current = try await get(id: id, caller: caller)
        guard let unmanaging = try await store.apply(SnapshotTransitions.unmanage, toSnapshot: id) else {
            throw EmberError.badRequest(
                "Invalid snapshot: Snapshot status must be available or error and must not be part of a group."
            )
        }
        let volume = try await store.volume(id: current.volumeID, scope: .allProjects)
        do {
            try await caster.unmanageSnapshot(unmanaging, of: volume, caller: caller, requestID: requestID)
        } catch {
            await compensations.settle("snapshot \(id): unmanageRolledBack") { [store] in
                try await store.apply(
                    SnapshotTransitions.unmanageRolledBack,
                    toSnapshot: id,
                    given: current.status
                )
            }
            throw error
        }
        logger.info("Unmanage snapshot request issued successfully.", metadata: ["snapshot.id": .string(id)])
    }
}

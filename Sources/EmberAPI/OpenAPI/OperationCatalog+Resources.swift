import EmberCore

extension OperationCatalog {
    /// The resources past the priority ones (volumes, snapshots, backups, attachments, types,
    /// quotas, services, limits): statuses and request bodies from the controllers' schemas,
    /// answers field by field (``ResponseSchemas``).
    static func addResources(_ add: (String, String, OperationSpec) -> Void) {
        func spec(
            _ status: Int,
            _ request: (@Sendable (APIVersionRequest) -> Schema)? = nil,
            _ response: JSONValue? = nil,
            anyBody: Bool = false,
            query: [QueryParameter] = []
        ) -> OperationSpec {
            var spec = OperationSpec(status: status, request: request, acceptsAnyBody: anyBody, response: response)
            spec.query = query
            return spec
        }

        // Unmanage (volumes and snapshots).
        add("volumes", "os-unmanage", spec(202, { _ in ManageSchemas.unmanage }))
        add("snapshots", "os-unmanage", spec(202, { _ in ManageSchemas.unmanage }))

        // Generic volume groups (3.13), group snapshots (3.14), group types and specs (3.11).
        let groupList = paging + [allTenants]
        add(
            "groups",
            "index",
            spec(200, nil, R.page("groups", R.groupSummary, linksKey: "group_links"), query: groupList)
        )
        add(
            "groups",
            "detail",
            spec(200, nil, R.page("groups", R.group, linksKey: "group_links"), query: groupList)
        )
        add("groups", "show", spec(200, nil, R.wrapped("group", R.group)))
        add(
            "groups",
            "create",
            spec(202, { _ in GroupSchemas.create }, R.wrapped("group", R.groupSummary))
        )
        add("groups", "update", spec(202, { _ in GroupSchemas.update }))
        add("groups", "delete", spec(202, { _ in GroupSchemas.delete }))
        add(
            "groups",
            "create-from-src",
            spec(202, { _ in GroupSchemas.createFromSource }, R.wrapped("group", R.groupSummary))
        )
        add("groups", "reset_status", spec(202, { _ in GroupSchemas.resetStatus }))
        add("groups", "failover_replication", spec(202, { _ in GroupSchemas.failoverReplication }))
        for action in ["enable_replication", "disable_replication", "list_replication_targets"] {
            add("groups", action, spec(202, { _ in GroupSchemas.replication(action) }))
        }
        add(
            "group_snapshots",
            "index",
            spec(
                200,
                nil,
                R.list("group_snapshots", R.groupSnapshotSummary, linksKey: "group_snapshot_links"),
                query: paging + [allTenants]
            )
        )
        add(
            "group_snapshots",
            "detail",
            spec(
                200,
                nil,
                R.list("group_snapshots", R.groupSnapshot, linksKey: "group_snapshot_links"),
                query: paging + [allTenants]
            )
        )
        add("group_snapshots", "show", spec(200, nil, R.wrapped("group_snapshot", R.groupSnapshot)))
        add(
            "group_snapshots",
            "create",
            spec(202, { _ in GroupSnapshotSchemas.create }, R.wrapped("group_snapshot", R.groupSnapshotCreated))
        )
        add("group_snapshots", "delete", spec(202))
        add("group_snapshots", "reset_status", spec(202, { _ in GroupSnapshotSchemas.resetStatus }))
        add(
            "group_types",
            "index",
            spec(
                200,
                nil,
                R.page("group_types", R.groupType, linksKey: "group_type_links"),
                query: paging
            )
        )
        let groupType = R.wrapped("group_type", R.groupType)
        add("group_types", "show", spec(200, nil, groupType))
        add("group_types", "create", spec(202, { _ in GroupTypeSchemas.create }, groupType))
        add("group_types", "update", spec(200, { _ in GroupTypeSchemas.update }, groupType))
        add("group_types", "delete", spec(202))
        // Group specs may be null (`{"key": null}` is stored as given).
        let groupSpecs = R.wrapped("group_specs", ["type": "object", "additionalProperties": R.nullableString])
        add("group_specs", "index", spec(200, nil, groupSpecs))
        add("group_specs", "show", spec(200, nil, R.oneKey(R.nullableString)))
        add("group_specs", "create", spec(202, { _ in GroupTypeSchemas.specsCreate }, groupSpecs))
        add(
            "group_specs",
            "update",
            spec(200, { _ in GroupTypeSchemas.specsUpdate }, R.oneKey(R.nullableString))
        )
        add("group_specs", "delete", spec(202))

        // Legacy consistency groups: v3's core routes (`action` answers 404 whatever the body)
        // and the extension's create_from_src, `POST …/delete` and `PUT …/update`; cgsnapshots
        // (lists cut by `offset` and `limit` only).
        let consistencyGroup = R.wrapped("consistencygroup", R.consistencyGroupSummary)
        for controller in ["consistencygroups", "consistencygroups_extension"] {
            let list = paging + [allTenants]
            let links = "consistencygroup_links"
            add(
                controller,
                "index",
                spec(200, nil, R.list("consistencygroups", R.consistencyGroupSummary, linksKey: links), query: list)
            )
            add(
                controller,
                "detail",
                spec(200, nil, R.list("consistencygroups", R.consistencyGroup, linksKey: links), query: list)
            )
            add(controller, "show", spec(200, nil, R.wrapped("consistencygroup", R.consistencyGroup)))
            add(controller, "create", spec(202, { _ in ConsistencyGroupSchemas.create }, consistencyGroup))
            add(controller, "update", spec(202, { _ in ConsistencyGroupSchemas.update }))
            add(
                controller,
                "create_from_src",
                spec(202, { _ in ConsistencyGroupSchemas.createFromSource }, consistencyGroup)
            )
        }
        // `DELETE /{id}` deletes as with an empty body; `POST /{id}/delete` reads `force`.
        add("consistencygroups", "delete", spec(202))
        add("consistencygroups_extension", "delete", spec(202, { _ in ConsistencyGroupSchemas.delete }))
        add("consistencygroups", "action", OperationSpec(status: 404, acceptsAnyBody: true))
        let cgsnapshotList = [
            QueryParameter(
                "limit",
                ["type": "string", "pattern": "^[0-9]+$"],
                "The largest number of items to return."
            ),
            QueryParameter("offset", ["type": "string", "pattern": "^[0-9]+$"], "Items to skip."),
        ]
        add(
            "cgsnapshots",
            "index",
            spec(200, nil, R.wrapped("cgsnapshots", R.array(R.cgsnapshotSummary)), query: cgsnapshotList)
        )
        add(
            "cgsnapshots",
            "detail",
            spec(200, nil, R.wrapped("cgsnapshots", R.array(R.cgsnapshot)), query: cgsnapshotList)
        )
        add("cgsnapshots", "show", spec(200, nil, R.wrapped("cgsnapshot", R.cgsnapshot)))
        add(
            "cgsnapshots",
            "create",
            spec(202, { _ in ConsistencyGroupSchemas.createSnapshot }, R.wrapped("cgsnapshot", R.cgsnapshotSummary))
        )
        add("cgsnapshots", "delete", spec(202))

        // Transfers: v3's core resource and the `os-volume-transfer` extension.
        let transferCreates: [(String, @Sendable (APIVersionRequest) -> Schema)] = [
            ("volume_transfers", { TransferSchemas.create(version: $0) }),
            ("os-volume-transfer", { _ in TransferSchemas.create }),
        ]
        for (controller, create) in transferCreates {
            let list = paging + [allTenants]
            add(
                controller,
                "index",
                spec(200, nil, R.page("transfers", R.transferSummary), query: list)
            )
            add(controller, "detail", spec(200, nil, R.page("transfers", R.transfer), query: list))
            add(controller, "show", spec(200, nil, R.wrapped("transfer", R.transfer)))
            add(controller, "create", spec(202, create, R.wrapped("transfer", R.transfer)))
            add(
                controller,
                "accept",
                spec(202, { _ in TransferSchemas.accept }, R.wrapped("transfer", R.transferSummary))
            )
            add(controller, "delete", spec(202))
        }

        // Manage existing: v3's core resources (3.8) and the extensions. The volume answer is
        // the 3.0 view (`legacy_detail`), the snapshot answer the base fields.
        for (controller, snapshots) in [
            ("manageable_volumes", false), ("os-volume-manage", false), ("manageable_snapshots", true),
            ("os-snapshot-manage", true),
        ] {
            let key = snapshots ? "manageable-snapshots" : "manageable-volumes"
            for (action, detailed) in [("index", false), ("detail", true)] {
                let entry = R.manageable(detailed: detailed, snapshots: snapshots)
                add(controller, action, spec(200, nil, R.wrapped(key, R.array(entry)), query: paging))
            }
        }
        for controller in ["manageable_volumes", "os-volume-manage"] {
            add(
                controller,
                "create",
                spec(202, { ManageSchemas.volumeManage(version: $0) }, R.wrapped("volume", R.legacyVolume))
            )
        }
        for controller in ["manageable_snapshots", "os-snapshot-manage"] {
            add(
                controller,
                "create",
                spec(202, { _ in ManageSchemas.snapshotManage }, R.wrapped("snapshot", R.snapshotBase))
            )
        }

        // Clusters (3.7), workers cleanup (3.24), default types (3.62), messages (3.3).
        add("clusters", "index", spec(200, nil, R.wrapped("clusters", R.array(R.cluster(detailed: false)))))
        add("clusters", "detail", spec(200, nil, R.wrapped("clusters", R.array(R.cluster(detailed: true)))))
        add("clusters", "show", spec(200, nil, R.wrapped("cluster", R.cluster(detailed: true))))
        let updatedCluster = R.wrapped("cluster", R.cluster(detailed: false, disabledReason: true))
        add("clusters", "enable", spec(200, { _ in ClusterSchemas.enable }, updatedCluster))
        add("clusters", "disable", spec(200, { _ in ClusterSchemas.disable }, updatedCluster))
        add("workers", "cleanup", spec(202, { _ in WorkerSchemas.cleanup }, R.cleanup))
        let defaultType = R.wrapped("default_type", R.defaultType)
        add("default_types", "create_update", spec(200, { _ in DefaultTypeSchemas.createOrUpdate }, defaultType))
        add("default_types", "detail", spec(200, nil, defaultType))
        add("default_types", "index", spec(200, nil, R.wrapped("default_types", R.array(R.defaultType))))
        add("default_types", "delete", spec(204))
        add(
            "messages",
            "index",
            spec(200, nil, R.list("messages", R.message, linksKey: "messages_links"), query: paging)
        )
        add("messages", "show", spec(200, nil, R.wrapped("message", R.message)))
        add("messages", "delete", spec(204))

        // Encryption types and volumes' encryption metadata.
        add("volume_type_encryption", "index", spec(200, nil, R.encryptionIndex))
        add("volume_type_encryption", "show", spec(200, nil, R.encryptionField))
        add(
            "volume_type_encryption",
            "create",
            spec(200, { _ in EncryptionSchemas.create }, R.wrapped("encryption", R.encryption(created: true)))
        )
        add(
            "volume_type_encryption",
            "update",
            spec(200, { _ in EncryptionSchemas.update }, R.wrapped("encryption", R.encryption(created: false)))
        )
        add("volume_type_encryption", "delete", spec(202))
        add("volume_encryption_metadata", "index", spec(200, nil, R.encryptionMetadata))
        // One value, as cinder answers it: the bare text in a webob response, or an empty answer.
        var encryptionKey = OperationSpec(status: 200, response: [:])
        encryptionKey.bareWebOb = true
        add("volume_encryption_metadata", "show", encryptionKey)

        // QoS specs.
        add(
            "qos-specs",
            "index",
            spec(200, nil, R.list("qos_specs", R.qosSpecs, linksKey: "qos_specs_links"), query: paging)
        )
        add("qos-specs", "show", spec(200, nil, R.qosSpecsDetail))
        add("qos-specs", "create", spec(200, { _ in QoSSpecsSchemas.create }, R.qosSpecsDetail))
        add("qos-specs", "update", spec(200, { _ in QoSSpecsSchemas.set }, R.qosSpecsSet))
        add(
            "qos-specs",
            "delete",
            spec(202, query: [QueryParameter("force", ["type": "string"], "Delete while in use.")])
        )
        add("qos-specs", "delete_keys", spec(202, anyBody: true))
        add("qos-specs", "associations", spec(200, nil, R.qosAssociations))
        let typeID = [QueryParameter("vol_type_id", ["type": "string"], "The volume type.")]
        add("qos-specs", "associate", spec(202, query: typeID))
        add("qos-specs", "disassociate", spec(202, query: typeID))
        add("qos-specs", "disassociate_all", spec(202))

        // Services' other operations, hosts, availability zones, pools, capabilities.
        let serviceUpdate = R.serviceUpdate(reason: false)
        add("services", "enable", spec(200, { _ in ServiceSchemas.enableAndDisable }, serviceUpdate))
        add("services", "disable", spec(200, { _ in ServiceSchemas.enableAndDisable }, serviceUpdate))
        add(
            "services",
            "disable-log-reason",
            spec(200, { _ in ServiceSchemas.disableLogReason }, R.serviceUpdate(reason: true))
        )
        add("services", "freeze", spec(200, anyBody: true))
        add("services", "thaw", spec(200, anyBody: true))
        add("services", "failover_host", spec(202, anyBody: true))
        add("services", "set-log", spec(202, anyBody: true))
        add("services", "get-log", spec(200, nil, R.logLevels, anyBody: true))
        add("hosts", "index", spec(200, nil, R.hosts))
        add("hosts", "update", spec(200, nil, R.hostUpdate, anyBody: true))
        add("hosts", "show", spec(200, nil, R.hostResources))
        add("availability_zones", "index", spec(200, nil, R.availabilityZones))
        add(
            "scheduler_stats",
            "get_pools",
            spec(
                200,
                nil,
                R.pools,
                query: [QueryParameter("detail", ["type": "string"], "Show each pool's capabilities.")]
            )
        )
        add("capabilities", "show", spec(200, nil, R.capabilities))
        add("extensions", "index", spec(200, nil, R.wrapped("extensions", R.array(R.extensionView))))
        add("extensions", "show", spec(200, nil, R.wrapped("extension", R.extensionView)))
        add(
            "resource_filters",
            "index",
            spec(
                200,
                nil,
                R.resourceFilters,
                query: [QueryParameter("resource", ["type": "string"], "Only this resource's filters.")]
            )
        )
    }
}

import EmberCore
import EmberWSGI

/// The extensions Ember has, with cinder 29.0.0's names, aliases, descriptions and dates
/// (`cinder/api/contrib/*.py`), in the order they load.
///
/// The attribute extensions (`os-vol-host-attr`, `os-vol-tenant-attr`,
/// `os-vol-mig-status-attr`, `os-vol-image-meta`, `os-extended-snapshot-attributes`) add
/// fields to show and detail views; the view builders ask the loaded set for them while they
/// build each entry, instead of walking the finished list again as cinder's response
/// extensions do.
public enum StandardExtensions {
    public static let all: [APIExtension] = [
        volumeImageMetadata, hosts, typesManage, volumeActions, volumeHostAttribute, adminActions,
        extendedSnapshotAttributes, services, extendedServices, volumeTenantAttribute,
        volumeMigStatusAttribute, quotaClasses, typesExtraSpecs, volumeTypeAccess, quotas, usedLimits,
        availabilityZones, schedulerStats, capabilities, snapshotActions, backups, cgsnapshots, consistencyGroups,
        schedulerHints,
        volumeTransfer, qosSpecsManage, volumeTypeEncryption, volumeEncryptionMetadata, volumeManage,
        snapshotManage, volumeUnmanage, snapshotUnmanage,
    ]

    /// `OS-SCH-HNT`: `OS-SCH-HNT:scheduler_hints` in a volume create reaches the scheduler
    /// (VolumesController reads it; the extension only names the feature).
    static let schedulerHints = APIExtension(
        name: "SchedulerHints",
        alias: "OS-SCH-HNT",
        description: "Pass arbitrary key/value pairs to the scheduler.",
        updated: "2013-04-18T00:00:00+00:00",
        module: "scheduler_hints"
    )

    static let volumeImageMetadata = APIExtension(
        name: "VolumeImageMetadata",
        alias: "os-vol-image-meta",
        description: "Show image metadata associated with the volume.",
        updated: "2012-12-07T00:00:00+00:00",
        module: "volume_image_metadata",
        controllerExtensions: [
            ControllerExtension("volumes") { context in VolumeImageMetadataController(api: context.api).controller() }
        ]
    )

    static let volumeHostAttribute = APIExtension(
        name: "VolumeHostAttribute",
        alias: "os-vol-host-attr",
        description: "Expose host as an attribute of a volume.",
        updated: "2011-11-03T00:00:00+00:00",
        module: "volume_host_attribute"
    )

    static let volumeTenantAttribute = APIExtension(
        name: "VolumeTenantAttribute",
        alias: "os-vol-tenant-attr",
        description: "Expose the internal project_id as an attribute of a volume.",
        updated: "2011-11-03T00:00:00+00:00",
        module: "volume_tenant_attribute"
    )

    static let volumeMigStatusAttribute = APIExtension(
        name: "VolumeMigStatusAttribute",
        alias: "os-vol-mig-status-attr",
        description: "Expose migration_status as an attribute of a volume.",
        updated: "2013-08-08T00:00:00+00:00",
        module: "volume_mig_status_attribute"
    )

    static let extendedSnapshotAttributes = APIExtension(
        name: "ExtendedSnapshotAttributes",
        alias: "os-extended-snapshot-attributes",
        description: "Extended SnapshotAttributes support.",
        updated: "2012-06-19T00:00:00+00:00",
        module: "extended_snapshot_attributes"
    )

    static let volumeActions = APIExtension(
        name: "VolumeActions",
        alias: "os-volume-actions",
        description: "Enable volume actions.",
        updated: "2012-05-31T00:00:00+00:00",
        module: "volume_actions",
        controllerExtensions: [
            ControllerExtension("volumes") { context in VolumeActionsController(api: context.api).controller() }
        ]
    )

    static let adminActions = APIExtension(
        name: "AdminActions",
        alias: "os-admin-actions",
        description: "Enable admin actions.",
        updated: "2012-08-25T00:00:00+00:00",
        module: "admin_actions",
        controllerExtensions: [
            ControllerExtension("volumes") { context in AdminActionsController(api: context.api).volumeActions() },
            ControllerExtension("snapshots") { context in AdminActionsController(api: context.api).snapshotActions() },
        ]
    )

    static let quotas = APIExtension(
        name: "Quotas",
        alias: "os-quota-sets",
        description: "Quota management support.",
        updated: "2011-08-08T00:00:00+00:00",
        module: "quotas",
        resources: [
            ResourceExtension("os-quota-sets", controllerName: "quota_sets", memberActions: [("defaults", .get)]) {
                context in QuotaSetsController(api: context.api).controller()
            }
        ]
    )

    static let quotaClasses = APIExtension(
        name: "QuotaClasses",
        alias: "os-quota-class-sets",
        description: "Quota classes management support.",
        updated: "2012-03-12T00:00:00+00:00",
        module: "quota_classes",
        resources: [
            ResourceExtension("os-quota-class-sets", controllerName: "quota_class_sets") { context in
                QuotaClassSetsController(api: context.api).controller()
            }
        ]
    )

    static let usedLimits = APIExtension(
        name: "UsedLimits",
        alias: "os-used-limits",
        description: "Provide data on limited resources that are being used.",
        updated: "2013-10-03T00:00:00+00:00",
        module: "used_limits",
        controllerExtensions: [
            ControllerExtension("limits") { context in LimitsController(api: context.api).usedLimitsExtension() }
        ]
    )

    static let typesManage = APIExtension(
        name: "TypesManage",
        alias: "os-types-manage",
        description: "Types manage support.",
        updated: "2011-08-24T00:00:00+00:00",
        module: "types_manage",
        controllerExtensions: [
            ControllerExtension("types") { context in
                TypesManageController(api: context.api, flavor: context.flavor).controller()
            }
        ]
    )

    static let typesExtraSpecs = APIExtension(
        name: "TypesExtraSpecs",
        alias: "os-types-extra-specs",
        description: "Type extra specs support.",
        updated: "2011-08-24T00:00:00+00:00",
        module: "types_extra_specs",
        resources: [
            ResourceExtension(
                "extra_specs",
                controllerName: "types_extra_specs",
                parent: (memberName: "type", collection: "types")
            ) { context in TypesExtraSpecsController(api: context.api).controller() }
        ]
    )

    static let volumeTypeAccess = APIExtension(
        name: "VolumeTypeAccess",
        alias: "os-volume-type-access",
        description: "Volume type access support.",
        updated: "2014-06-26T00:00:00Z",
        module: "volume_type_access",
        resources: [
            ResourceExtension(
                "os-volume-type-access",
                controllerName: "volume_type_access",
                parent: (memberName: "type", collection: "types")
            ) { context in VolumeTypeAccessController(api: context.api).controller() }
        ],
        controllerExtensions: [
            ControllerExtension("types") { context in VolumeTypeAccessController(api: context.api).actions() }
        ]
    )

    static let services = APIExtension(
        name: "Services",
        alias: "os-services",
        description: "Services support.",
        updated: "2012-10-28T00:00:00-00:00",
        module: "services",
        resources: [
            {
                // cinder's v3 router connects exactly these (anything else under /os-services is
                // webob's 404, not a fault).
                var resource = ResourceExtension(
                    "os-services",
                    controllerName: "services",
                    customRoutes: { mapper in
                        mapper.connect("os-services", method: .get, controller: "services", action: "index")
                        for action in [
                            "enable", "disable", "disable-log-reason", "get-log", "set-log", "freeze", "thaw",
                            "failover_host",
                        ] {
                            mapper.connect(
                                "os-services/" + action,
                                method: .put,
                                controller: "services",
                                action: action
                            )
                        }
                    }
                ) { context in
                    ServicesController(api: context.api, extended: context.loaded.contains("os-extended-services"))
                        .controller()
                }
                resource.standardRoutes = false
                return resource
            }()
        ]
    )

    static let extendedServices = APIExtension(
        name: "ExtendedServices",
        alias: "os-extended-services",
        description: "Extended services support.",
        updated: "2014-01-10T00:00:00-00:00",
        module: "extended_services"
    )

    static let hosts = APIExtension(
        name: "Hosts",
        alias: "os-hosts",
        description: "Admin-only host administration.",
        updated: "2011-06-29T00:00:00+00:00",
        module: "hosts",
        resources: [
            ResourceExtension("os-hosts", controllerName: "hosts", collectionActions: [("update", .put)]) { context in
                HostsController(api: context.api).controller()
            }
        ]
    )

    static let availabilityZones = APIExtension(
        name: "AvailabilityZones",
        alias: "os-availability-zone",
        description: "Describe Availability Zones.",
        updated: "2013-06-27T00:00:00+00:00",
        module: "availability_zones",
        resources: [
            ResourceExtension("os-availability-zone", controllerName: "availability_zones") { context in
                AvailabilityZonesController(api: context.api).controller()
            }
        ]
    )

    static let schedulerStats = APIExtension(
        name: "Scheduler_stats",
        alias: "scheduler-stats",
        description: "Scheduler stats support.",
        updated: "2014-09-07T00:00:00+00:00",
        module: "scheduler_stats",
        resources: [
            ResourceExtension(
                "scheduler-stats",
                controllerName: "scheduler_stats",
                collectionActions: [("get_pools", .get)]
            ) {
                context in SchedulerStatsController(api: context.api).controller()
            }
        ]
    )

    static let capabilities = APIExtension(
        name: "Capabilities",
        alias: "capabilities",
        description: "Capabilities support.",
        updated: "2015-08-31T00:00:00+00:00",
        module: "capabilities",
        resources: [
            ResourceExtension("capabilities") { context in CapabilitiesController(api: context.api).controller() }
        ]
    )

    static let snapshotActions = APIExtension(
        name: "SnapshotActions",
        alias: "os-snapshot-actions",
        description: "Enable snapshot manager actions.",
        updated: "2013-07-16T00:00:00+00:00",
        module: "snapshot_actions",
        controllerExtensions: [
            ControllerExtension("snapshots") { context in SnapshotActionsController(api: context.api).controller() }
        ]
    )

    static let backups = APIExtension(
        name: "Backups",
        alias: "backups",
        description: "Backups support.",
        updated: "2012-12-12T00:00:00+00:00",
        module: "backups",
        resources: [
            ResourceExtension(
                "backups",
                collectionActions: [("detail", .get), ("import_record", .post)],
                memberActions: [("restore", .post), ("export_record", .get), ("action", .post)]
            ) { context in BackupsController(api: context.api).controller() }
        ]
    )

    /// `consistencygroups` (`cinder/api/contrib/consistencygroups.py`): on v3 the core routes
    /// serve index, show, create, `PUT` and `DELETE`; the extension's `create_from_src`,
    /// `POST …/delete` and `PUT …/update` reach the contrib controller (whose update knows no
    /// microversion). On `/v2` and `/v1` the extension serves every route.
    static let consistencyGroups = APIExtension(
        name: "Consistencygroups",
        alias: "consistencygroups",
        description: "consistency groups support.",
        updated: "2014-08-18T00:00:00+00:00",
        module: "consistencygroups",
        resources: [
            ResourceExtension(
                "consistencygroups",
                controllerName: "consistencygroups_extension",
                collectionActions: [("detail", .get), ("create_from_src", .post)],
                memberActions: [("delete", .post), ("update", .put)]
            ) { context in ConsistencyGroupsController(api: context.api, legacy: true).controller() }
        ]
    )

    /// `cgsnapshots` (`cinder/api/contrib/cgsnapshots.py`): group snapshots as cgsnapshots.
    static let cgsnapshots = APIExtension(
        name: "Cgsnapshots",
        alias: "cgsnapshots",
        description: "cgsnapshots support.",
        updated: "2014-08-18T00:00:00+00:00",
        module: "cgsnapshots",
        resources: [
            ResourceExtension("cgsnapshots", collectionActions: [("detail", .get)]) { context in
                CGSnapshotsController(api: context.api).controller()
            }
        ]
    )

    /// `os-volume-transfer`: the legacy transfer routes (`cinder/api/contrib/volume_transfer.py`),
    /// beside the v3 `volume-transfers` resource of the core router.
    static let volumeTransfer = APIExtension(
        name: "VolumeTransfer",
        alias: "os-volume-transfer",
        description: "Volume transfer management support.",
        updated: "2013-05-29T00:00:00+00:00",
        module: "volume_transfer",
        resources: [
            ResourceExtension(
                "os-volume-transfer",
                collectionActions: [("detail", .get)],
                memberActions: [("accept", .post)]
            ) { context in VolumeTransfersController(api: context.api, legacy: true).controller() }
        ]
    )

    /// `qos-specs`: QoS specs and their association with volume types
    /// (`cinder/api/contrib/qos_specs_manage.py`).
    static let qosSpecsManage = APIExtension(
        name: "Qos_specs_manage",
        alias: "qos-specs",
        description: "QoS specs support.",
        updated: "2013-08-02T00:00:00+00:00",
        module: "qos_specs_manage",
        resources: [
            ResourceExtension(
                "qos-specs",
                memberActions: [
                    ("associations", .get), ("associate", .get), ("disassociate", .get), ("disassociate_all", .get),
                    ("delete_keys", .put),
                ]
            ) { context in QoSSpecsController(api: context.api).controller() }
        ]
    )

    /// `os-volume-manage` (`cinder/api/contrib/volume_manage.py`): manage existing volumes,
    /// and list what a backend could manage, at any microversion.
    static let volumeManage = APIExtension(
        name: "VolumeManage",
        alias: "os-volume-manage",
        description: "Allows existing backend storage to be 'managed' by Cinder.",
        updated: "2014-02-10T00:00:00+00:00",
        module: "volume_manage",
        resources: [
            ResourceExtension("os-volume-manage", collectionActions: [("detail", .get)]) { context in
                ManageableController(api: context.api, resource: .volumes, legacy: true).controller()
            }
        ]
    )

    /// `os-snapshot-manage` (`cinder/api/contrib/snapshot_manage.py`).
    static let snapshotManage = APIExtension(
        name: "SnapshotManage",
        alias: "os-snapshot-manage",
        description: "Allows existing backend storage to be 'managed' by Cinder.",
        updated: "2014-12-31T00:00:00+00:00",
        module: "snapshot_manage",
        resources: [
            ResourceExtension("os-snapshot-manage", collectionActions: [("detail", .get)]) { context in
                ManageableController(api: context.api, resource: .snapshots, legacy: true).controller()
            }
        ]
    )

    /// `os-volume-unmanage`: the volumes' `os-unmanage` action.
    static let volumeUnmanage = APIExtension(
        name: "VolumeUnmanage",
        alias: "os-volume-unmanage",
        description: "Enable volume unmanage operation.",
        updated: "2012-05-31T00:00:00+00:00",
        module: "volume_unmanage",
        controllerExtensions: [
            ControllerExtension("volumes") { context in ManageableController.volumeUnmanage(api: context.api) }
        ]
    )

    /// `os-snapshot-unmanage`: the snapshots' `os-unmanage` action.
    static let snapshotUnmanage = APIExtension(
        name: "SnapshotUnmanage",
        alias: "os-snapshot-unmanage",
        description: "Enable volume unmanage operation.",
        updated: "2014-12-31T00:00:00+00:00",
        module: "snapshot_unmanage",
        controllerExtensions: [
            ControllerExtension("snapshots") { context in ManageableController.snapshotUnmanage(api: context.api) }
        ]
    )

    /// `encryption`: the encryption of volume types (`cinder/api/contrib/volume_type_encryption.py`).
    static let volumeTypeEncryption = APIExtension(
        name: "VolumeTypeEncryption",
        alias: "encryption",
        description: "Encryption support for volume types.",
        updated: "2013-07-01T00:00:00+00:00",
        module: "volume_type_encryption",
        resources: [
            ResourceExtension(
                "encryption",
                controllerName: "volume_type_encryption",
                parent: (memberName: "type", collection: "types")
            ) { context in VolumeTypeEncryptionController(api: context.api).controller() }
        ]
    )

    /// `os-volume-encryption-metadata`: what attaching an encrypted volume reads
    /// (`cinder/api/contrib/volume_encryption_metadata.py`).
    static let volumeEncryptionMetadata = APIExtension(
        name: "VolumeEncryptionMetadata",
        alias: "os-volume-encryption-metadata",
        description: "Volume encryption metadata retrieval support.",
        updated: "2013-07-10T00:00:00+00:00",
        module: "volume_encryption_metadata",
        resources: [
            ResourceExtension(
                "encryption",
                controllerName: "volume_encryption_metadata",
                parent: (memberName: "volume", collection: "volumes")
            ) { context in VolumeEncryptionMetadataController(api: context.api).controller() }
        ]
    )
}

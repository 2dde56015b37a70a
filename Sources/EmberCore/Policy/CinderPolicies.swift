// Generated from cinder 29.0.0 `cinder.policies.list_rules()`: the 167 registered rules
// (rule names and check strings only). Regenerate rather than edit by hand.

/// cinder 29.0.0's registered policy defaults (`cinder/policies/*.py`, §8 of the API reference):
/// project-scoped, role-based "Xena personas". A policy file overrides them by name.
public enum CinderPolicies {
    /// Rule name → check string, in cinder's registration order.
    public static let ordered: [(name: String, check: String)] = [
        ("admin_or_owner", "is_admin:True or (role:admin and is_admin_project:True) or project_id:%(project_id)s"),
        (
            "system_or_domain_or_project_admin",
            "(role:admin and system_scope:all) or (role:admin and domain_id:%(domain_id)s) or (role:admin and project_id:%(project_id)s)"
        ),
        ("context_is_admin", "role:admin"),
        ("admin_api", "is_admin:True or (role:admin and is_admin_project:True)"),
        ("xena_system_admin_or_project_reader", "(role:admin) or (role:reader and project_id:%(project_id)s)"),
        ("xena_system_admin_or_project_member", "(role:admin) or (role:member and project_id:%(project_id)s)"),
        ("volume:attachment_create", "rule:xena_system_admin_or_project_member"),
        ("volume:attachment_update", "rule:xena_system_admin_or_project_member"),
        ("volume:attachment_delete", "rule:xena_system_admin_or_project_member"),
        ("volume:attachment_complete", "rule:xena_system_admin_or_project_member"),
        ("volume:multiattach_bootable_volume", "rule:xena_system_admin_or_project_member"),
        ("message:get_all", "rule:xena_system_admin_or_project_reader"),
        ("message:get", "rule:xena_system_admin_or_project_reader"),
        ("message:delete", "rule:xena_system_admin_or_project_member"),
        ("clusters:get_all", "rule:admin_api"),
        ("clusters:get", "rule:admin_api"),
        ("clusters:update", "rule:admin_api"),
        ("workers:cleanup", "rule:admin_api"),
        ("volume:get_snapshot_metadata", "rule:xena_system_admin_or_project_reader"),
        ("volume:update_snapshot_metadata", "rule:xena_system_admin_or_project_member"),
        ("volume:delete_snapshot_metadata", "rule:xena_system_admin_or_project_member"),
        ("volume:get_all_snapshots", "rule:xena_system_admin_or_project_reader"),
        ("volume_extension:extended_snapshot_attributes", "rule:xena_system_admin_or_project_reader"),
        ("volume:create_snapshot", "rule:xena_system_admin_or_project_member"),
        ("volume:get_snapshot", "rule:xena_system_admin_or_project_reader"),
        ("volume:update_snapshot", "rule:xena_system_admin_or_project_member"),
        ("volume:delete_snapshot", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:snapshot_admin_actions:reset_status", "rule:admin_api"),
        ("snapshot_extension:snapshot_actions:update_snapshot_status", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:snapshot_admin_actions:force_delete", "rule:admin_api"),
        ("snapshot_extension:list_manageable", "rule:admin_api"),
        ("snapshot_extension:snapshot_manage", "rule:admin_api"),
        ("snapshot_extension:snapshot_unmanage", "rule:admin_api"),
        ("backup:get_all", "rule:xena_system_admin_or_project_reader"),
        ("backup:backup_project_attribute", "rule:admin_api"),
        ("backup:create", "rule:xena_system_admin_or_project_member"),
        ("backup:get", "rule:xena_system_admin_or_project_reader"),
        ("backup:update", "rule:xena_system_admin_or_project_member"),
        ("backup:delete", "rule:xena_system_admin_or_project_member"),
        ("backup:restore", "rule:xena_system_admin_or_project_member"),
        ("backup:backup-import", "rule:admin_api"),
        ("backup:export-import", "rule:admin_api"),
        ("volume_extension:backup_admin_actions:reset_status", "rule:admin_api"),
        ("volume_extension:backup_admin_actions:force_delete", "rule:admin_api"),
        ("group:get_all", "rule:xena_system_admin_or_project_reader"),
        ("group:create", "rule:xena_system_admin_or_project_member"),
        ("group:get", "rule:xena_system_admin_or_project_reader"),
        ("group:update", "rule:xena_system_admin_or_project_member"),
        ("group:group_project_attribute", "rule:admin_api"),
        ("group:group_types:create", "rule:admin_api"),
        ("group:group_types:update", "rule:admin_api"),
        ("group:group_types:delete", "rule:admin_api"),
        ("group:access_group_types_specs", "rule:admin_api"),
        ("group:group_types_specs:get", "rule:admin_api"),
        ("group:group_types_specs:get_all", "rule:admin_api"),
        ("group:group_types_specs:create", "rule:admin_api"),
        ("group:group_types_specs:update", "rule:admin_api"),
        ("group:group_types_specs:delete", "rule:admin_api"),
        ("group:get_all_group_snapshots", "rule:xena_system_admin_or_project_reader"),
        ("group:create_group_snapshot", "rule:xena_system_admin_or_project_member"),
        ("group:get_group_snapshot", "rule:xena_system_admin_or_project_reader"),
        ("group:delete_group_snapshot", "rule:xena_system_admin_or_project_member"),
        ("group:update_group_snapshot", "rule:xena_system_admin_or_project_member"),
        ("group:group_snapshot_project_attribute", "rule:admin_api"),
        ("group:reset_group_snapshot_status", "rule:admin_api"),
        ("group:delete", "rule:xena_system_admin_or_project_member"),
        ("group:reset_status", "rule:admin_api"),
        ("group:enable_replication", "rule:xena_system_admin_or_project_member"),
        ("group:disable_replication", "rule:xena_system_admin_or_project_member"),
        ("group:failover_replication", "rule:xena_system_admin_or_project_member"),
        ("group:list_replication_targets", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:qos_specs_manage:get_all", "rule:admin_api"),
        ("volume_extension:qos_specs_manage:get", "rule:admin_api"),
        ("volume_extension:qos_specs_manage:create", "rule:admin_api"),
        ("volume_extension:qos_specs_manage:update", "rule:admin_api"),
        ("volume_extension:qos_specs_manage:delete", "rule:admin_api"),
        ("volume_extension:quota_classes:get", "rule:admin_api"),
        ("volume_extension:quota_classes:update", "rule:admin_api"),
        ("volume_extension:quotas:show", "rule:xena_system_admin_or_project_reader"),
        ("volume_extension:quotas:update", "rule:admin_api"),
        ("volume_extension:quotas:delete", "rule:admin_api"),
        ("volume_extension:capabilities", "rule:admin_api"),
        ("volume_extension:services:index", "rule:admin_api"),
        ("volume_extension:services:update", "rule:admin_api"),
        ("volume:freeze_host", "rule:admin_api"),
        ("volume:thaw_host", "rule:admin_api"),
        ("volume:failover_host", "rule:admin_api"),
        ("scheduler_extension:scheduler_stats:get_pools", "rule:admin_api"),
        ("volume_extension:hosts", "rule:admin_api"),
        ("limits_extension:used_limits", "rule:xena_system_admin_or_project_reader"),
        ("volume_extension:list_manageable", "rule:admin_api"),
        ("volume_extension:volume_manage", "rule:admin_api"),
        ("volume_extension:volume_unmanage", "rule:admin_api"),
        ("volume_extension:type_create", "rule:admin_api"),
        ("volume_extension:type_update", "rule:admin_api"),
        ("volume_extension:type_delete", "rule:admin_api"),
        ("volume_extension:type_get", "rule:xena_system_admin_or_project_reader"),
        ("volume_extension:type_get_all", "rule:xena_system_admin_or_project_reader"),
        ("volume_extension:access_types_extra_specs", "rule:xena_system_admin_or_project_reader"),
        ("volume_extension:access_types_qos_specs_id", "rule:admin_api"),
        ("volume_extension:volume_type_encryption", "rule:admin_api"),
        ("volume_extension:volume_type_encryption:create", "rule:admin_api"),
        ("volume_extension:volume_type_encryption:get", "rule:admin_api"),
        ("volume_extension:volume_type_encryption:update", "rule:admin_api"),
        ("volume_extension:volume_type_encryption:delete", "rule:admin_api"),
        ("volume_extension:volume_type_access", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:volume_type_access:addProjectAccess", "rule:admin_api"),
        ("volume_extension:volume_type_access:removeProjectAccess", "rule:admin_api"),
        ("volume_extension:volume_type_access:get_all_for_type", "rule:admin_api"),
        ("volume:extend", "rule:xena_system_admin_or_project_member"),
        ("volume:extend_attached_volume", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:volume_admin_actions:extend_volume_completion", "rule:admin_api"),
        ("volume:revert_to_snapshot", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:volume_admin_actions:reset_status", "rule:admin_api"),
        ("volume:retype", "rule:xena_system_admin_or_project_member"),
        ("volume:update_readonly_flag", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:volume_admin_actions:force_delete", "rule:admin_api"),
        ("volume_extension:volume_actions:upload_public", "rule:admin_api"),
        ("volume_extension:volume_actions:upload_image", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:volume_admin_actions:force_detach", "rule:admin_api"),
        ("volume_extension:volume_admin_actions:migrate_volume", "rule:admin_api"),
        ("volume_extension:volume_admin_actions:migrate_volume_completion", "rule:admin_api"),
        ("volume_extension:volume_actions:initialize_connection", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:volume_actions:terminate_connection", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:volume_actions:roll_detaching", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:volume_actions:reserve", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:volume_actions:unreserve", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:volume_actions:begin_detaching", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:volume_actions:attach", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:volume_actions:detach", "rule:xena_system_admin_or_project_member"),
        ("volume:reimage", "rule:xena_system_admin_or_project_member"),
        ("volume:reimage_reserved", "rule:xena_system_admin_or_project_member"),
        ("volume:get_all_transfers", "rule:xena_system_admin_or_project_reader"),
        ("volume:create_transfer", "rule:xena_system_admin_or_project_member"),
        ("volume:get_transfer", "rule:xena_system_admin_or_project_reader"),
        ("volume:accept_transfer", "rule:xena_system_admin_or_project_member"),
        ("volume:delete_transfer", "rule:xena_system_admin_or_project_member"),
        ("volume:get_volume_metadata", "rule:xena_system_admin_or_project_reader"),
        ("volume:create_volume_metadata", "rule:xena_system_admin_or_project_member"),
        ("volume:update_volume_metadata", "rule:xena_system_admin_or_project_member"),
        ("volume:delete_volume_metadata", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:volume_image_metadata:show", "rule:xena_system_admin_or_project_reader"),
        ("volume_extension:volume_image_metadata:set", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:volume_image_metadata:remove", "rule:xena_system_admin_or_project_member"),
        ("volume:update_volume_admin_metadata", "rule:admin_api"),
        ("volume_extension:types_extra_specs:index", "rule:xena_system_admin_or_project_reader"),
        ("volume_extension:types_extra_specs:create", "rule:admin_api"),
        ("volume_extension:types_extra_specs:show", "rule:xena_system_admin_or_project_reader"),
        ("volume_extension:types_extra_specs:read_sensitive", "rule:admin_api"),
        ("volume_extension:types_extra_specs:update", "rule:admin_api"),
        ("volume_extension:types_extra_specs:delete", "rule:admin_api"),
        ("volume:create", "rule:xena_system_admin_or_project_member"),
        ("volume:create_from_image", "rule:xena_system_admin_or_project_member"),
        ("volume:get", "rule:xena_system_admin_or_project_reader"),
        ("volume:get_all", "rule:xena_system_admin_or_project_reader"),
        ("volume:update", "rule:xena_system_admin_or_project_member"),
        ("volume:delete", "rule:xena_system_admin_or_project_member"),
        ("volume:force_delete", "rule:admin_api"),
        ("volume_extension:volume_host_attribute", "rule:admin_api"),
        ("volume_extension:volume_tenant_attribute", "rule:xena_system_admin_or_project_reader"),
        ("volume_extension:volume_mig_status_attribute", "rule:admin_api"),
        ("volume_extension:volume_encryption_metadata", "rule:xena_system_admin_or_project_reader"),
        ("volume:multiattach", "rule:xena_system_admin_or_project_member"),
        ("volume_extension:default_set_or_update", "rule:admin_api"),
        ("volume_extension:default_get", "rule:admin_api"),
        ("volume_extension:default_get_all", "rule:admin_api"),
        ("volume_extension:default_unset", "rule:admin_api"),
    ]

    /// Rule name → check string.
    public static let defaults: [String: String] = Dictionary(uniqueKeysWithValues: ordered.map { ($0.name, $0.check) })
}

extension PolicyAction {
    /// `admin_or_owner` (default `is_admin:True or (role:admin and is_admin_project:True) or project_id:%(project_id)s`).
    public static let adminOrOwner = PolicyAction("admin_or_owner")
    /// `system_or_domain_or_project_admin` (default `(role:admin and system_scope:all) or (role:admin and domain_id:%(domain_id)s) or (role:admin and project_id:%(project_id)s)`).
    public static let systemOrDomainOrProjectAdmin = PolicyAction("system_or_domain_or_project_admin")
    /// `context_is_admin` (default `role:admin`).
    public static let contextIsAdmin = PolicyAction("context_is_admin")
    /// `admin_api` (default `is_admin:True or (role:admin and is_admin_project:True)`).
    public static let adminApi = PolicyAction("admin_api")
    /// `xena_system_admin_or_project_reader` (default `(role:admin) or (role:reader and project_id:%(project_id)s)`).
    public static let xenaSystemAdminOrProjectReader = PolicyAction("xena_system_admin_or_project_reader")
    /// `xena_system_admin_or_project_member` (default `(role:admin) or (role:member and project_id:%(project_id)s)`).
    public static let xenaSystemAdminOrProjectMember = PolicyAction("xena_system_admin_or_project_member")
    /// `volume:attachment_create` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeAttachmentCreate = PolicyAction("volume:attachment_create")
    /// `volume:attachment_update` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeAttachmentUpdate = PolicyAction("volume:attachment_update")
    /// `volume:attachment_delete` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeAttachmentDelete = PolicyAction("volume:attachment_delete")
    /// `volume:attachment_complete` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeAttachmentComplete = PolicyAction("volume:attachment_complete")
    /// `volume:multiattach_bootable_volume` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeMultiattachBootableVolume = PolicyAction("volume:multiattach_bootable_volume")
    /// `message:get_all` (default `rule:xena_system_admin_or_project_reader`).
    public static let messageGetAll = PolicyAction("message:get_all")
    /// `message:get` (default `rule:xena_system_admin_or_project_reader`).
    public static let messageGet = PolicyAction("message:get")
    /// `message:delete` (default `rule:xena_system_admin_or_project_member`).
    public static let messageDelete = PolicyAction("message:delete")
    /// `clusters:get_all` (default `rule:admin_api`).
    public static let clustersGetAll = PolicyAction("clusters:get_all")
    /// `clusters:get` (default `rule:admin_api`).
    public static let clustersGet = PolicyAction("clusters:get")
    /// `clusters:update` (default `rule:admin_api`).
    public static let clustersUpdate = PolicyAction("clusters:update")
    /// `workers:cleanup` (default `rule:admin_api`).
    public static let workersCleanup = PolicyAction("workers:cleanup")
    /// `volume:get_snapshot_metadata` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeGetSnapshotMetadata = PolicyAction("volume:get_snapshot_metadata")
    /// `volume:update_snapshot_metadata` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeUpdateSnapshotMetadata = PolicyAction("volume:update_snapshot_metadata")
    /// `volume:delete_snapshot_metadata` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeDeleteSnapshotMetadata = PolicyAction("volume:delete_snapshot_metadata")
    /// `volume:get_all_snapshots` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeGetAllSnapshots = PolicyAction("volume:get_all_snapshots")
    /// `volume_extension:extended_snapshot_attributes` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeExtensionExtendedSnapshotAttributes = PolicyAction(
        "volume_extension:extended_snapshot_attributes"
    )
    /// `volume:create_snapshot` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeCreateSnapshot = PolicyAction("volume:create_snapshot")
    /// `volume:get_snapshot` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeGetSnapshot = PolicyAction("volume:get_snapshot")
    /// `volume:update_snapshot` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeUpdateSnapshot = PolicyAction("volume:update_snapshot")
    /// `volume:delete_snapshot` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeDeleteSnapshot = PolicyAction("volume:delete_snapshot")
    /// `volume_extension:snapshot_admin_actions:reset_status` (default `rule:admin_api`).
    public static let volumeExtensionSnapshotAdminActionsResetStatus = PolicyAction(
        "volume_extension:snapshot_admin_actions:reset_status"
    )
    /// `snapshot_extension:snapshot_actions:update_snapshot_status` (default `rule:xena_system_admin_or_project_member`).
    public static let snapshotExtensionSnapshotActionsUpdateSnapshotStatus = PolicyAction(
        "snapshot_extension:snapshot_actions:update_snapshot_status"
    )
    /// `volume_extension:snapshot_admin_actions:force_delete` (default `rule:admin_api`).
    public static let volumeExtensionSnapshotAdminActionsForceDelete = PolicyAction(
        "volume_extension:snapshot_admin_actions:force_delete"
    )
    /// `snapshot_extension:list_manageable` (default `rule:admin_api`).
    public static let snapshotExtensionListManageable = PolicyAction("snapshot_extension:list_manageable")
    /// `snapshot_extension:snapshot_manage` (default `rule:admin_api`).
    public static let snapshotExtensionSnapshotManage = PolicyAction("snapshot_extension:snapshot_manage")
    /// `snapshot_extension:snapshot_unmanage` (default `rule:admin_api`).
    public static let snapshotExtensionSnapshotUnmanage = PolicyAction("snapshot_extension:snapshot_unmanage")
    /// `backup:get_all` (default `rule:xena_system_admin_or_project_reader`).
    public static let backupGetAll = PolicyAction("backup:get_all")
    /// `backup:backup_project_attribute` (default `rule:admin_api`).
    public static let backupBackupProjectAttribute = PolicyAction("backup:backup_project_attribute")
    /// `backup:create` (default `rule:xena_system_admin_or_project_member`).
    public static let backupCreate = PolicyAction("backup:create")
    /// `backup:get` (default `rule:xena_system_admin_or_project_reader`).
    public static let backupGet = PolicyAction("backup:get")
    /// `backup:update` (default `rule:xena_system_admin_or_project_member`).
    public static let backupUpdate = PolicyAction("backup:update")
    /// `backup:delete` (default `rule:xena_system_admin_or_project_member`).
    public static let backupDelete = PolicyAction("backup:delete")
    /// `backup:restore` (default `rule:xena_system_admin_or_project_member`).
    public static let backupRestore = PolicyAction("backup:restore")
    /// `backup:backup-import` (default `rule:admin_api`).
    public static let backupBackupImport = PolicyAction("backup:backup-import")
    /// `backup:export-import` (default `rule:admin_api`).
    public static let backupExportImport = PolicyAction("backup:export-import")
    /// `volume_extension:backup_admin_actions:reset_status` (default `rule:admin_api`).
    public static let volumeExtensionBackupAdminActionsResetStatus = PolicyAction(
        "volume_extension:backup_admin_actions:reset_status"
    )
    /// `volume_extension:backup_admin_actions:force_delete` (default `rule:admin_api`).
    public static let volumeExtensionBackupAdminActionsForceDelete = PolicyAction(
        "volume_extension:backup_admin_actions:force_delete"
    )
    /// `group:get_all` (default `rule:xena_system_admin_or_project_reader`).
    public static let groupGetAll = PolicyAction("group:get_all")
    /// `group:create` (default `rule:xena_system_admin_or_project_member`).
    public static let groupCreate = PolicyAction("group:create")
    /// `group:get` (default `rule:xena_system_admin_or_project_reader`).
    public static let groupGet = PolicyAction("group:get")
    /// `group:update` (default `rule:xena_system_admin_or_project_member`).
    public static let groupUpdate = PolicyAction("group:update")
    /// `group:group_project_attribute` (default `rule:admin_api`).
    public static let groupGroupProjectAttribute = PolicyAction("group:group_project_attribute")
    /// `group:group_types:create` (default `rule:admin_api`).
    public static let groupGroupTypesCreate = PolicyAction("group:group_types:create")
    /// `group:group_types:update` (default `rule:admin_api`).
    public static let groupGroupTypesUpdate = PolicyAction("group:group_types:update")
    /// `group:group_types:delete` (default `rule:admin_api`).
    public static let groupGroupTypesDelete = PolicyAction("group:group_types:delete")
    /// `group:access_group_types_specs` (default `rule:admin_api`).
    public static let groupAccessGroupTypesSpecs = PolicyAction("group:access_group_types_specs")
    /// `group:group_types_specs:get` (default `rule:admin_api`).
    public static let groupGroupTypesSpecsGet = PolicyAction("group:group_types_specs:get")
    /// `group:group_types_specs:get_all` (default `rule:admin_api`).
    public static let groupGroupTypesSpecsGetAll = PolicyAction("group:group_types_specs:get_all")
    /// `group:group_types_specs:create` (default `rule:admin_api`).
    public static let groupGroupTypesSpecsCreate = PolicyAction("group:group_types_specs:create")
    /// `group:group_types_specs:update` (default `rule:admin_api`).
    public static let groupGroupTypesSpecsUpdate = PolicyAction("group:group_types_specs:update")
    /// `group:group_types_specs:delete` (default `rule:admin_api`).
    public static let groupGroupTypesSpecsDelete = PolicyAction("group:group_types_specs:delete")
    /// `group:get_all_group_snapshots` (default `rule:xena_system_admin_or_project_reader`).
    public static let groupGetAllGroupSnapshots = PolicyAction("group:get_all_group_snapshots")
    /// `group:create_group_snapshot` (default `rule:xena_system_admin_or_project_member`).
    public static let groupCreateGroupSnapshot = PolicyAction("group:create_group_snapshot")
    /// `group:get_group_snapshot` (default `rule:xena_system_admin_or_project_reader`).
    public static let groupGetGroupSnapshot = PolicyAction("group:get_group_snapshot")
    /// `group:delete_group_snapshot` (default `rule:xena_system_admin_or_project_member`).
    public static let groupDeleteGroupSnapshot = PolicyAction("group:delete_group_snapshot")
    /// `group:update_group_snapshot` (default `rule:xena_system_admin_or_project_member`).
    public static let groupUpdateGroupSnapshot = PolicyAction("group:update_group_snapshot")
    /// `group:group_snapshot_project_attribute` (default `rule:admin_api`).
    public static let groupGroupSnapshotProjectAttribute = PolicyAction("group:group_snapshot_project_attribute")
    /// `group:reset_group_snapshot_status` (default `rule:admin_api`).
    public static let groupResetGroupSnapshotStatus = PolicyAction("group:reset_group_snapshot_status")
    /// `group:delete` (default `rule:xena_system_admin_or_project_member`).
    public static let groupDelete = PolicyAction("group:delete")
    /// `group:reset_status` (default `rule:admin_api`).
    public static let groupResetStatus = PolicyAction("group:reset_status")
    /// `group:enable_replication` (default `rule:xena_system_admin_or_project_member`).
    public static let groupEnableReplication = PolicyAction("group:enable_replication")
    /// `group:disable_replication` (default `rule:xena_system_admin_or_project_member`).
    public static let groupDisableReplication = PolicyAction("group:disable_replication")
    /// `group:failover_replication` (default `rule:xena_system_admin_or_project_member`).
    public static let groupFailoverReplication = PolicyAction("group:failover_replication")
    /// `group:list_replication_targets` (default `rule:xena_system_admin_or_project_member`).
    public static let groupListReplicationTargets = PolicyAction("group:list_replication_targets")
    /// `volume_extension:qos_specs_manage:get_all` (default `rule:admin_api`).
    public static let volumeExtensionQosSpecsManageGetAll = PolicyAction("volume_extension:qos_specs_manage:get_all")
    /// `volume_extension:qos_specs_manage:get` (default `rule:admin_api`).
    public static let volumeExtensionQosSpecsManageGet = PolicyAction("volume_extension:qos_specs_manage:get")
    /// `volume_extension:qos_specs_manage:create` (default `rule:admin_api`).
    public static let volumeExtensionQosSpecsManageCreate = PolicyAction("volume_extension:qos_specs_manage:create")
    /// `volume_extension:qos_specs_manage:update` (default `rule:admin_api`).
    public static let volumeExtensionQosSpecsManageUpdate = PolicyAction("volume_extension:qos_specs_manage:update")
    /// `volume_extension:qos_specs_manage:delete` (default `rule:admin_api`).
    public static let volumeExtensionQosSpecsManageDelete = PolicyAction("volume_extension:qos_specs_manage:delete")
    /// `volume_extension:quota_classes:get` (default `rule:admin_api`).
    public static let volumeExtensionQuotaClassesGet = PolicyAction("volume_extension:quota_classes:get")
    /// `volume_extension:quota_classes:update` (default `rule:admin_api`).
    public static let volumeExtensionQuotaClassesUpdate = PolicyAction("volume_extension:quota_classes:update")
    /// `volume_extension:quotas:show` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeExtensionQuotasShow = PolicyAction("volume_extension:quotas:show")
    /// `volume_extension:quotas:update` (default `rule:admin_api`).
    public static let volumeExtensionQuotasUpdate = PolicyAction("volume_extension:quotas:update")
    /// `volume_extension:quotas:delete` (default `rule:admin_api`).
    public static let volumeExtensionQuotasDelete = PolicyAction("volume_extension:quotas:delete")
    /// `volume_extension:capabilities` (default `rule:admin_api`).
    public static let volumeExtensionCapabilities = PolicyAction("volume_extension:capabilities")
    /// `volume_extension:services:index` (default `rule:admin_api`).
    public static let volumeExtensionServicesIndex = PolicyAction("volume_extension:services:index")
    /// `volume_extension:services:update` (default `rule:admin_api`).
    public static let volumeExtensionServicesUpdate = PolicyAction("volume_extension:services:update")
    /// `volume:freeze_host` (default `rule:admin_api`).
    public static let volumeFreezeHost = PolicyAction("volume:freeze_host")
    /// `volume:thaw_host` (default `rule:admin_api`).
    public static let volumeThawHost = PolicyAction("volume:thaw_host")
    /// `volume:failover_host` (default `rule:admin_api`).
    public static let volumeFailoverHost = PolicyAction("volume:failover_host")
    /// `scheduler_extension:scheduler_stats:get_pools` (default `rule:admin_api`).
    public static let schedulerExtensionSchedulerStatsGetPools = PolicyAction(
        "scheduler_extension:scheduler_stats:get_pools"
    )
    /// `volume_extension:hosts` (default `rule:admin_api`).
    public static let volumeExtensionHosts = PolicyAction("volume_extension:hosts")
    /// `limits_extension:used_limits` (default `rule:xena_system_admin_or_project_reader`).
    public static let limitsExtensionUsedLimits = PolicyAction("limits_extension:used_limits")
    /// `volume_extension:list_manageable` (default `rule:admin_api`).
    public static let volumeExtensionListManageable = PolicyAction("volume_extension:list_manageable")
    /// `volume_extension:volume_manage` (default `rule:admin_api`).
    public static let volumeExtensionVolumeManage = PolicyAction("volume_extension:volume_manage")
    /// `volume_extension:volume_unmanage` (default `rule:admin_api`).
    public static let volumeExtensionVolumeUnmanage = PolicyAction("volume_extension:volume_unmanage")
    /// `volume_extension:type_create` (default `rule:admin_api`).
    public static let volumeExtensionTypeCreate = PolicyAction("volume_extension:type_create")
    /// `volume_extension:type_update` (default `rule:admin_api`).
    public static let volumeExtensionTypeUpdate = PolicyAction("volume_extension:type_update")
    /// `volume_extension:type_delete` (default `rule:admin_api`).
    public static let volumeExtensionTypeDelete = PolicyAction("volume_extension:type_delete")
    /// `volume_extension:type_get` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeExtensionTypeGet = PolicyAction("volume_extension:type_get")
    /// `volume_extension:type_get_all` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeExtensionTypeGetAll = PolicyAction("volume_extension:type_get_all")
    /// `volume_extension:access_types_extra_specs` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeExtensionAccessTypesExtraSpecs = PolicyAction("volume_extension:access_types_extra_specs")
    /// `volume_extension:access_types_qos_specs_id` (default `rule:admin_api`).
    public static let volumeExtensionAccessTypesQosSpecsId = PolicyAction("volume_extension:access_types_qos_specs_id")
    /// `volume_extension:volume_type_encryption` (default `rule:admin_api`).
    public static let volumeExtensionVolumeTypeEncryption = PolicyAction("volume_extension:volume_type_encryption")
    /// `volume_extension:volume_type_encryption:create` (default `rule:admin_api`).
    public static let volumeExtensionVolumeTypeEncryptionCreate = PolicyAction(
        "volume_extension:volume_type_encryption:create"
    )
    /// `volume_extension:volume_type_encryption:get` (default `rule:admin_api`).
    public static let volumeExtensionVolumeTypeEncryptionGet = PolicyAction(
        "volume_extension:volume_type_encryption:get"
    )
    /// `volume_extension:volume_type_encryption:update` (default `rule:admin_api`).
    public static let volumeExtensionVolumeTypeEncryptionUpdate = PolicyAction(
        "volume_extension:volume_type_encryption:update"
    )
    /// `volume_extension:volume_type_encryption:delete` (default `rule:admin_api`).
    public static let volumeExtensionVolumeTypeEncryptionDelete = PolicyAction(
        "volume_extension:volume_type_encryption:delete"
    )
    /// `volume_extension:volume_type_access` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeExtensionVolumeTypeAccess = PolicyAction("volume_extension:volume_type_access")
    /// `volume_extension:volume_type_access:addProjectAccess` (default `rule:admin_api`).
    public static let volumeExtensionVolumeTypeAccessAddProjectAccess = PolicyAction(
        "volume_extension:volume_type_access:addProjectAccess"
    )
    /// `volume_extension:volume_type_access:removeProjectAccess` (default `rule:admin_api`).
    public static let volumeExtensionVolumeTypeAccessRemoveProjectAccess = PolicyAction(
        "volume_extension:volume_type_access:removeProjectAccess"
    )
    /// `volume_extension:volume_type_access:get_all_for_type` (default `rule:admin_api`).
    public static let volumeExtensionVolumeTypeAccessGetAllForType = PolicyAction(
        "volume_extension:volume_type_access:get_all_for_type"
    )
    /// `volume:extend` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeExtend = PolicyAction("volume:extend")
    /// `volume:extend_attached_volume` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeExtendAttachedVolume = PolicyAction("volume:extend_attached_volume")
    /// `volume_extension:volume_admin_actions:extend_volume_completion` (default `rule:admin_api`).
    public static let volumeExtensionVolumeAdminActionsExtendVolumeCompletion = PolicyAction(
        "volume_extension:volume_admin_actions:extend_volume_completion"
    )
    /// `volume:revert_to_snapshot` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeRevertToSnapshot = PolicyAction("volume:revert_to_snapshot")
    /// `volume_extension:volume_admin_actions:reset_status` (default `rule:admin_api`).
    public static let volumeExtensionVolumeAdminActionsResetStatus = PolicyAction(
        "volume_extension:volume_admin_actions:reset_status"
    )
    /// `volume:retype` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeRetype = PolicyAction("volume:retype")
    /// `volume:update_readonly_flag` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeUpdateReadonlyFlag = PolicyAction("volume:update_readonly_flag")
    /// `volume_extension:volume_admin_actions:force_delete` (default `rule:admin_api`).
    public static let volumeExtensionVolumeAdminActionsForceDelete = PolicyAction(
        "volume_extension:volume_admin_actions:force_delete"
    )
    /// `volume_extension:volume_actions:upload_public` (default `rule:admin_api`).
    public static let volumeExtensionVolumeActionsUploadPublic = PolicyAction(
        "volume_extension:volume_actions:upload_public"
    )
    /// `volume_extension:volume_actions:upload_image` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeExtensionVolumeActionsUploadImage = PolicyAction(
        "volume_extension:volume_actions:upload_image"
    )
    /// `volume_extension:volume_admin_actions:force_detach` (default `rule:admin_api`).
    public static let volumeExtensionVolumeAdminActionsForceDetach = PolicyAction(
        "volume_extension:volume_admin_actions:force_detach"
    )
    /// `volume_extension:volume_admin_actions:migrate_volume` (default `rule:admin_api`).
    public static let volumeExtensionVolumeAdminActionsMigrateVolume = PolicyAction(
        "volume_extension:volume_admin_actions:migrate_volume"
    )
    /// `volume_extension:volume_admin_actions:migrate_volume_completion` (default `rule:admin_api`).
    public static let volumeExtensionVolumeAdminActionsMigrateVolumeCompletion = PolicyAction(
        "volume_extension:volume_admin_actions:migrate_volume_completion"
    )
    /// `volume_extension:volume_actions:initialize_connection` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeExtensionVolumeActionsInitializeConnection = PolicyAction(
        "volume_extension:volume_actions:initialize_connection"
    )
    /// `volume_extension:volume_actions:terminate_connection` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeExtensionVolumeActionsTerminateConnection = PolicyAction(
        "volume_extension:volume_actions:terminate_connection"
    )
    /// `volume_extension:volume_actions:roll_detaching` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeExtensionVolumeActionsRollDetaching = PolicyAction(
        "volume_extension:volume_actions:roll_detaching"
    )
    /// `volume_extension:volume_actions:reserve` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeExtensionVolumeActionsReserve = PolicyAction("volume_extension:volume_actions:reserve")
    /// `volume_extension:volume_actions:unreserve` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeExtensionVolumeActionsUnreserve = PolicyAction("volume_extension:volume_actions:unreserve")
    /// `volume_extension:volume_actions:begin_detaching` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeExtensionVolumeActionsBeginDetaching = PolicyAction(
        "volume_extension:volume_actions:begin_detaching"
    )
    /// `volume_extension:volume_actions:attach` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeExtensionVolumeActionsAttach = PolicyAction("volume_extension:volume_actions:attach")
    /// `volume_extension:volume_actions:detach` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeExtensionVolumeActionsDetach = PolicyAction("volume_extension:volume_actions:detach")
    /// `volume:reimage` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeReimage = PolicyAction("volume:reimage")
    /// `volume:reimage_reserved` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeReimageReserved = PolicyAction("volume:reimage_reserved")
    /// `volume:get_all_transfers` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeGetAllTransfers = PolicyAction("volume:get_all_transfers")
    /// `volume:create_transfer` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeCreateTransfer = PolicyAction("volume:create_transfer")
    /// `volume:get_transfer` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeGetTransfer = PolicyAction("volume:get_transfer")
    /// `volume:accept_transfer` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeAcceptTransfer = PolicyAction("volume:accept_transfer")
    /// `volume:delete_transfer` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeDeleteTransfer = PolicyAction("volume:delete_transfer")
    /// `volume:get_volume_metadata` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeGetVolumeMetadata = PolicyAction("volume:get_volume_metadata")
    /// `volume:create_volume_metadata` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeCreateVolumeMetadata = PolicyAction("volume:create_volume_metadata")
    /// `volume:update_volume_metadata` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeUpdateVolumeMetadata = PolicyAction("volume:update_volume_metadata")
    /// `volume:delete_volume_metadata` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeDeleteVolumeMetadata = PolicyAction("volume:delete_volume_metadata")
    /// `volume_extension:volume_image_metadata:show` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeExtensionVolumeImageMetadataShow = PolicyAction(
        "volume_extension:volume_image_metadata:show"
    )
    /// `volume_extension:volume_image_metadata:set` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeExtensionVolumeImageMetadataSet = PolicyAction("volume_extension:volume_image_metadata:set")
    /// `volume_extension:volume_image_metadata:remove` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeExtensionVolumeImageMetadataRemove = PolicyAction(
        "volume_extension:volume_image_metadata:remove"
    )
    /// `volume:update_volume_admin_metadata` (default `rule:admin_api`).
    public static let volumeUpdateVolumeAdminMetadata = PolicyAction("volume:update_volume_admin_metadata")
    /// `volume_extension:types_extra_specs:index` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeExtensionTypesExtraSpecsIndex = PolicyAction("volume_extension:types_extra_specs:index")
    /// `volume_extension:types_extra_specs:create` (default `rule:admin_api`).
    public static let volumeExtensionTypesExtraSpecsCreate = PolicyAction("volume_extension:types_extra_specs:create")
    /// `volume_extension:types_extra_specs:show` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeExtensionTypesExtraSpecsShow = PolicyAction("volume_extension:types_extra_specs:show")
    /// `volume_extension:types_extra_specs:read_sensitive` (default `rule:admin_api`).
    public static let volumeExtensionTypesExtraSpecsReadSensitive = PolicyAction(
        "volume_extension:types_extra_specs:read_sensitive"
    )
    /// `volume_extension:types_extra_specs:update` (default `rule:admin_api`).
    public static let volumeExtensionTypesExtraSpecsUpdate = PolicyAction("volume_extension:types_extra_specs:update")
    /// `volume_extension:types_extra_specs:delete` (default `rule:admin_api`).
    public static let volumeExtensionTypesExtraSpecsDelete = PolicyAction("volume_extension:types_extra_specs:delete")
    /// `volume:create` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeCreate = PolicyAction("volume:create")
    /// `volume:create_from_image` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeCreateFromImage = PolicyAction("volume:create_from_image")
    /// `volume:get` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeGet = PolicyAction("volume:get")
    /// `volume:get_all` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeGetAll = PolicyAction("volume:get_all")
    /// `volume:update` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeUpdate = PolicyAction("volume:update")
    /// `volume:delete` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeDelete = PolicyAction("volume:delete")
    /// `volume:force_delete` (default `rule:admin_api`).
    public static let volumeForceDelete = PolicyAction("volume:force_delete")
    /// `volume_extension:volume_host_attribute` (default `rule:admin_api`).
    public static let volumeExtensionVolumeHostAttribute = PolicyAction("volume_extension:volume_host_attribute")
    /// `volume_extension:volume_tenant_attribute` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeExtensionVolumeTenantAttribute = PolicyAction("volume_extension:volume_tenant_attribute")
    /// `volume_extension:volume_mig_status_attribute` (default `rule:admin_api`).
    public static let volumeExtensionVolumeMigStatusAttribute = PolicyAction(
        "volume_extension:volume_mig_status_attribute"
    )
    /// `volume_extension:volume_encryption_metadata` (default `rule:xena_system_admin_or_project_reader`).
    public static let volumeExtensionVolumeEncryptionMetadata = PolicyAction(
        "volume_extension:volume_encryption_metadata"
    )
    /// `volume:multiattach` (default `rule:xena_system_admin_or_project_member`).
    public static let volumeMultiattach = PolicyAction("volume:multiattach")
    /// `volume_extension:default_set_or_update` (default `rule:admin_api`).
    public static let volumeExtensionDefaultSetOrUpdate = PolicyAction("volume_extension:default_set_or_update")
    /// `volume_extension:default_get` (default `rule:admin_api`).
    public static let volumeExtensionDefaultGet = PolicyAction("volume_extension:default_get")
    /// `volume_extension:default_get_all` (default `rule:admin_api`).
    public static let volumeExtensionDefaultGetAll = PolicyAction("volume_extension:default_get_all")
    /// `volume_extension:default_unset` (default `rule:admin_api`).
    public static let volumeExtensionDefaultUnset = PolicyAction("volume_extension:default_unset")
}

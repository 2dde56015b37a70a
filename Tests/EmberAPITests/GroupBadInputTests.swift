import EmberCore
import Testing

@testable import EmberVolume

extension BadInputTests {
    static let groupTypes = "/v3/\(APIHarness.project)/group_types"

    /// `/group_types` and its specs under the same rule: cinder's fault and nothing stored
    /// (the only group type is the one the migration creates).
    @Test(arguments: [
        ("POST", groupTypes, #"{"grouptype": {}}"#, 400, "badRequest", "'group_type' is a required property"),
        (
            "POST", groupTypes, #"{"group_type": {}}"#, 400, "badRequest",
            "Invalid input for field/attribute group_type. Value: {}. 'name' is a required property"
        ),
        (
            "POST", groupTypes, #"{"group_type": {"name": "   "}}"#, 400, "badRequest",
            "An invalid 'name' value was provided. The 'name' can not be empty."
        ),
        (
            "POST", groupTypes, #"{"group_type": {"name": "n", "is_public": "maybe"}}"#, 400, "badRequest",
            "Invalid input for field/attribute is_public. Value: maybe. 'maybe' is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f']"
        ),
        (
            "POST", groupTypes, #"{"group_type": {"name": "n", "group_specs": {"a": 1}}}"#, 400, "badRequest",
            "Invalid input for field/attribute a. Value: 1. 1 is not of type 'string'"
        ),
        (
            "POST", groupTypes, #"{"group_type": {"name": "n", "extra": 1}}"#, 400, "badRequest",
            "Invalid input for field/attribute group_type. Value: {'name': 'n', 'extra': 1}. Additional properties are not allowed ('extra' was unexpected)"
        ),
        ("GET", "\(groupTypes)/\(missing)", "", 404, "itemNotFound", "Group type \(missing) could not be found."),
        (
            "GET", "\(groupTypes)?marker=\(missing)", "", 404, "itemNotFound",
            "Group type \(missing) could not be found."
        ),
        ("GET", "\(groupTypes)?is_public=maybe", "", 400, "badRequest", "Invalid is_public filter [maybe]"),
        ("GET", "\(groupTypes)?sort=nope:asc", "", 400, "badRequest", "Invalid input received: Invalid sort key"),
        ("GET", "\(groupTypes)?limit=-1", "", 400, "badRequest", "limit param must be positive"),
        ("GET", "\(groupTypes)/default", "", 404, "itemNotFound", "Default group type can not be found."),
        (
            "PUT", "\(groupTypes)/\(missing)", #"{"group_type": {}}"#, 400, "badRequest",
            "Specify group type name, description or a combination thereof."
        ),
        (
            "PUT", "\(groupTypes)/\(missing)", #"{"group_type": {"name": " "}}"#, 400, "badRequest",
            "Group type name can not be empty."
        ),
        (
            "PUT", "\(groupTypes)/\(missing)", #"{"group_type": {"description": "d"}}"#, 404, "itemNotFound",
            "Group type \(missing) could not be found."
        ),
        ("DELETE", "\(groupTypes)/\(missing)", "", 404, "itemNotFound", "Group type \(missing) could not be found."),
        (
            "GET", "\(groupTypes)/\(missing)/group_specs", "", 404, "itemNotFound",
            "Group type \(missing) could not be found."
        ),
        (
            "POST", "\(groupTypes)/\(missing)/group_specs", #"{"group_specs": {"a b": "c"}}"#, 400, "badRequest",
            "Invalid input for field/attribute group_specs. Value: {'a b': 'c'}. 'a b' does not match any of the regexes: '^[a-zA-Z0-9-_:.]{1,255}$'"
        ),
        (
            "POST", "\(groupTypes)/\(missing)/group_specs", #"{"group_specs": {"a": "c"}}"#, 404, "itemNotFound",
            "Group type \(missing) could not be found."
        ),
        (
            "PUT", "\(groupTypes)/\(missing)/group_specs/a", #"{"a": "1", "b": "2"}"#, 400, "badRequest",
            "{'a': '1', 'b': '2'} has too many properties"
        ),
        (
            "DELETE", "\(groupTypes)/\(missing)/group_specs/a", "", 404, "itemNotFound",
            "Group type \(missing) could not be found."
        ),
    ])
    func groupTypeRoutesRefusedWithCindersFault(
        method: String,
        uri: String,
        body: String,
        status: Int,
        fault: String,
        message: String
    ) async throws {
        try await BadInputTests.expectRefused(method, uri, body, status, fault, message, version: "3.11") {
            api throws in
            let types = try await api.groupTypes.page(.init(scope: .allProjects)).items
            #expect(types.map(\.name) == ["default_cgsnapshot_type"], "nothing was stored")
        }
    }
}

extension BadInputTests {
    static let groups = "/v3/\(APIHarness.project)/groups"
    static let groupSnapshots = "/v3/\(APIHarness.project)/group_snapshots"

    /// `/groups` and `/group_snapshots` under the same rule: cinder's fault, nothing stored.
    @Test(arguments: [
        ("POST", groups, #"{"grp": {}}"#, 400, "badRequest", "'group' is a required property"),
        (
            "POST", groups, #"{"group": {"volume_types": ["t"]}}"#, 400, "badRequest",
            "Invalid input for field/attribute group. Value: {'volume_types': ['t']}. 'group_type' is a required property"
        ),
        (
            "POST", groups, #"{"group": {"group_type": "gt", "volume_types": []}}"#, 400, "badRequest",
            "Invalid input for field/attribute volume_types. Value: []. [] should be non-empty"
        ),
        (
            "POST", groups, #"{"group": {"group_type": "gt", "volume_types": ["t", "t"]}}"#, 400, "badRequest",
            "Invalid input for field/attribute volume_types. Value: ['t', 't']. ['t', 't'] has non-unique elements"
        ),
        (
            "POST", groups, #"{"group": {"group_type": " ", "volume_types": ["t"]}}"#, 400, "badRequest",
            "Invalid input for field/attribute group_type. Value:  . ' ' is not a 'group_type'"
        ),
        (
            "POST", groups, #"{"group": {"group_type": "gt", "volume_types": ["t"], "availability_zone": ""}}"#, 400,
            "badRequest", "The 'availability_zone' can not be None."
        ),
        (
            "POST", groups, #"{"group": {"group_type": "nope", "volume_types": ["t"]}}"#, 404, "itemNotFound",
            "Group type with name nope could not be found."
        ),
        ("GET", "\(groups)/\(missing)", "", 404, "itemNotFound", "Group \(missing) could not be found."),
        ("GET", "\(groups)?marker=\(missing)", "", 404, "itemNotFound", "Group \(missing) could not be found."),
        ("GET", "\(groups)?sort=nope:asc", "", 400, "badRequest", "Invalid input received: Invalid sort key"),
        (
            "PUT", "\(groups)/\(missing)", #"{"group": {}}"#, 400, "badRequest",
            "Invalid input for field/attribute group. Value: {}. {} is not valid under any of the given schemas"
        ),
        (
            "PUT", "\(groups)/\(missing)", #"{"group": {"name": "n"}}"#, 404, "itemNotFound",
            "Group \(missing) could not be found."
        ),
        (
            "POST", "\(groups)/\(missing)/action", #"{"delete": {"delete-volumes": "maybe"}}"#, 400, "badRequest",
            "Invalid input for field/attribute delete-volumes. Value: maybe. 'maybe' is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f']"
        ),
        (
            "POST", "\(groups)/\(missing)/action", #"{"delete": {}}"#, 404, "itemNotFound",
            "Group \(missing) could not be found."
        ),
        (
            "POST", "\(groups)/\(missing)/action", #"{"reset_status": {"status": " "}}"#, 400, "badRequest",
            "Invalid Group Status: The 'status' can not be empty."
        ),
        (
            "POST", "\(groups)/action", #"{"create-from-src": {"group_snapshot_id": "x"}}"#, 400, "badRequest",
            "Invalid input for field/attribute group_snapshot_id. Value: x. 'x' is not a 'uuid'"
        ),
        (
            "POST", "\(groups)/action", #"{"create-from-src": {"source_group_id": "\#(missing)"}}"#, 404,
            "itemNotFound",
            "Group \(missing) could not be found."
        ),
        (
            "POST", groupSnapshots, #"{"group_snapshot": {"name": "n"}}"#, 400, "badRequest",
            "Invalid input for field/attribute group_snapshot. Value: {'name': 'n'}. 'group_id' is a required property"
        ),
        (
            "POST", groupSnapshots, #"{"group_snapshot": {"group_id": "\#(missing)"}}"#, 404, "itemNotFound",
            "Group \(missing) could not be found."
        ),
        (
            "GET", "\(groupSnapshots)/\(missing)", "", 404, "itemNotFound",
            "GroupSnapshot \(missing) could not be found."
        ),
        (
            "DELETE", "\(groupSnapshots)/\(missing)", "", 404, "itemNotFound",
            "GroupSnapshot \(missing) could not be found."
        ),
        (
            "POST", "\(groupSnapshots)/\(missing)/action", #"{"reset_status": {"status": "nope"}}"#, 400, "badRequest",
            "Invalid GroupSnapshot Status: Group snapshot status: nope is invalid, valid statuses are: ('error', 'available', 'creating', 'deleting', 'deleted', 'updating', 'error_deleting')."
        ),
    ])
    func groupRoutesRefusedWithCindersFault(
        method: String,
        uri: String,
        body: String,
        status: Int,
        fault: String,
        message: String
    ) async throws {
        try await BadInputTests.expectRefused(method, uri, body, status, fault, message, version: "3.71") {
            api throws in
            #expect(try await api.store.listGroups(.init(scope: .allProjects)).items.isEmpty, "nothing was stored")
            #expect(try await api.store.listGroupSnapshots(.init(scope: .allProjects)).items.isEmpty)
        }
    }
}

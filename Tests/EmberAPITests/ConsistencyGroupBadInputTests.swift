import EmberCore
import Testing

@testable import EmberVolume

extension BadInputTests {
    static let consistencyGroups = "/v3/\(APIHarness.project)/consistencygroups"
    static let cgsnapshots = "/v3/\(APIHarness.project)/cgsnapshots"

    /// `/consistencygroups` and `/cgsnapshots` under the same rule: cinder's fault (the
    /// schema's text, then the controller's checks, then the missing group's or snapshot's
    /// 404) and nothing stored. Where cinder fails with a 500 (a `volume_types` that is not
    /// text, `DELETE` without a body) Ember answers a 400 or does the delete.
    @Test(arguments: [
        ("POST", consistencyGroups, #"{"cg": {}}"#, 400, "badRequest", "'consistencygroup' is a required property"),
        (
            "POST", consistencyGroups, #"{"consistencygroup": {}}"#, 400, "badRequest",
            "Invalid input for field/attribute consistencygroup. Value: {}. 'volume_types' is a required property"
        ),
        (
            "POST", consistencyGroups, #"{"consistencygroup": {"name": 5, "volume_types": "t"}}"#, 400, "badRequest",
            "Invalid input for field/attribute name. Value: 5. 5 is not of type 'string', 'null'"
        ),
        (
            "POST", consistencyGroups, #"{"consistencygroup": {"volume_types": ""}}"#, 400, "badRequest",
            "volume_types must be provided to create consistency group None."
        ),
        (
            "POST", consistencyGroups, #"{"consistencygroup": {"volume_types": ["t"]}}"#, 400, "badRequest",
            "Invalid input for field/attribute volume_types. Value: ['t']. ['t'] is not of type 'string'"
        ),
        (
            "POST", consistencyGroups, #"{"consistencygroup": {"volume_types": "nope"}}"#, 404, "itemNotFound",
            "Volume type with name nope could not be found."
        ),
        (
            "POST", consistencyGroups, #"{"consistencygroup": {"volume_types": ","}}"#, 404, "itemNotFound",
            "Volume type with name  could not be found."
        ),
        (
            "POST", "\(consistencyGroups)/create_from_src", #"{"consistencygroup-from-src": {"name": "n"}}"#, 400,
            "badRequest",
            "Either 'cgsnapshot_id' or 'source_cgid' must be provided to create consistency group n from source."
        ),
        (
            "POST", "\(consistencyGroups)/create_from_src",
            #"{"consistencygroup-from-src": {"cgsnapshot_id": "a", "source_cgid": "b"}}"#, 400, "badRequest",
            "Cannot provide both 'cgsnapshot_id' and 'source_cgid' to create consistency group None from source."
        ),
        (
            "POST", "\(consistencyGroups)/create_from_src", #"{"consistencygroup-from-src": {"cgsnapshot_id": null}}"#,
            400, "badRequest",
            "Invalid input for field/attribute cgsnapshot_id. Value: None. None is not of type 'string'"
        ),
        (
            "POST", "\(consistencyGroups)/create_from_src",
            #"{"consistencygroup-from-src": {"source_cgid": "\#(missing)"}}"#, 404, "itemNotFound",
            "Group \(missing) could not be found."
        ),
        (
            "POST", "\(consistencyGroups)/create_from_src",
            #"{"consistencygroup-from-src": {"cgsnapshot_id": "\#(missing)"}}"#, 404, "itemNotFound",
            "GroupSnapshot \(missing) could not be found."
        ),
        ("GET", "\(consistencyGroups)/\(missing)", "", 404, "itemNotFound", "Group \(missing) could not be found."),
        (
            "GET", "\(consistencyGroups)?marker=\(missing)", "", 404, "itemNotFound",
            "Group \(missing) could not be found."
        ),
        ("GET", "\(consistencyGroups)/detail?limit=-1", "", 400, "badRequest", "limit param must be positive"),
        (
            "PUT", "\(consistencyGroups)/\(missing)", "{}", 400, "badRequest",
            "'consistencygroup' is a required property"
        ),
        (
            "PUT", "\(consistencyGroups)/\(missing)", #"{"consistencygroup": {"add_volumes": 5}}"#, 400, "badRequest",
            "Invalid input for field/attribute add_volumes. Value: 5. 5 is not of type 'string', 'null'"
        ),
        (
            "PUT", "\(consistencyGroups)/\(missing)", #"{"consistencygroup": {}}"#, 404, "itemNotFound",
            "Group \(missing) could not be found."
        ),
        (
            "PUT", "\(consistencyGroups)/\(missing)/update", #"{"consistencygroup": {"name": "n"}}"#, 404,
            "itemNotFound", "Group \(missing) could not be found."
        ),
        (
            "POST", "\(consistencyGroups)/\(missing)/delete", #"{"consistencygroup": {"force": "maybe"}}"#, 400,
            "badRequest", "{'consistencygroup': {'force': 'maybe'}} is not valid under any of the given schemas"
        ),
        (
            "POST", "\(consistencyGroups)/\(missing)/delete", #"{"consistencygroup": {}}"#, 404, "itemNotFound",
            "Group \(missing) could not be found."
        ),
        ("DELETE", "\(consistencyGroups)/\(missing)", "", 404, "itemNotFound", "Group \(missing) could not be found."),
        (
            "POST", "\(consistencyGroups)/\(missing)/action", #"{"delete": {}}"#, 404, "itemNotFound",
            "The resource could not be found."
        ),
        ("POST", cgsnapshots, #"{"cgsnap": {}}"#, 400, "badRequest", "'cgsnapshot' is a required property"),
        (
            "POST", cgsnapshots, #"{"cgsnapshot": {}}"#, 400, "badRequest",
            "Invalid input for field/attribute cgsnapshot. Value: {}. 'consistencygroup_id' is a required property"
        ),
        (
            "POST", cgsnapshots, #"{"cgsnapshot": {"consistencygroup_id": "\#(missing)", "name": null}}"#, 400,
            "badRequest", "Invalid input for field/attribute name. Value: None. None is not of type 'string'"
        ),
        (
            "POST", cgsnapshots, #"{"cgsnapshot": {"consistencygroup_id": "\#(missing)"}}"#, 404, "itemNotFound",
            "Group \(missing) could not be found."
        ),
        ("GET", "\(cgsnapshots)/\(missing)", "", 404, "itemNotFound", "GroupSnapshot \(missing) could not be found."),
        (
            "DELETE", "\(cgsnapshots)/\(missing)", "", 404, "itemNotFound",
            "GroupSnapshot \(missing) could not be found."
        ),
        ("GET", "\(cgsnapshots)?limit=x", "", 400, "badRequest", "limit param must be an integer"),
        ("GET", "\(cgsnapshots)/detail?offset=-1", "", 400, "badRequest", "offset must be >= 0"),
    ])
    func consistencyGroupRoutesRefusedWithCindersFault(
        method: String,
        uri: String,
        body: String,
        status: Int,
        fault: String,
        message: String
    ) async throws {
        try await BadInputTests.expectRefused(method, uri, body, status, fault, message) { api throws in
            #expect(try await api.store.listGroups(.init(scope: .allProjects)).items.isEmpty, "nothing was stored")
            #expect(try await api.store.listGroupSnapshots(.init(scope: .allProjects)).items.isEmpty)
        }
    }
}

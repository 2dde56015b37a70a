import EmberAPI
import EmberCore
import EmberStore
import EmberTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import EmberVolume

extension TestClientProtocol {
    /// A request as `token` (`user:project`), for the non-admin cases.
    func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        _ body: String? = nil,
        token: String,
        version: String? = nil
    ) async throws -> TestResponse {
        try await execute(
            uri: "/v3/\(APIHarness.project)" + path,
            method: method,
            headers: APIHarness.headers(version: version, token: token),
            body: body.map { ByteBuffer(string: $0) }
        )
    }
}

@Suite struct ExtensionManagerTests {
    static func files(_ text: String) throws -> ConfigFiles {
        ConfigFiles(documents: [try INIDocument(text: "[DEFAULT]\n" + text, path: "test.conf")])
    }

    @Test func standardExtensionsLoadEverything() async throws {
        let set = await ExtensionManager(logger: Logger(label: "test")).load(files: try Self.files(""))
        #expect(set.extensions.map(\.alias) == StandardExtensions.all.map(\.alias))
        #expect(set.isLoaded("os-vol-host-attr"))
    }

    @Test func selectExtensionsLoadsTheListedModules() async throws {
        let files = try Self.files(
            """
            osapi_volume_extension = cinder.api.contrib.select_extensions
            osapi_volume_ext_list = Quotas, Volume_host_attribute, Nonexistent
            """
        )
        let set = await ExtensionManager(logger: Logger(label: "test")).load(files: files)
        #expect(set.extensions.map(\.alias) == ["os-vol-host-attr", "os-quota-sets"])
    }

    @Test func unknownFactoriesAndDuplicatesAreSkipped() async throws {
        let files = try Self.files(
            """
            osapi_volume_extension = cinder.api.contrib.standard_extensions
            osapi_volume_extension = my.extensions.factory
            osapi_volume_extension = cinder.api.contrib.standard_extensions
            """
        )
        let set = await ExtensionManager(logger: Logger(label: "test")).load(files: files)
        #expect(set.extensions.count == StandardExtensions.all.count)
    }
}

@Suite struct ExtensionListingTests {
    @Test func listsTheLoadedExtensionsAsCinderDoes() async throws {
        try await APIHarness.run { client, _, _ in
            let listed = try await client.send(.get, "/extensions")
            #expect(listed.status == .ok)
            let entries = listed.json?["extensions"]?.arrayValue ?? []
            #expect(entries.compactMap { $0["alias"]?.stringValue } == StandardExtensions.all.map(\.alias))
            #expect(entries.first?.keys == ["name", "alias", "description", "updated", "links"])
            let one = try await client.send(.get, "/extensions/os-vol-image-meta")
            #expect(
                one.json
                    == [
                        "extension": [
                            "name": "VolumeImageMetadata", "alias": "os-vol-image-meta",
                            "description": "Show image metadata associated with the volume.",
                            "updated": "2012-12-07T00:00:00+00:00", "links": [],
                        ]
                    ]
            )
            let missing = try await client.send(.get, "/extensions/os-nothing")
            #expect(missing.status == .notFound)
            #expect(missing.json?["itemNotFound"]?["message"] == "The resource could not be found.")
        }
    }

    @Test func unloadedExtensionsAddNoRoutesAndNoFields() async throws {
        let conf = """
            osapi_volume_extension = cinder.api.contrib.select_extensions
            osapi_volume_ext_list = Volume_tenant_attribute
            """
        try await APIHarness.run(conf: conf) { client, _, _ in
            let listed = try await client.send(.get, "/extensions")
            #expect(listed.json?["extensions"]?.arrayValue.count == 1)
            let id = try await client.createVolume()
            let shown = try await client.send(.get, "/volumes/\(id)")
            #expect(shown.json?["volume"]?["os-vol-tenant-attr:tenant_id"] == .string(APIHarness.project))
            #expect(shown.json?["volume"]?["os-vol-host-attr:host"] == nil)
            #expect(shown.json?["volume"]?["os-vol-mig-status-attr:migstat"] == nil)
            #expect(try await client.send(.get, "/os-quota-sets/\(APIHarness.project)").status == .notFound)
            #expect(try await client.send(.get, "/os-services").status == .notFound)
            let limits = try await client.send(.get, "/limits")
            #expect(limits.json?["limits"]?["absolute"]?["totalVolumesUsed"] == nil)
            #expect(limits.json?["limits"]?["absolute"]?["maxTotalVolumes"] == 10)
            let action = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-set_bootable": {"bootable": true}}"#
            )
            #expect(action.status == .badRequest)
        }
    }

    @Test func usedLimitsExtensionAddsUsage() async throws {
        try await APIHarness.run { client, _, _ in
            _ = try await client.createVolume()
            let limits = try await client.send(.get, "/limits")
            #expect(limits.json?["limits"]?["absolute"]?["totalVolumesUsed"] == 1)
            #expect(limits.json?["limits"]?["absolute"]?["totalGigabytesUsed"] == 1)
        }
    }
}

@Suite struct TypesManageTests {
    @Test func createUpdateDeleteAsCinder() async throws {
        try await APIHarness.run { client, _, _ in
            let created = try await client.send(
                .post,
                "/types",
                #"{"volume_type": {"name": "gold", "description": "fast", "extra_specs": {"volume_backend_name": "alpha"}}}"#
            )
            #expect(created.status == .ok)
            let type = created.json?["volume_type"]
            #expect(type?["name"] == "gold")
            #expect(type?["is_public"] == true)
            #expect(type?["extra_specs"] == ["volume_backend_name": "alpha"])
            // cinder's types_manage view: no qos_specs_id (GET shows it to admins); create has
            // the access extension's attribute, update does not.
            #expect(type?["qos_specs_id"] == nil)
            #expect(type?["os-volume-type-access:is_public"] == true)
            let id = try #require(type?["id"]?.stringValue)

            let duplicate = try await client.send(.post, "/types", #"{"volume_type": {"name": "gold"}}"#)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.json?["conflictingRequest"]?["message"] == "Volume Type gold already exists.")

            let renamed = try await client.send(.put, "/types/\(id)", #"{"volume_type": {"name": "platinum"}}"#)
            #expect(renamed.json?["volume_type"]?["name"] == "platinum")
            #expect(
                renamed.json?["volume_type"]?.keys.sorted() == [
                    "description", "extra_specs", "id", "is_public", "name",
                ]
            )
            let shown = try await client.send(.get, "/types/\(id)")
            #expect(shown.json?["volume_type"]?["name"] == "platinum")
            #expect(shown.json?["volume_type"]?.keys.contains("qos_specs_id") == true)

            let deleted = try await client.send(.delete, "/types/\(id)")
            #expect(deleted.status == .accepted)
            #expect(try await client.send(.get, "/types/\(id)").status == .notFound)
        }
    }

    @Test(
        arguments: [
            (
                #"{"volume_type": {}}"#,
                "Invalid input for field/attribute volume_type. Value: {}. 'name' is a required property"
            ),
            (#"{"volume_type": {"name": "  "}}"#, "An invalid 'name' value was provided. The 'name' can not be empty."),
            (#"{"volume_type": {"name": "x", "color": "red"}}"#, nil),
            (#"{"volume_type": {"name": "x", "os-volume-type-access:is_public": "maybe"}}"#, nil),
            (#"{"volume_type": {"name": "x", "extra_specs": {"bad key!": "v"}}}"#, nil),
            (#"{"type": {"name": "x"}}"#, nil),
        ] as [(String, String?)]
    )
    func badCreateBodiesAre400(body: String, message: String?) async throws {
        try await APIHarness.run { client, _, api in
            let before = try await api.store.listVolumeTypes(ListQuery(scope: .allProjects)).items.count
            let response = try await client.send(.post, "/types", body)
            #expect(response.status == .badRequest)
            if let message { #expect(response.json?["badRequest"]?["message"] == .string(message)) }
            #expect(try await api.store.listVolumeTypes(ListQuery(scope: .allProjects)).items.count == before)
        }
    }

    @Test func updateAndDeleteRules() async throws {
        try await APIHarness.run { client, _, api in
            let created = try await client.send(.post, "/types", #"{"volume_type": {"name": "silver"}}"#)
            let id = try #require(created.json?["volume_type"]?["id"]?.stringValue)
            let empty = try await client.send(.put, "/types/\(id)", #"{"volume_type": {}}"#)
            #expect(
                empty.json?["badRequest"]?["message"]
                    == "Specify volume type name, description, is_public or a combination thereof."
            )
            let blank = try await client.send(.put, "/types/\(id)", #"{"volume_type": {"name": " "}}"#)
            #expect(blank.json?["badRequest"]?["message"] == "Volume type name can not be empty.")
            let missing = try await client.send(
                .put,
                "/types/\(UUID().uuidString.lowercased())",
                #"{"volume_type": {"name": "n"}}"#
            )
            #expect(missing.status == .notFound)

            _ = try await client.createVolume(#"{"volume": {"size": 1, "volume_type": "silver"}}"#)
            let inUse = try await client.send(.delete, "/types/\(id)")
            #expect(inUse.json?["badRequest"]?["message"] == "Target volume type is still in use.")

            let defaultType = try await api.types.defaultType()
            let deletingDefault = try await client.send(.delete, "/types/\(defaultType.id)")
            #expect(deletingDefault.status == .badRequest)
            #expect(
                deletingDefault.json?["badRequest"]?["message"]
                    == .string("The volume type \(defaultType.id) is a default volume type and cannot be deleted.")
            )
        }
    }

    @Test func extraSpecsLifecycle() async throws {
        try await APIHarness.run { client, _, _ in
            let created = try await client.send(.post, "/types", #"{"volume_type": {"name": "bronze"}}"#)
            let id = try #require(created.json?["volume_type"]?["id"]?.stringValue)
            let added = try await client.send(
                .post,
                "/types/\(id)/extra_specs",
                #"{"extra_specs": {"multiattach": "<is> True", "volume_backend_name": "alpha"}}"#
            )
            #expect(added.json == ["extra_specs": ["multiattach": "<is> True", "volume_backend_name": "alpha"]])
            let listed = try await client.send(.get, "/types/\(id)/extra_specs")
            #expect(listed.json == ["extra_specs": ["multiattach": "<is> True", "volume_backend_name": "alpha"]])
            let one = try await client.send(.get, "/types/\(id)/extra_specs/volume_backend_name")
            #expect(one.json == ["volume_backend_name": "alpha"])
            let mismatch = try await client.send(.put, "/types/\(id)/extra_specs/a", #"{"b": "1"}"#)
            #expect(mismatch.json?["badRequest"]?["message"] == "Request body and URI mismatch")
            let two = try await client.send(.put, "/types/\(id)/extra_specs/a", #"{"a": "1", "b": "2"}"#)
            #expect(two.status == .badRequest)
            let cacheable = try await client.send(
                .put,
                "/types/\(id)/extra_specs/cacheable",
                #"{"cacheable": "<is> True"}"#
            )
            #expect(cacheable.json?["badRequest"]?["message"] == "cacheable cannot be set with multiattach.")
            let updated = try await client.send(
                .put,
                "/types/\(id)/extra_specs/volume_backend_name",
                #"{"volume_backend_name": "beta"}"#
            )
            #expect(updated.json == ["volume_backend_name": "beta"])
            #expect(try await client.send(.delete, "/types/\(id)/extra_specs/volume_backend_name").status == .accepted)
            let gone = try await client.send(.get, "/types/\(id)/extra_specs/volume_backend_name")
            #expect(gone.status == .notFound)
            #expect(
                gone.json?["itemNotFound"]?["message"]
                    == .string("Volume Type \(id) has no extra specs with key volume_backend_name.")
            )

            _ = try await client.createVolume(#"{"volume": {"size": 1, "volume_type": "bronze"}}"#)
            let frozen = try await client.send(.post, "/types/\(id)/extra_specs", #"{"extra_specs": {"k": "v"}}"#)
            #expect(frozen.json?["badRequest"]?["message"] == "Volume Type is currently in use.")
        }
    }

    @Test func privateTypeAccess() async throws {
        try await APIHarness.run { client, _, _ in
            let created = try await client.send(
                .post,
                "/types",
                #"{"volume_type": {"name": "private", "os-volume-type-access:is_public": false}}"#
            )
            let id = try #require(created.json?["volume_type"]?["id"]?.stringValue)
            #expect(created.json?["volume_type"]?["os-volume-type-access:is_public"] == false)
            let other = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
            let add = #"{"addProjectAccess": {"project": "\#(other)"}}"#
            #expect(try await client.send(.post, "/types/\(id)/action", add).status == .accepted)
            let again = try await client.send(.post, "/types/\(id)/action", add)
            #expect(again.status == .conflict)
            let access = try await client.send(.get, "/types/\(id)/os-volume-type-access")
            #expect(
                access.json == ["volume_type_access": [["volume_type_id": .string(id), "project_id": .string(other)]]]
            )
            let remove = #"{"removeProjectAccess": {"project": "\#(other)"}}"#
            #expect(try await client.send(.post, "/types/\(id)/action", remove).status == .accepted)
            let removedAgain = try await client.send(.post, "/types/\(id)/action", remove)
            #expect(removedAgain.status == .notFound)

            let defaultID = try #require(
                try await client.send(.get, "/types/default").json?["volume_type"]?["id"]?.stringValue
            )
            let publicAccess = try await client.send(.get, "/types/\(defaultID)/os-volume-type-access")
            #expect(
                publicAccess.json?["itemNotFound"]?["message"] == "Access list not available for public volume types."
            )
            let publicAdd = try await client.send(.post, "/types/\(defaultID)/action", add)
            #expect(
                publicAdd.json?["badRequest"]?["message"]
                    == "Invalid volume type: Type access modification is not applicable to public volume type."
            )
            let badBody = try await client.send(.post, "/types/\(id)/action", #"{"addProjectAccess": {}}"#)
            #expect(badBody.status == .badRequest)
        }
    }
}

@Suite struct ServicesAPITests {
    static func register(_ api: VolumeAPI, host: String, binary: String, zone: String = "nova") async throws {
        let service = try await api.store.createService(
            ServiceRecord(host: host, binary: binary, topic: binary, availabilityZone: zone)
        )
        _ = try await api.store.recordHeartbeat(serviceID: service.id)
    }

    @Test func listsServicesWithStateAndFilters() async throws {
        // Heartbeats older than service_down_time (2 s here) mean down; the store and the API
        // share a manual clock, so beta's heartbeat ages without waiting.
        let clock = ManualClock()
        try await APIHarness.run(conf: "service_down_time = 2\n", clock: clock) { client, _, api in
            try await Self.register(api, host: "node@beta", binary: "cinder-volume", zone: "west")
            clock.advance(by: .seconds(2.5))
            try await Self.register(api, host: "node", binary: "cinder-scheduler")
            try await Self.register(api, host: "node@alpha", binary: "cinder-volume")
            let listed = try await client.send(.get, "/os-services", version: "3.49")
            let services = listed.json?["services"]?.arrayValue ?? []
            #expect(services.count == 3)
            let alpha = services.first { $0["host"] == "node@alpha" }
            #expect(alpha?["state"] == "up")
            #expect(alpha?["status"] == "enabled")
            #expect(alpha?["backend_state"] == "up")
            #expect(alpha?["frozen"] == false)
            #expect(alpha?.keys.contains("disabled_reason") == true)
            #expect(services.first { $0["host"] == "node@beta" }?["state"] == "down")
            #expect(services.first { $0["binary"] == "cinder-scheduler" }?["backend_state"] == nil)
            let filtered = try await client.send(.get, "/os-services?binary=cinder-volume&host=node@alpha")
            #expect(filtered.json?["services"]?.arrayValue.count == 1)
            // cinder's _filter_host: a bare host matches its backends and pools too.
            let byHost = try await client.send(.get, "/os-services?host=node")
            #expect(
                byHost.json?["services"]?.arrayValue.compactMap { $0["host"]?.stringValue }.sorted() == [
                    "node", "node@alpha", "node@beta",
                ]
            )
            let byPool = try await client.send(.get, "/os-services?host=node@alpha%23pool")
            #expect(byPool.json?["services"]?.arrayValue.isEmpty == true)
            let byOther = try await client.send(.get, "/os-services?host=nod")
            #expect(byOther.json?["services"]?.arrayValue.isEmpty == true)
        }
    }

    @Test func disableWithReasonThenEnable() async throws {
        try await APIHarness.run { client, _, api in
            try await Self.register(api, host: "node@alpha", binary: "cinder-volume")
            let disabled = try await client.send(
                .put,
                "/os-services/disable-log-reason",
                #"{"host": "node@alpha", "binary": "cinder-volume", "disabled_reason": "maintenance"}"#
            )
            #expect(
                disabled.json
                    == [
                        "host": "node@alpha", "service": "", "binary": "cinder-volume", "status": "disabled",
                        "disabled": true, "disabled_reason": "maintenance",
                    ]
            )
            let service = try await api.store.service(host: "node@alpha", binary: "cinder-volume")
            #expect(service.disabled)
            #expect(service.disabledReason == "maintenance")
            let zones = try await client.send(.get, "/os-availability-zone")
            #expect(zones.json == ["availabilityZoneInfo": [["zoneName": "nova", "zoneState": ["available": false]]]])

            let enabled = try await client.send(
                .put,
                "/os-services/enable",
                #"{"host": "node@alpha", "binary": "cinder-volume"}"#
            )
            #expect(enabled.json?["status"] == "enabled")
            #expect(try await api.store.service(host: "node@alpha", binary: "cinder-volume").disabled == false)
            let zonesAfter = try await client.send(.get, "/os-availability-zone")
            #expect(
                zonesAfter.json == ["availabilityZoneInfo": [["zoneName": "nova", "zoneState": ["available": true]]]]
            )

            let unknown = try await client.send(
                .put,
                "/os-services/disable",
                #"{"host": "nowhere", "binary": "cinder-volume"}"#
            )
            #expect(unknown.status == .notFound)
            let noHost = try await client.send(.put, "/os-services/disable", #"{"binary": "cinder-volume"}"#)
            #expect(noHost.json?["badRequest"]?["message"] == "Invalid input received: Host field is missing.")
            let noBinary = try await client.send(.put, "/os-services/disable", #"{"host": "node@alpha"}"#)
            #expect(noBinary.status == .badRequest)
        }
    }

    @Test func hostsListAndShow() async throws {
        try await APIHarness.run { client, _, api in
            try await Self.register(api, host: "node@alpha", binary: "cinder-volume")
            let id = try await client.createVolume(#"{"volume": {"size": 3}}"#)
            _ = try await api.store.updateVolume(id: id, [.host("node@alpha#alpha"), .status(.available)])
            let hosts = try await client.send(.get, "/os-hosts")
            let entry = hosts.json?["hosts"]?.arrayValue.first
            #expect(entry?["host_name"] == "node@alpha")
            #expect(entry?["service-status"] == "available")
            #expect(entry?["service-state"] == "enabled")
            let shown = try await client.send(.get, "/os-hosts/node@alpha")
            let resources = shown.json?["host"]?.arrayValue.compactMap { $0["resource"] } ?? []
            #expect(resources.first?["project"] == "(total)")
            #expect(resources.first?["volume_count"] == "1")
            #expect(resources.first?["total_volume_gb"] == "3")
            #expect(resources.last?["project"] == .string(APIHarness.project))
            #expect(try await client.send(.get, "/os-hosts/nowhere").status == .notFound)
            // `PUT`: the host's volume services disabled, answered `{"host", "status"}`; a body
            // that names no setting is answered `{}`.
            let disabled = try await client.send(.put, "/os-hosts/node@alpha", #"{"status": "disable"}"#)
            #expect(disabled.json == ["host": "node@alpha", "status": "disabled"])
            #expect(try await api.store.service(host: "node@alpha", binary: "cinder-volume").disabled)
            #expect(try await client.send(.put, "/os-hosts/node@alpha", "{}").json == [:])
        }
    }

    /// `disable` answers cinder's fixed view (`service` the deprecated key, empty when not given).
    @Test func disableAnswersTheServicesView() async throws {
        try await APIHarness.run { client, _, api in
            try await Self.register(api, host: "node@alpha", binary: "cinder-volume")
            let disabled = try await client.send(
                .put,
                "/os-services/disable",
                #"{"host": "node@alpha", "binary": "cinder-volume"}"#
            )
            #expect(
                disabled.json
                    == [
                        "host": "node@alpha", "service": "", "binary": "cinder-volume", "status": "disabled",
                        "disabled": true,
                    ]
            )
        }
    }

    /// `GET /capabilities/{host}`: the backend's answer in cinder's fixed view (the fields it
    /// does not report are null, `replication_targets` empty).
    @Test func capabilitiesShowTheBackendsAnswer() async throws {
        try await APIHarness.run { client, casts, api in
            try await Self.register(api, host: "node@alpha", binary: "cinder-volume")
            let shown = try await client.send(.get, "/capabilities/node@alpha")
            #expect(shown.status == .ok, "\(shown.text)")
            #expect(shown.json?["namespace"] == "OS::Storage::Capabilities::node@alpha")
            #expect(shown.json?["volume_backend_name"] == "alpha")
            #expect(shown.json?["storage_protocol"] == "local")
            #expect(shown.json?["pool_name"] == .null)
            #expect(shown.json?["replication_targets"] == [])
            #expect(casts.casts.contains("get_capabilities:node@alpha"))
        }
    }
}

@Suite struct QuotaUpdateTests {
    static let path = "/os-quota-sets/\(APIHarness.project)"

    /// A reservation the quota engine makes lives `reservation_expire` seconds of the API's
    /// clock; past that the store's expiry rolls it back.
    @Test func reservationsExpireAfterReservationExpire() async throws {
        let clock = ManualClock()
        try await APIHarness.run(conf: "reservation_expire = 600\n", clock: clock) { _, _, api in
            let reservation = try await api.quotas.reserve(
                projectID: APIHarness.project,
                deltas: ["volumes": 1],
                typeName: "__DEFAULT__"
            )
            #expect(try await api.store.quotaUsages(projectID: APIHarness.project)["volumes"]?.reserved == 1)
            clock.advance(by: .seconds(599))
            #expect(try await api.store.expireReservations(now: clock.now) == 0)
            clock.advance(by: .seconds(2))
            #expect(try await api.store.expireReservations(now: clock.now) == 1)
            #expect(try await api.store.quotaUsages(projectID: APIHarness.project)["volumes"]?.reserved == 0)
            // Committing the expired reservation changes nothing.
            try await api.store.commit(reservation)
            #expect(try await api.store.quotaUsages(projectID: APIHarness.project)["volumes"]?.inUse == 0)
        }
    }

    @Test func updateShowAndDeleteProjectQuotas() async throws {
        try await APIHarness.run { client, _, _ in
            let updated = try await client.send(.put, Self.path, #"{"quota_set": {"volumes": 3, "gigabytes": "50"}}"#)
            #expect(updated.status == .ok)
            #expect(updated.json?["quota_set"]?["volumes"] == 3)
            #expect(updated.json?["quota_set"]?["gigabytes"] == 50)
            #expect(updated.json?["quota_set"]?["id"] == nil)
            let shown = try await client.send(.get, Self.path)
            #expect(shown.json?["quota_set"]?["volumes"] == 3)
            // The new limit is enforced on create.
            for _ in 0..<3 { _ = try await client.createVolume() }
            let over = try await client.send(.post, "/volumes", #"{"volume": {"size": 1}}"#)
            #expect(over.status.code == 413)
            // A limit below what is in use is refused, and nothing changes.
            let below = try await client.send(.put, Self.path, #"{"quota_set": {"volumes": 2}}"#)
            #expect(
                below.json?["badRequest"]?["message"]
                    == "Quota volumes limit must be equal or greater than existing resources. Current usage is 3 and the requested limit is 2."
            )
            #expect(try await client.send(.get, Self.path).json?["quota_set"]?["volumes"] == 3)
            let deleted = try await client.send(.delete, Self.path)
            #expect(deleted.status == .ok)
            #expect(try await client.send(.get, Self.path).json?["quota_set"]?["volumes"] == 10)
        }
    }

    @Test(
        arguments: [
            (#"{"quota_set": {"apples": 1}}"#, "Invalid input received: Bad key(s) in quota set: apples"),
            (#"{"quota_set": {"volumes": "many"}}"#, "volumes must be an integer"),
            (#"{"quota_set": {"volumes": -2}}"#, "volumes must be >= -1"),
            (#"{"quota_set": {"volumes": 2147483648}}"#, "volumes must be <= 2147483647"),
            (#"{"quota_set": {"volumes": 1.5}}"#, "volumes must be an integer"),
            (#"{"quota": {"volumes": 1}}"#, "'quota_set' is a required property"),
        ] as [(String, String)]
    )
    func badQuotaSetsAre400(body: String, message: String) async throws {
        try await APIHarness.run { client, _, _ in
            let response = try await client.send(.put, Self.path, body)
            #expect(response.status == .badRequest)
            #expect(response.json?["badRequest"]?["message"] == .string(message))
            #expect(try await client.send(.get, Self.path).json?["quota_set"]?["volumes"] == 10)
        }
    }

    @Test func quotaClassesSetTheDefaults() async throws {
        try await APIHarness.run { client, _, _ in
            let shown = try await client.send(.get, "/os-quota-class-sets/default")
            #expect(shown.json?["quota_class_set"]?["volumes"] == 10)
            #expect(shown.json?["quota_class_set"]?["id"] == "default")
            let updated = try await client.send(
                .put,
                "/os-quota-class-sets/default",
                #"{"quota_class_set": {"volumes": 4}}"#
            )
            #expect(updated.json?["quota_class_set"]?["volumes"] == 4)
            #expect(updated.json?["quota_class_set"]?["id"] == nil)
            // With use_default_quota_class (the default) the class is every project's default.
            let project = try await client.send(.get, "/os-quota-sets/\(APIHarness.project)")
            #expect(project.json?["quota_set"]?["volumes"] == 4)
            let bad = try await client.send(.put, "/os-quota-class-sets/default", #"{"quota_class_set": {"id": 1}}"#)
            #expect(bad.json?["badRequest"]?["message"] == "Invalid input received: Bad key(s) in quota class set: id")
        }
    }
}

@Suite struct AdminActionTests {
    @Test func resetStatusOnVolumes() async throws {
        try await APIHarness.run { client, _, api in
            let id = try await client.placedVolume(api, status: .error)
            let reset = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-reset_status": {"status": "AVAILABLE", "migration_status": "none"}}"#
            )
            #expect(reset.status == .accepted)
            let volume = try await api.store.volume(id: id, scope: .allProjects)
            #expect(volume.status == .available)
            #expect(volume.migrationStatus == nil)
        }
    }

    @Test(
        arguments: [
            (#"{"os-reset_status": {}}"#, "Must specify 'status', 'attach_status' or 'migration_status' for update."),
            (#"{"os-reset_status": {"status": "deleting"}}"#, "Cannot reset-state to deleting"),
            (
                #"{"os-reset_status": {"status": "in-use"}}"#,
                "Cannot reset-state to in-use because volume does not have any attachments."
            ),
            (
                #"{"os-reset_status": {"attach_status": "glued"}}"#,
                "Volume attach status: glued is invalid, valid statuses are: ('attached', 'detached')."
            ),
            (#"{"os-reset_status": {"status": "available", "x": 1}}"#, nil),
        ] as [(String, String?)]
    )
    func badVolumeResetsAre400(body: String, message: String?) async throws {
        try await APIHarness.run { client, _, api in
            let id = try await client.placedVolume(api, status: .error)
            let response = try await client.send(.post, "/volumes/\(id)/action", body)
            #expect(response.status == .badRequest)
            if let message { #expect(response.json?["badRequest"]?["message"] == .string(message)) }
            #expect(try await api.store.volume(id: id, scope: .allProjects).status == .error)
        }
    }

    @Test func forceDeleteSkipsTheStatusCheck() async throws {
        try await APIHarness.run { client, recorder, api in
            let id = try await client.placedVolume(api, status: .creating)
            let plain = try await client.send(.delete, "/volumes/\(id)")
            #expect(plain.status == .badRequest)
            let forced = try await client.send(.post, "/volumes/\(id)/action", #"{"os-force_delete": {}}"#)
            #expect(forced.status == .accepted)
            #expect(try await api.store.volume(id: id, scope: .allProjects).status == .deleting)
            #expect(recorder.casts.contains { $0.contains("delete_volume") })
        }
    }

    @Test func snapshotResetAndForceDelete() async throws {
        try await APIHarness.run { client, _, api in
            let volume = try await client.placedVolume(api)
            let id = try await client.createSnapshot(volume)
            let bad = try await client.send(
                .post,
                "/snapshots/\(id)/action",
                #"{"os-reset_status": {"status": "melted"}}"#
            )
            #expect(
                bad.json?["badRequest"]?["message"]
                    == "Snapshot status: melted is invalid, valid statuses are: ('error', 'available', 'creating', 'deleting', 'deleted', 'updating', 'error_deleting', 'unmanaging', 'backing-up', 'restoring')."
            )
            let reset = try await client.send(
                .post,
                "/snapshots/\(id)/action",
                #"{"os-reset_status": {"status": "error_deleting"}}"#
            )
            #expect(reset.status == .accepted)
            #expect(try await api.store.snapshot(id: id, scope: .allProjects).status == .errorDeleting)
            let plain = try await client.send(.delete, "/snapshots/\(id)")
            #expect(plain.status == .badRequest)
            let forced = try await client.send(.post, "/snapshots/\(id)/action", #"{"os-force_delete": {}}"#)
            #expect(forced.status == .accepted)
            #expect(try await api.store.snapshot(id: id, scope: .allProjects).status == .deleting)
        }
    }
}

@Suite struct ImageMetadataTests {
    @Test func setShowUnsetImageMetadata() async throws {
        try await APIHarness.run { client, _, api in
            let id = try await client.placedVolume(api)
            let noField = try await client.send(.get, "/volumes/\(id)")
            #expect(noField.json?["volume"]?["volume_image_metadata"] == nil)
            let set = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-set_image_metadata": {"metadata": {"image_name": "cirros", "min_ram": "64"}}}"#
            )
            #expect(set.json == ["metadata": ["image_name": "cirros", "min_ram": "64"]])
            let shown = try await client.send(.post, "/volumes/\(id)/action", #"{"os-show_image_metadata": null}"#)
            #expect(shown.json == ["metadata": ["image_name": "cirros", "min_ram": "64"]])
            let volume = try await client.send(.get, "/volumes/\(id)")
            #expect(volume.json?["volume"]?["volume_image_metadata"] == ["image_name": "cirros", "min_ram": "64"])
            let unset = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-unset_image_metadata": {"key": "min_ram"}}"#
            )
            #expect(unset.status == .ok)
            let missing = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-unset_image_metadata": {"key": "min_ram"}}"#
            )
            #expect(missing.status == .notFound)
            #expect(
                missing.json?["itemNotFound"]?["message"]
                    == .string("Glance metadata for volume/snapshot \(id) cannot be found.")
            )
            let bad = try await client.send(
                .post,
                "/volumes/\(id)/action",
                #"{"os-set_image_metadata": {"metadata": {"bad key!": "x"}}}"#
            )
            #expect(bad.status == .badRequest)
            let after = try await client.send(.post, "/volumes/\(id)/action", #"{"os-show_image_metadata": {}}"#)
            #expect(after.json == ["metadata": ["image_name": "cirros"]])
        }
    }
}

@Suite struct SnapshotActionTests {
    @Test func updateSnapshotStatusFollowsCindersTransitions() async throws {
        try await APIHarness.run { client, _, api in
            let volume = try await client.placedVolume(api)
            let id = try await client.createSnapshot(volume)
            let path = "/snapshots/\(id)/action"
            let progress = try await client.send(
                .post,
                path,
                #"{"os-update_snapshot_status": {"status": "creating", "progress": "40%"}}"#
            )
            #expect(progress.status == .accepted)
            let shown = try await client.send(.get, "/snapshots/\(id)")
            #expect(shown.json?["snapshot"]?["os-extended-snapshot-attributes:progress"] == "40%")
            let badProgress = try await client.send(
                .post,
                path,
                #"{"os-update_snapshot_status": {"status": "creating", "progress": "140%"}}"#
            )
            #expect(
                badProgress.json?["badRequest"]?["message"]
                    == "Invalid input received: progress must be an integer percentage between 0 and 100"
            )
            let wrong = try await client.send(.post, path, #"{"os-update_snapshot_status": {"status": "deleting"}}"#)
            #expect(
                wrong.json?["badRequest"]?["message"]
                    == "Provided snapshot status deleting not allowed for snapshot with status creating."
            )
            let done = try await client.send(.post, path, #"{"os-update_snapshot_status": {"status": "available"}}"#)
            #expect(done.status == .accepted)
            #expect(try await api.store.snapshot(id: id, scope: .allProjects).status == .available)
            let after = try await client.send(.post, path, #"{"os-update_snapshot_status": {"status": "error"}}"#)
            #expect(
                after.json?["badRequest"]?["message"]
                    == "Snapshot status available not allowed for update_snapshot_status"
            )
        }
    }
}

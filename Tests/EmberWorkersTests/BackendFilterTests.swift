import EmberCore
import EmberWorkers
import Foundation
import Testing

@Suite("Scheduler filters and weigher (pure)")
struct BackendFilterTests {
    static func state(
        _ name: String,
        total: Double = 100,
        free: Double = 100,
        provisioned: Double = 0,
        reserved: Int = 0,
        ratio: Double = 1,
        zone: String = "nova",
        capabilities: JSONObject = [:]
    ) -> BackendState {
        BackendState(
            backend: "h@" + name,
            pool: name,
            volumeBackendName: name,
            availabilityZone: zone,
            totalCapacityGiB: total,
            freeCapacityGiB: free,
            provisionedCapacityGiB: provisioned,
            reservedPercentage: reserved,
            maxOverSubscriptionRatio: ratio,
            thinProvisioningSupport: true,
            capabilities: capabilities
        )
    }

    @Test("the most virtual free capacity wins")
    func weigherPrefersMostFree() {
        let ranked = BackendFilter.rank(
            [Self.state("a", provisioned: 60), Self.state("b", provisioned: 10)],
            for: PlacementRequest(sizeGiB: 1)
        )
        #expect(ranked.map(\.pool) == ["b", "a"])
    }

    @Test(
        "capacity with reserved space and over-subscription",
        arguments: [
            (size: 50, reserved: 0, ratio: 1.0, provisioned: 0.0, passes: true),
            (size: 101, reserved: 0, ratio: 1.0, provisioned: 0.0, passes: false),
            (size: 95, reserved: 10, ratio: 1.0, provisioned: 0.0, passes: false),
            (size: 90, reserved: 10, ratio: 1.0, provisioned: 0.0, passes: true),
            (size: 150, reserved: 0, ratio: 2.0, provisioned: 0.0, passes: true),
            (size: 150, reserved: 0, ratio: 2.0, provisioned: 60.0, passes: false),
        ]
    )
    func capacity(size: Int, reserved: Int, ratio: Double, provisioned: Double, passes: Bool) {
        let state = Self.state("a", provisioned: provisioned, reserved: reserved, ratio: ratio)
        #expect(!BackendFilter.rank([state], for: PlacementRequest(sizeGiB: size)).isEmpty == passes)
    }

    @Test(
        "extra spec operators",
        arguments: [
            ("local", "local", true), ("local", "iscsi", false), ("True", "<is> True", true),
            ("False", "<is> True", false), ("10", ">= 5", true), ("3", ">= 5", false), ("abc", "<in> b", true),
            ("b", "<or> a <or> b", true), ("c", "<or> a <or> b", false), ("x", "s== x", true),
        ]
    )
    func extraSpecOperators(value: String, requirement: String, matches: Bool) {
        let state = Self.state("a", capabilities: ["thing": .string(value)])
        let request = PlacementRequest(sizeGiB: 1, extraSpecs: ["capabilities:thing": requirement])
        #expect(!BackendFilter.rank([state], for: request).isEmpty == matches)
    }

    @Test("scoped extra specs other than capabilities: are ignored; volume_backend_name must match")
    func scopesAndBackendName() {
        let states = [Self.state("a"), Self.state("b")]
        let request = PlacementRequest(
            sizeGiB: 1,
            extraSpecs: ["qos:iops": "100", "volume_backend_name": "b"]
        )
        #expect(BackendFilter.rank(states, for: request).map(\.pool) == ["b"])
    }

    @Test("resource_backend pins clones to the source's backend")
    func resourceBackendPins() {
        let states = [Self.state("a", provisioned: 50), Self.state("b")]
        #expect(
            BackendFilter.rank(states, for: PlacementRequest(sizeGiB: 1, resourceBackend: "h@a")).map(\.pool) == ["a"]
        )
        #expect(
            BackendFilter.rank(states, for: PlacementRequest(sizeGiB: 1, resourceBackend: "h@a#a")).map(\.pool) == ["a"]
        )
    }

    @Test("availability zone")
    func zone() {
        let states = [Self.state("a"), Self.state("b", zone: "z2")]
        #expect(
            BackendFilter.rank(states, for: PlacementRequest(sizeGiB: 1, availabilityZone: "z2")).map(\.pool) == ["b"]
        )
    }
}

@Suite("Retype placement (find_retype_backend, pure)")
struct RetypePlacementTests {
    typealias F = BackendFilterTests

    @Test("the volume's own backend wins when it passes, even with less room than another")
    func currentBackendIsPreferred() {
        let backends = [F.state("a", provisioned: 90), F.state("b")]
        let chosen = BackendFilter.retypeBackend(
            backends,
            for: PlacementRequest(sizeGiB: 5),
            current: "h@a#a",
            migrationPolicy: "never"
        )
        #expect(chosen?.hostWithPool == "h@a#a")
    }

    @Test("the volume's own pool passes capacity: it already holds the volume (vol_exists_on)")
    func currentBackendPassesCapacity() {
        let full = F.state("a", free: 0, provisioned: 100)
        let request = PlacementRequest(sizeGiB: 10)
        #expect(BackendFilter.rank([full], for: request).isEmpty)
        let chosen = BackendFilter.retypeBackend([full], for: request, current: "h@a#a", migrationPolicy: "never")
        #expect(chosen?.hostWithPool == "h@a#a")
    }

    @Test(
        "a current backend that fails the new type's specs: another only on demand",
        arguments: [("never", nil), ("on-demand", "h@b#b")] as [(String, String?)]
    )
    func movesOnlyOnDemand(policy: String, expected: String?) {
        let backends = [F.state("a"), F.state("b")]
        let chosen = BackendFilter.retypeBackend(
            backends,
            for: PlacementRequest(sizeGiB: 1, extraSpecs: ["volume_backend_name": "b"]),
            current: "h@a#a",
            migrationPolicy: policy
        )
        #expect(chosen?.hostWithPool == expected)
    }

    @Test("a legacy host without a pool matches its backend's pool")
    func legacyHostMatchesBackend() {
        let chosen = BackendFilter.retypeBackend(
            [F.state("b"), F.state("a")],
            for: PlacementRequest(sizeGiB: 1),
            current: "h@a",
            migrationPolicy: "never"
        )
        #expect(chosen?.hostWithPool == "h@a#a")
    }
}

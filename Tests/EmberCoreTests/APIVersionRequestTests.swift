import EmberCore
import Testing

@Suite struct APIVersionRequestTests {
    @Test(
        arguments: [
            (nil, "3.0"), ("volume 3.59", "3.59"), ("volume latest", "3.71"), ("volume 3.71", "3.71"),
            ("compute 2.1, volume 3.5", "3.5"), ("volume 3.0", "3.0"),
        ] as [(String?, String)]
    )
    func negotiatesSupportedVersions(header: String?, expected: String) throws {
        let version = try APIVersionRequest.negotiate(header: header).get()
        #expect(version.description == expected)
    }

    @Test func outOfRangeIs406WithCinderMessage() {
        let result = APIVersionRequest.negotiate(header: "volume 3.99")
        guard case .failure(let error) = result else {
            Issue.record("3.99 was accepted")
            return
        }
        #expect(error.status == 406)
        #expect(error.message == "Version 3.99 is not supported by the API. Minimum is 3.0 and maximum is 3.71.")
        #expect(error.requested?.description == "3.99")
        #expect(error.emberError.faultName == "computeFault")
    }

    @Test(arguments: [("3.0", 3, 0), ("3.71", 3, 71), ("10.5", 10, 5), ("1.100", 1, 100)])
    func parsesCinderVersionStrings(text: String, major: Int, minor: Int) {
        #expect(APIVersionRequest(text) == APIVersionRequest(major: major, minor: minor))
    }

    @Test(arguments: [
        "", "3", "3.", ".1", "03.1", "3.01", "0.1", "3.1.2", "3.x", "3..1", " 3.1", "99999999999999999999.1",
    ])
    func rejectsWhatCinderRegexRejects(text: String) {
        #expect(APIVersionRequest(text) == nil)
    }

    @Test(arguments: ["volume 3.x", "volume 3.05", "volume 4", "volume 03.1", "volume"])
    func malformedIs400WithCinderMessage(header: String) {
        guard case .failure(let error) = APIVersionRequest.negotiate(header: header) else {
            Issue.record("\(header) was accepted")
            return
        }
        #expect(error.status == 400)
        #expect(error.message.hasSuffix("is of invalid format. Must be of format MajorNum.MinorNum."))
        #expect(error.requested == nil)
    }

    @Test func headerWithoutVolumeIs400() {
        guard case .failure(let error) = APIVersionRequest.negotiate(header: "compute 2.1") else {
            Issue.record("accepted")
            return
        }
        #expect(error.status == 400)
    }

    @Test func faultNamesFollowCinder() {
        #expect(EmberError.faultName(for: 400) == "badRequest")
        #expect(EmberError.faultName(for: 404) == "itemNotFound")
        #expect(EmberError.faultName(for: 413) == "overLimit")
        #expect(EmberError.faultName(for: 406) == "computeFault")
        #expect(EmberError.faultName(for: 500) == "computeFault")
    }
}

import EmberCore
import Testing

/// cinder's `volume_utils.paginate_entries_list`, on the entries a backend lists.
@Suite struct ManageablePagingTests {
    static let entries = [
        ManageableResource(reference: ["source-name": "b"], size: 3, safeToManage: true),
        ManageableResource(reference: ["source-name": "a"], size: 5, safeToManage: true),
        ManageableResource(reference: ["source-name": "c"], size: 3, safeToManage: false, cinderID: "x"),
    ]

    static func names(_ page: [ManageableResource]) -> [String] {
        page.compactMap { $0.reference["source-name"]?.stringValue }
    }

    static func paging(
        _ keys: [String],
        _ dirs: [String],
        marker: JSONValue? = nil,
        limit: Int = 10,
        offset: Int = 0
    ) -> ManageablePaging {
        ManageablePaging(marker: marker, limit: limit, offset: offset, sortKeys: keys, sortDirs: dirs)
    }

    @Test func sortsByEachKeyInItsDirection() throws {
        #expect(Self.names(try Self.paging(["reference"], ["desc"]).page(Self.entries)) == ["c", "b", "a"])
        #expect(Self.names(try Self.paging(["reference"], ["asc"]).page(Self.entries)) == ["a", "b", "c"])
        // Equal sizes fall through to the next key.
        #expect(
            Self.names(try Self.paging(["size", "reference"], ["asc", "desc"]).page(Self.entries)) == ["c", "b", "a"]
        )
        #expect(Self.names(try Self.paging(["size"], ["desc"]).page(Self.entries)).first == "a")
    }

    @Test func marksLimitsAndOffsets() throws {
        let asc = ["asc"]
        #expect(
            Self.names(try Self.paging(["reference"], asc, marker: "{\"source-name\": \"a\"}").page(Self.entries))
                == ["b", "c"]
        )
        #expect(
            Self.names(try Self.paging(["reference"], asc, marker: ["source-name": "a"], limit: 1).page(Self.entries))
                == ["b"]
        )
        #expect(Self.names(try Self.paging(["reference"], asc, limit: 1, offset: 1).page(Self.entries)) == ["b"])
        #expect(Self.names(try Self.paging(["reference"], asc, offset: 5).page(Self.entries)).isEmpty)
        #expect(Self.names(try Self.paging(["reference"], asc, limit: 0).page(Self.entries)).isEmpty)
    }

    @Test func refusesMarkersItCannotReadOrFind() {
        #expect(
            throws: ManageablePagingError.invalidInput("marker {oops can not be analysed, please use json like format")
        ) {
            try Self.paging(["reference"], ["asc"], marker: "{oops").page(Self.entries)
        }
        #expect(throws: ManageablePagingError.invalidInput("marker not found: {'source-name': 'z'}")) {
            try Self.paging(["reference"], ["asc"], marker: "{\"source-name\": \"z\"}").page(Self.entries)
        }
    }
}

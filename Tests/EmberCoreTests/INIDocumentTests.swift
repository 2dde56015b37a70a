import EmberCore
import Testing

@Suite struct INIDocumentTests {
    @Test func readsSectionsKeysAndBothDelimiters() throws {
        let document = try INIDocument(
            text: """
                # comment
                [composite:osapi_volume]
                use = call:cinder.api:root_app_factory
                /: apiversions
                /v3: openstack_volume_api_v3
                ; another comment
                [DEFAULT]
                debug=true
                """,
            path: "t.ini"
        )
        let composite = try #require(document.section("composite:osapi_volume"))
        #expect(composite.value("use") == "call:cinder.api:root_app_factory")
        #expect(composite.value("/") == "apiversions")
        #expect(composite.value("/v3") == "openstack_volume_api_v3")
        #expect(document.section("DEFAULT")?.value("debug") == "true")
    }

    @Test func continuationLinesJoinWithNewlines() throws {
        let document = try INIDocument(text: "[a]\nkey = one\n  two\n\tthree\nother = x\n", path: "t.ini")
        #expect(document.section("a")?.value("key") == "one\ntwo\nthree")
        #expect(document.section("a")?.value("other") == "x")
    }

    @Test func repeatedKeysKeepEveryValue() throws {
        let document = try INIDocument(text: "[a]\nk = 1\nk = 2\n[a]\nk = 3\n", path: "t.ini")
        #expect(document.section("a")?.values("k") == ["1", "2", "3"])
        #expect(document.section("a")?.value("k") == "3")
    }

    @Test func lowercaseDefaultIsDefault() throws {
        let document = try INIDocument(text: "[default]\nk = 1\n", path: "t.ini")
        #expect(document.section("DEFAULT")?.value("k") == "1")
    }

    @Test(arguments: [
        ("k = v\n", 1, "appears before any [section] header"),
        ("[a]\njust words\n", 2, "expected 'key = value'"),
        ("[a\nk = v\n", 1, "malformed section header"),
        ("[a]\n= v\n", 2, "empty option name"),
    ])
    func syntaxErrorsNameFileAndLine(text: String, line: Int, fragment: String) {
        #expect {
            try INIDocument(text: text, path: "/etc/ember/bad.conf")
        } throws: { error in
            guard case .syntax(let path, let errorLine, let message) = error as? ConfigurationError else {
                return false
            }
            return path == "/etc/ember/bad.conf" && errorLine == line && message.contains(fragment)
        }
    }
}

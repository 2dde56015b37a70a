/// libFuzzer target: the INI reader (`ember.conf`, `cinder.conf`, `api-paste.ini`) and
/// oslo.config's `$name` interpolation over what it read.
///
/// Any text is either read into sections or refused with a `ConfigurationError` naming the
/// line; every section read can be looked up by its name. Interpolation either expands every
/// value or refuses the file (a value that refers to itself, or expands past the limit), and
/// never recurses without end or grows without bound.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzINI(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let document = try? INIDocument(text: text, path: "fuzz.conf") else { return 0 }
    for section in document.sections where document.section(section.name) == nil {
        fatalError("section [\(section.name)] was read but cannot be found")
    }
    let files = ConfigFiles(documents: [document], interpolationDefaults: ["state_path": "/var/lib/ember"])
    guard (try? files.checkInterpolation()) != nil else { return 0 }
    for section in document.sections {
        for entry in section.entries {
            guard let value = files.value(section.name, entry.key) else {
                fatalError("[\(section.name)] \(entry.key) was read but has no value")
            }
            if value.utf8.count > entry.value.utf8.count + ConfigFiles.interpolationLimit {
                fatalError("[\(section.name)] \(entry.key) expanded past the limit")
            }
        }
    }
    return 0
}

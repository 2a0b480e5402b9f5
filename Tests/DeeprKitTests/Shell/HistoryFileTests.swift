import Foundation
import Testing

@testable import DeeprKit

/// The history file: both formats it reads, the rules for adding entries, the cap, and
/// what happens to files it cannot read.
struct HistoryFileTests {
    static let showLine = "show resp_68a1f0c24d7c8190b3e1a9d2c4f50617"

    let folder = TestSupport.temporaryFolder("history")

    func historyPath(_ name: String = "history") -> String {
        folder.appendingPathComponent(name).path
    }

    // MARK: Loading

    @Test func loadPlainFormat() {
        let path = TestSupport.copy(TestSupport.caseFile("B16-history-gnu.txt"), into: folder, as: "history")
        let history = HistoryFile(path: path, limit: 1000)

        #expect(history.load() == nil)
        #expect(history.entries == ["list", Self.showLine, #"search "climate change""#])
    }

    @Test func loadLibeditFormat() {
        let path = TestSupport.copy(TestSupport.caseFile("B16-history-libedit.txt"), into: folder, as: "history")
        let history = HistoryFile(path: path, limit: 1000)

        #expect(history.load() == nil)
        #expect(history.entries == ["list", Self.showLine, #"search "climate change" café\n"#])
    }

    @Test func loadKeepsNewestWithinLimit() {
        let path = TestSupport.copy(TestSupport.caseFile("B16-history-gnu.txt"), into: folder, as: "history")
        let history = HistoryFile(path: path, limit: 2)

        history.load()
        #expect(history.entries == [Self.showLine, #"search "climate change""#])
    }

    @Test func loadCRLFAndBlankLines() {
        TestSupport.write("list\r\n\r\nshow 1\r\n", to: historyPath())
        let history = HistoryFile(path: historyPath(), limit: 10)

        history.load()
        #expect(history.entries == ["list", "show 1"])
    }

    @Test func loadMissingFile() {
        let history = HistoryFile(path: historyPath("absent"), limit: 10)

        #expect(history.load() == nil)
        #expect(history.entries.isEmpty)
    }

    @Test func directoryIsNotReplaced() throws {
        let path = historyPath()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let history = HistoryFile(path: path, limit: 10)

        let warning = history.load()
        #expect(warning?.contains("cannot read the history file") == true)
        #expect(history.entries.isEmpty)
        #expect(!history.writable)

        history.add("list")
        #expect(history.save() == nil)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory))
        #expect(isDirectory.boolValue)
    }

    // MARK: libedit escapes

    @Test(arguments: [
        (#"show\040resp_1"#, "show resp_1"),
        (#"net\134zero"#, #"net\zero"#),
        (#"a\\b"#, #"a\b"#),
        (#"tab\^Ihere"#, "tab\there"),
        (#"del\^?"#, "del\u{7F}"),
        (#"caf\M-C\M-)"#, "café"),
        (#"caf\303\251"#, "café"),
        (#"trailing\"#, #"trailing\"#),
        (#"not\08escape"#, #"not\08escape"#),
        (#"\040"#, " "),
    ])
    func libeditEscape(encoded: String, decoded: String) {
        #expect(HistoryFile.decodeLibedit(encoded) == decoded)
    }

    @Test func libeditFileIsBackedUp() {
        let path = TestSupport.copy(TestSupport.caseFile("B16-history-libedit.txt"), into: folder, as: "history")
        let original = TestSupport.read(path)
        let history = HistoryFile(path: path, limit: 1000)
        history.load()

        history.add("list --all")
        #expect(history.save() == nil)

        #expect(TestSupport.read(path + ".libedit-backup") == original)
        #expect(TestSupport.read(path).hasPrefix("list\n"))
        #expect(!TestSupport.read(path).contains("_HiStOrY_V2_"))
    }

    // MARK: Adding and saving

    @Test func addSkipsConsecutiveDuplicate() {
        let history = HistoryFile(path: historyPath(), limit: 10)

        #expect(history.add("list"))
        #expect(!history.add("list"))
        #expect(history.add("show 1"))
        #expect(history.add("list"))
        #expect(history.entries == ["list", "show 1", "list"])
    }

    @Test func addSkipsLeadingSpace() {
        let history = HistoryFile(path: historyPath(), limit: 10)

        #expect(!history.add(" list"))
        #expect(history.entries.isEmpty)
    }

    @Test func addSkipsBlankLines() {
        let history = HistoryFile(path: historyPath(), limit: 10)

        #expect(!history.add(""))
        #expect(!history.add("\t"))
        #expect(history.entries.isEmpty)
    }

    @Test func addKeepsNewestWithinLimit() {
        let history = HistoryFile(path: historyPath(), limit: 3)

        for line in ["a", "b", "c", "d"] { history.add(line) }
        #expect(history.entries == ["b", "c", "d"])
    }

    @Test func saveWritesPlainLines() throws {
        let path = historyPath("state/deepr-manager/history")
        let history = HistoryFile(path: path, limit: 3)
        for line in ["list", #"search "climate change" café"#, #"search net\zero"#, "show 1"] {
            history.add(line)
        }

        #expect(history.save() == nil)
        #expect(TestSupport.read(path) == "search \"climate change\" café\nsearch net\\zero\nshow 1\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func saveThenLoadRoundTrips() {
        let lines = [#"search "climate change" café"#, #"search net\zero"#, "search 東京 🚀", "_HiStOrY_V2_ later"]
        let written = HistoryFile(path: historyPath(), limit: 10)
        for line in lines { written.add(line) }
        written.save()

        let loaded = HistoryFile(path: historyPath(), limit: 10)
        loaded.load()
        #expect(loaded.entries == lines)
    }

    // MARK: Settings

    @Test(arguments: [
        ("3", 3),
        (" 25 ", 25),
        ("0", 1000),
        ("-4", 1000),
        ("many", 1000),
        ("", 1000),
    ])
    func historySizeFromEnvironment(value: String, limit: Int) {
        let settings = Invocation().settings(environment: Environment(["DEEPR_MANAGER_HISTSIZE": value]))
        #expect(settings.historyLimit == limit)
    }

    @Test func historySizeDefault() {
        let settings = Invocation().settings(environment: Environment([:]))
        #expect(settings.historyLimit == 1000)
    }
}

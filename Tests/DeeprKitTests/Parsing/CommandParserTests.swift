import Testing

@testable import DeeprKit

@Suite struct CommandParserTests {
    let parser = CommandParser()

    func parse(_ line: String) throws -> ParsedArguments {
        try parser.parse(try Tokenizer.split(line))
    }

    @Test func parsesFlagsAndValues() throws {
        let parsed = try parse("list --all --status failed,cancelled -n 3 --grep=heat")
        #expect(parsed.spec.name == "list")
        #expect(parsed.has("all"))
        #expect(parsed.values("status") == ["failed", "cancelled"])
        #expect(try parsed.integer("limit") == 3)
        #expect(parsed.value("grep") == "heat")
    }

    @Test func aliasesResolveToTheirCommand() throws {
        #expect(try parse("details last").spec.name == "show")
        #expect(try parse("quit").spec.name == "exit")
        #expect(try parse("ls").spec.name == "list")
    }

    @Test func repeatableFlagsCollect() throws {
        let parsed = try parse("list --tag a --tag b")
        #expect(parsed.values("tag", splitCommas: false) == ["a", "b"])
    }

    @Test func unknownCommandSuggests() {
        #expect {
            try parse("lst")
        } throws: { error in
            let presented = DeeprError.from(error)
            return presented.status == .usage && presented.message.contains("unknown command 'lst'")
                && presented.message.contains("did you mean 'list'")
        }
    }

    @Test func unknownFlagSuggests() {
        #expect {
            try parse("list --stauts completed")
        } throws: { error in
            let message = DeeprError.from(error).message
            return message.contains("'--stauts'") && message.contains("did you mean '--status'")
        }
    }

    @Test func missingValueIsUsageError() {
        #expect {
            try parse("list --status")
        } throws: { error in
            DeeprError.from(error).message.contains("--status needs a value")
        }
    }

    @Test func valueOnBooleanFlagIsRejected() {
        #expect(throws: DeeprError.self) { try parse("list --all=yes") }
    }

    @Test func missingPositionalNamesIt() {
        #expect {
            try parse("show")
        } throws: { error in
            let presented = DeeprError.from(error)
            return presented.message.contains("show needs REF") && presented.status == .usage
        }
    }

    @Test func extraPositionalIsRejected() {
        #expect {
            try parse("list extra")
        } throws: { error in
            DeeprError.from(error).message.contains("'extra'")
        }
    }

    @Test func doubleDashEndsFlags() throws {
        let parsed = try parse("search -- --all")
        #expect(parsed.positionals == ["--all"])
        #expect(!parsed.has("all"))
    }

    @Test func typedCommandsBuildFromTable() throws {
        let command = try CommandTable.standard.makeCommand(try Tokenizer.split("list --sort -model --limit 2"))
        let list = try #require(command as? ListCommand)
        #expect(list.limit == 2)
        #expect(list.sort.key == .model)
        #expect(list.sort.descending)
    }

    @Test func badSortKeyIsUsageError() {
        #expect(throws: DeeprError.self) { try CommandTable.standard.makeCommand(try Tokenizer.split("list --sort size")) }
    }

    @Test func twoOutputFormatsConflict() {
        #expect(throws: DeeprError.self) { try CommandTable.standard.makeCommand(try Tokenizer.split("list --json --csv")) }
    }

    @Test func cancelAllMeansCancelActive() throws {
        let command = try CommandTable.standard.makeCommand(try Tokenizer.split("cancel-all --dry-run"))
        let cancel = try #require(command as? CancelCommand)
        #expect(cancel.all)
        #expect(cancel.dryRun)
    }

    @Test func everyCommandHasHelpAndUniqueNames() {
        let names = CommandTable.standard.allNames
        #expect(Set(names).count == names.count)
        for spec in CommandTable.standard.specs {
            #expect(!spec.summary.isEmpty, "\(spec.name) has no summary")
            for flag in spec.flags {
                #expect(!flag.help.isEmpty, "\(spec.name) --\(flag.name) has no help")
            }
        }
    }

    @Test func editDistanceCountsTransposition() {
        #expect(Suggestions.editDistance("lsit", "list") == 1)
        #expect(Suggestions.editDistance("", "abc") == 3)
        #expect(Suggestions.editDistance("refresh", "refresh") == 0)
    }
}

import CLineEditor
import Foundation

/// libedit, through the C shim: a prompt, emacs key bindings, in-memory history for Up and
/// Down, and TAB bound to `Completer`.
///
/// `setlocale(LC_ALL, "")` must run before the editor opens (the shell does it at start),
/// or libedit edits UTF-8 text byte by byte.
final class LineEditor {
    enum ReadResult {
        case line(String)
        case interrupted
        case endOfInput
    }

    private var editor: OpaquePointer?
    private let completer: Completer
    private let output: OutputSink

    init?(completer: Completer, output: OutputSink) {
        self.completer = completer
        self.output = output
        let context = Unmanaged.passUnretained(self).toOpaque()
        guard let opened = dm_editor_open("deepr-manager", { line, context in
            guard let line, let context else { return 0 }
            let editor = Unmanaged<LineEditor>.fromOpaque(context).takeUnretainedValue()
            return editor.complete(String(cString: line))
        }, context) else {
            return nil
        }
        editor = opened
    }

    deinit {
        dm_editor_close(editor)
    }

    func setHistory(_ entries: [String]) {
        dm_editor_history_clear(editor)
        for entry in entries {
            dm_editor_history_add(editor, entry)
        }
    }

    func addHistory(_ entry: String) {
        dm_editor_history_add(editor, entry)
    }

    func read(prompt: String) -> ReadResult {
        dm_editor_set_prompt(editor, prompt)
        var line: UnsafeMutablePointer<CChar>?
        let status = dm_editor_read_line(editor, &line)
        defer { free(line) }
        switch status {
        case 1: return .line(String(cString: line!))
        case -1: return .interrupted
        default: return .endOfInput
        }
    }

    private func complete(_ line: String) -> Int32 {
        switch completer.complete(line) {
        case .insert(let text):
            dm_editor_insert(editor, text)
            return 1
        case .list(let candidates):
            var text = "\n"
            for candidate in candidates { text += candidate + "\n" }
            FileHandle.standardOutput.write(Data(text.utf8))
            return 2
        case .none:
            return 0
        }
    }
}

import Foundation
import Glibc

/// C library functions that Swift's Glibc module does not import, because glibc declares
/// them only under feature macros such as `_GNU_SOURCE` or `_XOPEN_SOURCE`.
enum CFunction {
    typealias OpenMaster = @convention(c) (Int32) -> Int32
    typealias PrepareSlave = @convention(c) (Int32) -> Int32
    typealias SlaveName = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?

    /// Finds `name` in the libraries already loaded (RTLD_DEFAULT is the null handle in glibc).
    static func lookup<Function>(_ name: String, as type: Function.Type) throws -> Function {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {
            throw TestFailure("the C library has no \(name)")
        }
        return unsafeBitCast(symbol, to: type)
    }
}

/// Starting child processes with `posix_spawn`, because the test process is multithreaded
/// and `fork` without `exec` is unsafe there.
enum ChildProcess {
    /// glibc's `POSIX_SPAWN_SETSID` (spawn.h), which Swift does not import because it is
    /// declared only under `_GNU_SOURCE`. glibc 2.26 and later support it.
    static let setSessionFlag: Int16 = 0x80

    private typealias AddChangeDirectory = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> Int32

    /// Spawns `executable` in a new session with a clean signal mask and default signal
    /// actions. `addFileActions` sets up file descriptors 0, 1 and 2.
    static func spawn(
        executable: String, arguments: [String], environment: [String: String], directory: String,
        addFileActions: (inout posix_spawn_file_actions_t) -> Void
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        try changeDirectory(&actions, to: directory)
        addFileActions(&actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(
            &attributes, setSessionFlag | Int16(POSIX_SPAWN_SETSIGMASK) | Int16(POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw TestFailure("posix_spawn of \(executable) failed: \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// glibc 2.29 has `posix_spawn_file_actions_addchdir_np`, again only under `_GNU_SOURCE`,
    /// so it is looked up at run time.
    private static func changeDirectory(_ actions: inout posix_spawn_file_actions_t, to directory: String) throws {
        let addChangeDirectory = try CFunction.lookup("posix_spawn_file_actions_addchdir_np", as: AddChangeDirectory.self)
        let result = addChangeDirectory(&actions, directory)
        guard result == 0 else {
            throw TestFailure("posix_spawn_file_actions_addchdir_np failed: \(String(cString: strerror(result)))")
        }
    }

    /// Returns the exit status if the process ended (128 + the signal number if a signal
    /// ended it), or nil if it is still running.
    static func poll(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return nil }
        return decode(status)
    }

    /// Waits for the process to end, up to `timeout` seconds, and returns its exit status.
    static func wait(_ pid: pid_t, timeout: Double) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = poll(pid) { return status }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        throw TestFailure("process \(pid) did not exit within \(timeout) s and was killed")
    }

    /// Decodes a `waitpid` status: the exit code, or 128 + the signal number.
    static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}

/// The `deepr-manager` binary running on the slave side of a new pseudo-terminal, which
/// is its standard input, output and error. The test writes keys to
/// the master side and reads what the program draws.
///
/// Expectations consume the output: `expect` waits for text that appears after the end of
/// the previous match, so a prompt that was already seen cannot satisfy a later wait.
final class PseudoTerminal {
    /// The bytes an xterm sends for keys (cursor keys in normal mode), and the bell it receives.
    enum Key {
        static let enter = "\r"
        static let tab = "\t"
        static let backspace = "\u{7F}"
        static let left = "\u{1B}[D"
        static let up = "\u{1B}[A"
        static let down = "\u{1B}[B"
        static let controlC = "\u{03}"
        static let controlD = "\u{04}"
        static let controlU = "\u{15}"
        static let bell = "\u{07}"
    }

    let pid: pid_t
    private let master: Int32
    private var received: [UInt8] = []
    private var matchEnd = 0
    private var reachedEnd = false
    private var status: Int32?

    /// Starts `executable` with the slave as its controlling terminal and fds 0 to 2, except
    /// that standard output goes to `standardOutputPath` when it is given.
    init(
        executable: String, arguments: [String], environment: [String: String], directory: String,
        columns: UInt16 = 120, rows: UInt16 = 40, standardOutputPath: String? = nil
    ) throws {
        let openMaster = try CFunction.lookup("posix_openpt", as: CFunction.OpenMaster.self)
        let grantSlave = try CFunction.lookup("grantpt", as: CFunction.PrepareSlave.self)
        let unlockSlave = try CFunction.lookup("unlockpt", as: CFunction.PrepareSlave.self)
        let slaveName = try CFunction.lookup("ptsname", as: CFunction.SlaveName.self)

        let master = openMaster(O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw TestFailure("posix_openpt failed: \(String(cString: strerror(errno)))") }
        guard grantSlave(master) == 0, unlockSlave(master) == 0, let name = slaveName(master) else {
            close(master)
            throw TestFailure("cannot prepare the pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        let slavePath = String(cString: name)

        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard ioctl(master, UInt(TIOCSWINSZ), &size) == 0 else {
            close(master)
            throw TestFailure("TIOCSWINSZ failed: \(String(cString: strerror(errno)))")
        }

        do {
            // After setsid the child has no controlling terminal, so opening the slave
            // without O_NOCTTY makes it the controlling terminal.
            pid = try ChildProcess.spawn(
                executable: executable, arguments: arguments, environment: environment, directory: directory
            ) { actions in
                posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
                if let standardOutputPath {
                    posix_spawn_file_actions_addopen(&actions, 1, standardOutputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                } else {
                    posix_spawn_file_actions_adddup2(&actions, 0, 1)
                }
                posix_spawn_file_actions_adddup2(&actions, 0, 2)
            }
        } catch {
            close(master)
            throw error
        }
        self.master = master
    }

    deinit {
        if status == nil, ChildProcess.poll(pid) == nil {
            kill(pid, SIGKILL)
            var ignored: Int32 = 0
            waitpid(pid, &ignored, 0)
        }
        close(master)
    }

    /// Everything read from the terminal so far, decoded as UTF-8.
    var transcript: String { String(decoding: received, as: UTF8.self) }

    /// The output after the end of the last match.
    var unmatched: String { String(decoding: received[matchEnd...], as: UTF8.self) }

    /// The text of the line the cursor is on, as a terminal would show it now.
    var cursorLine: String { TerminalScreen(received).cursorLine }

    /// Writes keys to the terminal, as if typed.
    func send(_ keys: String) throws {
        var bytes = Array(keys.utf8)
        while !bytes.isEmpty {
            let written = write(master, bytes, bytes.count)
            if written < 0 {
                if errno == EINTR { continue }
                throw TestFailure("writing to the pseudo-terminal failed: \(String(cString: strerror(errno)))")
            }
            bytes.removeFirst(written)
        }
    }

    /// Waits until `text` appears after the previous match, and consumes the output up to
    /// its end. Fails after `timeout` seconds, showing the output that did arrive.
    func expect(_ text: String, timeout: Double = 5) throws {
        let needle = Array(text.utf8)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let found = find(needle, from: matchEnd) {
                matchEnd = found + needle.count
                return
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 || reachedEnd {
                throw TestFailure(
                    "expected \(text.debugDescription) within \(timeout) s"
                        + (reachedEnd ? " (the program closed the terminal)" : "")
                        + "; the output after the last match was: \(unmatched.debugDescription)")
            }
            readOnce(timeout: remaining)
        }
    }

    /// Waits for the shell's prompt, `deepr (N active)> `.
    func expectPrompt(timeout: Double = 5) throws {
        try expect("active)> ", timeout: timeout)
    }

    /// Reads for `seconds`, to collect output whose absence a test then checks.
    func collect(for seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while !reachedEnd {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return }
            readOnce(timeout: remaining)
        }
    }

    /// Whether the terminal is in canonical mode with echo, as before a line editor takes
    /// over. On Linux the master side reports the slave side's settings.
    var isCookedMode: Bool {
        var settings = termios()
        guard tcgetattr(master, &settings) == 0 else { return false }
        return settings.c_lflag & tcflag_t(ICANON) != 0 || settings.c_lflag & tcflag_t(ECHO) != 0
    }

    /// Whether the program is still running.
    var isRunning: Bool {
        if status != nil { return false }
        status = ChildProcess.poll(pid)
        return status == nil
    }

    /// Waits for the program to exit, reading its output meanwhile so it never blocks on
    /// a full terminal buffer, and returns its exit status.
    func waitForExit(timeout: Double = 5) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status { return status }
            if let ended = ChildProcess.poll(pid) {
                status = ended
                collect(for: 0.05)
                return ended
            }
            if reachedEnd { usleep(10_000) } else { readOnce(timeout: 0.05) }
        }
        throw TestFailure(
            "the shell did not exit within \(timeout) s; the output after the last match was: \(unmatched.debugDescription)")
    }

    private func readOnce(timeout: Double) {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(max(1, min(timeout, 1) * 1000))
        let ready = Glibc.poll(&descriptor, 1, milliseconds)
        guard ready > 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = read(master, &chunk, chunk.count)
        if count > 0 {
            received.append(contentsOf: chunk[0..<count])
        } else if count == 0 || errno != EINTR {
            // EIO: every process closed the slave side.
            reachedEnd = true
        }
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, received.count - start >= needle.count else { return nil }
        for index in start...(received.count - needle.count) where received[index] == needle[0] {
            if Array(received[index..<(index + needle.count)]) == needle { return index }
        }
        return nil
    }
}

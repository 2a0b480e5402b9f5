// Times job-id completion among the jobs of a log, through DeeprKit's `Completer`, the
// code the interactive shell calls when Tab is pressed. bench/run.sh compiles this file
// with swiftc against the release build's DeeprKit objects; it is not a package product.
//
// Usage: complete LOG COUNT
// Prints the time of the first completion (which also builds the sorted id index) and
// the median, 95th percentile and maximum of COUNT later completions, in milliseconds.
import DeeprKit
import Glibc

func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]), count > 0 else {
    fputs("usage: complete LOG COUNT\n", stderr)
    exit(2)
}

var settings = Settings(logPath: arguments[1])
settings.historyPath = nil
let session = Session(settings: settings, environment: Environment([:]), out: .capture(), err: .capture(),
                      terminalWidth: 120)
let completer = Completer(session: session)

// The shell reads the log before the first prompt; completion then works on that read.
let jobs = try session.store.current().jobs
guard !jobs.isEmpty else {
    fputs("error: no jobs found in \(arguments[1])\n", stderr)
    exit(1)
}

// Typed prefixes as a user would enter them after `show `: 2 to 6 characters of an id
// without `resp_`, taken from ids spread over the log. Short prefixes list candidates,
// long ones insert the rest of a single id.
var lines: [String] = []
for index in 0...count {
    let id = jobs[(index &* 7919) % jobs.count].id
    let digits = id.hasPrefix("resp_") ? String(id.dropFirst(5)) : id
    lines.append("show " + String(digits.prefix(2 + index % 5)))
}

var results: [Completer.Result] = []
var start = monotonicSeconds()
results.append(completer.complete(lines[0]))
let first = (monotonicSeconds() - start) * 1000

var times: [Double] = []
for line in lines.dropFirst() {
    start = monotonicSeconds()
    results.append(completer.complete(line))
    times.append((monotonicSeconds() - start) * 1000)
}
times.sort()

let answered = results.filter { $0 != .none }.count
print("jobs \(jobs.count), completions \(times.count), answered \(answered)")
print(String(format: "first_ms %.3f", first))
print(String(format: "median_ms %.3f", times[times.count / 2]))
print(String(format: "p95_ms %.3f", times[times.count * 95 / 100]))
print(String(format: "max_ms %.3f", times[times.count - 1]))

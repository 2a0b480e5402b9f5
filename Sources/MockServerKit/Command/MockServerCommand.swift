import Foundation

/// The `deepr-mock-api` program: parses the command line, loads the inputs, serves until a
/// signal and returns the exit status.
public enum MockServerCommand {
    public static let exitSuccess: Int32 = 0
    public static let exitStartFailure: Int32 = 1
    public static let exitUsage: Int32 = 2

    /// Runs the program with `arguments` (without the program name) and returns its exit status.
    public static func main(arguments: [String]) -> Int32 {
        // Block the stop signals before any thread exists, so every thread inherits the mask
        // and `sigwait` below receives them.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        signal(SIGPIPE, SIG_IGN)

        let options: MockServerOptions
        do {
            options = try MockServerOptions.parse(arguments)
        } catch {
            StandardStreams.error("deepr-mock-api: \(error)")
            StandardStreams.error("Run 'deepr-mock-api --help' for usage.")
            return exitUsage
        }
        if options.showHelp {
            StandardStreams.output(MockServerOptions.helpText)
            return exitSuccess
        }

        let server: MockServer
        switch makeServer(options) {
        case .success(let made):
            server = made
        case .failure(let failure):
            StandardStreams.error("deepr-mock-api: \(failure.message)")
            return failure.status
        }

        server.start()
        StandardStreams.output("deepr-mock-api listening on \(server.baseURL)")
        StandardStreams.error("deepr-mock-api: serving \(server.initialJobCount) jobs; stop with SIGTERM or SIGINT")

        var received: Int32 = 0
        sigwait(&stopSignals, &received)
        StandardStreams.error("deepr-mock-api: received \(received == SIGINT ? "SIGINT" : "SIGTERM"), stopping")
        server.stop()
        return exitSuccess
    }

    private struct StartFailure: Error {
        var message: String
        var status: Int32
    }

    /// Loads the scenario and the job log, then binds the server.
    private static func makeServer(_ options: MockServerOptions) -> Result<MockServer, StartFailure> {
        var scenario = Scenario()
        if let path = options.scenarioPath {
            do {
                scenario = try ScenarioLoader.load(path: path)
            } catch {
                return .failure(StartFailure(message: error.description, status: exitUsage))
            }
        }

        var loggedJobs: [LoggedJob] = []
        if let path = options.logPath {
            do {
                loggedJobs = try JobLogReader.read(path: path)
            } catch {
                return .failure(StartFailure(message: error.description, status: exitUsage))
            }
        }

        let settings = MockServerSettings(options: options, scenario: scenario)
        do {
            return .success(try MockServer(settings: settings, loggedJobs: loggedJobs, scenario: scenario))
        } catch {
            return .failure(StartFailure(message: error.description, status: exitStartFailure))
        }
    }
}

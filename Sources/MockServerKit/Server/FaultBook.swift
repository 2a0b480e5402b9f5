import Synchronization

/// The faults' decision for one request: a delay, then an action or the normal response.
struct FaultPlan {
    var latencyMilliseconds = 0
    var action: FaultAction?
}

/// The scenario's faults with their remaining use counts, shared by all connection threads.
///
/// A request meets the faults of its job id first, then the path faults in file order. Each
/// matching fault that has uses left is applied and uses one up. Latencies add up, and the first
/// fault with an action ends the search.
final class FaultBook: Sendable {
    private enum Scope {
        case job(String)
        /// Matches the prefix itself and every path below it, segment by segment.
        case pathPrefix(String)
        case everyPath
    }

    private struct Rule {
        var scope: Scope
        var fault: Fault
        var remaining: Int?
    }

    private let rules: Mutex<[Rule]>

    init(scenario: Scenario) {
        var rules: [Rule] = []
        for job in scenario.jobs {
            rules += job.faults.map { Rule(scope: .job(job.id), fault: $0, remaining: $0.times) }
        }
        for (prefix, faults) in scenario.pathFaults {
            let scope: Scope = prefix == "*" ? .everyPath : .pathPrefix(prefix)
            rules += faults.map { Rule(scope: scope, fault: $0, remaining: $0.times) }
        }
        self.rules = Mutex(rules)
    }

    /// Picks the faults for one request and uses them up.
    func take(method: String, path: String) -> FaultPlan {
        let jobID = ResponsesRoutes.jobID(inPath: path)
        return rules.withLock { rules in
            var plan = FaultPlan()
            for index in rules.indices {
                let rule = rules[index]
                guard Self.matches(rule.scope, path: path, jobID: jobID),
                    rule.fault.method == nil || rule.fault.method == method,
                    rule.remaining.map({ $0 > 0 }) ?? true
                else {
                    continue
                }

                rules[index].remaining = rule.remaining.map { $0 - 1 }
                plan.latencyMilliseconds += rule.fault.latencyMilliseconds
                if let action = rule.fault.action {
                    plan.action = action
                    break
                }
            }
            return plan
        }
    }

    private static func matches(_ scope: Scope, path: String, jobID: String?) -> Bool {
        switch scope {
        case .job(let id):
            return id == jobID
        case .everyPath:
            return true
        case .pathPrefix(let prefix):
            let folder = prefix.hasSuffix("/") ? prefix : prefix + "/"
            return path == prefix || path.hasPrefix(folder)
        }
    }

    /// Builds the response of a `respond` fault.
    static func response(
        status: Int, headers: [(name: String, value: String)], body: FaultBody, contentType: String?
    ) -> HTTPResponse {
        var response: HTTPResponse
        switch body {
        case .standard:
            response = .json(status, APIError.standardFaultBody(status: status))
        case .json(let value):
            response = .json(status, value)
        case .text(let text):
            response = HTTPResponse(
                status: status, headers: [("content-type", "text/plain; charset=utf-8")], body: Array(text.utf8))
        }

        if let contentType {
            response.headers.removeAll { $0.name == "content-type" }
            response.headers.append(("content-type", contentType))
        }
        let given = Set(headers.map { $0.name.lowercased() })
        response.headers.removeAll { given.contains($0.name.lowercased()) }
        response.headers += headers
        return response
    }
}

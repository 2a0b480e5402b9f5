import Synchronization

/// The jobs the server holds, shared by all connection threads behind one lock.
///
/// Bodies are built outside the lock from a copy of the job, so building a large body does not
/// hold the lock.
final class JobStore: Sendable {
    private let jobs: Mutex<[String: MockJob]>
    private let clock: @Sendable () -> Double

    init(jobs: [MockJob], clock: @escaping @Sendable () -> Double) {
        var byID: [String: MockJob] = [:]
        for job in jobs {
            byID[job.id] = job
        }
        self.jobs = Mutex(byID)
        self.clock = clock
    }

    /// Returns the body of `id` as a `GET` returns it now, or `nil` when there is no such job.
    func payload(id: String) -> ResponsePayload? {
        guard let job = jobs.withLock({ $0[id] }) else {
            return nil
        }
        return ResponseBodyBuilder.payload(for: job, at: clock())
    }

    /// The result of a cancel request.
    enum CancelResult {
        case notFound
        /// The job is cancelled now, or already was; the payload is its body.
        case cancelled(ResponsePayload)
        /// The job completed, so it cannot be cancelled.
        case alreadyCompleted
        /// The job ended as failed, incomplete or expired.
        case alreadyTerminal(status: String)
    }

    /// Cancels `id` unless it already ended. Cancelling a cancelled job returns its body again.
    func cancel(id: String) -> CancelResult {
        let now = clock()
        let outcome: (job: MockJob, result: CancelResult?)? = jobs.withLock { table in
            guard var job = table[id] else {
                return nil
            }
            let status = ResponseBodyBuilder.status(of: job, at: now)
            switch status {
            case "cancelled":
                return (job, nil)
            case "completed":
                return (job, .alreadyCompleted)
            case "failed", "incomplete", "expired":
                return (job, .alreadyTerminal(status: status))
            default:
                job.cancellation = MockJob.Cancellation(hadStarted: status != "queued")
                table[id] = job
                return (job, nil)
            }
        }

        guard let outcome else {
            return .notFound
        }
        return outcome.result ?? .cancelled(ResponseBodyBuilder.payload(for: outcome.job, at: now))
    }

    /// Removes `id`. Returns `false` when there was no such job.
    func delete(id: String) -> Bool {
        jobs.withLock { $0.removeValue(forKey: id) != nil }
    }

    /// Adds a job created through `POST /v1/responses` and returns its first body.
    func insert(_ job: MockJob) -> ResponsePayload {
        jobs.withLock { $0[job.id] = job }
        return ResponseBodyBuilder.payload(for: job, at: clock())
    }

    /// Returns the input item list of `id`: one user message holding the prompt.
    func inputItems(id: String) -> JSONValue? {
        guard let job = jobs.withLock({ $0[id] }) else {
            return nil
        }
        let itemID = "msg_" + ResponseID.hex(ResponseID.stableHash(job.id + "#input"), width: 16)
        let item: JSONValue = [
            "id": .string(itemID),
            "type": "message",
            "role": "user",
            "status": "completed",
            "content": [["type": "input_text", "text": .string(job.prompt)]],
        ]
        return [
            "object": "list", "data": [item], "first_id": .string(itemID), "last_id": .string(itemID),
            "has_more": false,
        ]
    }
}

/// A response body ready to send: a built JSON value, or the exact bytes of a scenario file.
enum ResponsePayload: Sendable {
    case json(JSONValue)
    case bytes([UInt8])
}

/// Builds the `Response` object of a job at one moment, in the field order of real API bodies.
enum ResponseBodyBuilder {
    static func payload(for job: MockJob, at now: Double) -> ResponsePayload {
        if let raw = job.rawBody {
            if job.cancellation != nil {
                let cancelled = raw.value
                    .setting("status", to: "cancelled")
                    .setting("completed_at", to: nil)
                    .setting("usage", to: nil)
                return .json(cancelled)
            }
            return raw.fileBytes.map(ResponsePayload.bytes) ?? .json(raw.value)
        }
        return .json(body(for: job, at: now))
    }

    /// The `status` a `GET` would return now.
    static func status(of job: MockJob, at now: Double) -> String {
        if job.cancellation != nil {
            return "cancelled"
        }
        if let raw = job.rawBody {
            return raw.value["status"]?.stringValue ?? ""
        }
        switch job.timeline.phase(at: now) {
        case .queued:
            return "queued"
        case .inProgress:
            return "in_progress"
        case .finished(let outcome):
            return outcome.status
        case .other(let status):
            return status
        }
    }

    // MARK: - Built bodies

    private static func body(for job: MockJob, at now: Double) -> JSONValue {
        let items = OutputItems(jobID: job.id, prompt: job.prompt)
        var parts = BodyParts(status: "queued")

        if let cancellation = job.cancellation {
            parts.status = "cancelled"
            parts.output = cancellation.hadStarted ? items.partial() : []
            return assemble(job, parts)
        }

        switch job.timeline.phase(at: now) {
        case .queued:
            parts.serviceTier = "auto"
        case .inProgress:
            parts.status = "in_progress"
            parts.output = items.running()
        case .other(let status):
            parts.status = status
        case .finished(let outcome):
            parts.status = outcome.status
            parts.output = items.finished(outcome)
            fillFinishedFields(&parts, job: job, outcome: outcome)
        }
        return assemble(job, parts)
    }

    private static func fillFinishedFields(_ parts: inout BodyParts, job: MockJob, outcome: JobOutcome) {
        switch outcome {
        case .completed, .completedEmpty, .completedNullText, .refusal:
            parts.completedAt = .int(max(job.createdAt, job.timeline.completedAt))
            parts.usage = Usage.completed(jobID: job.id)
        case .failed:
            parts.error = [
                "code": "server_error",
                "message": .string(
                    "An error occurred while processing response \(job.id). Retry the request or contact support "
                        + "if the error persists."),
            ]
        case .incomplete, .incompleteNoMessage:
            parts.incompleteDetails = ["reason": "max_output_tokens"]
            let limit = job.echo.maxOutputTokens.intValue ?? 16_000
            parts.usage = Usage.incomplete(jobID: job.id, outputTokens: limit, hasMessage: outcome == .incomplete)
        case .cancelled, .unknownStatus:
            break
        }
    }

    /// The fields that differ between statuses.
    private struct BodyParts {
        var status: String
        var output: [JSONValue] = []
        var usage: JSONValue = .null
        var error: JSONValue = .null
        var incompleteDetails: JSONValue = .null
        var completedAt: JSONValue = .null
        var serviceTier = "default"
    }

    private static func assemble(_ job: MockJob, _ parts: BodyParts) -> JSONValue {
        [
            "id": .string(job.id),
            "object": "response",
            "created_at": .int(job.createdAt),
            "status": .string(parts.status),
            "background": true,
            "completed_at": parts.completedAt,
            "error": parts.error,
            "incomplete_details": parts.incompleteDetails,
            "instructions": job.echo.instructions,
            "max_output_tokens": job.echo.maxOutputTokens,
            "max_tool_calls": job.echo.maxToolCalls,
            "model": .string(snapshotName(of: job.model)),
            "output": .array(parts.output),
            "parallel_tool_calls": true,
            "previous_response_id": nil,
            "prompt_cache_key": nil,
            "reasoning": job.echo.reasoning,
            "safety_identifier": nil,
            "service_tier": .string(parts.serviceTier),
            "store": true,
            "temperature": job.echo.temperature,
            "text": ["format": ["type": "text"], "verbosity": "medium"],
            "tool_choice": "auto",
            "tools": job.echo.tools,
            "top_logprobs": 0,
            "top_p": 1.0,
            "truncation": "disabled",
            "usage": parts.usage,
            "user": nil,
            "metadata": job.echo.metadata,
        ]
    }

    /// Returns the dated snapshot the API echoes for `model`: `o3-deep-research` becomes
    /// `o3-deep-research-2025-06-26`, and a name that already ends in a date is kept.
    static func snapshotName(of model: String) -> String {
        let scalars = Array(model.unicodeScalars)
        guard scalars.count >= 11 else {
            return model + "-2025-06-26"
        }
        let tail = scalars.suffix(11)
        let pattern = Array("-dddd-dd-dd".unicodeScalars)
        let endsWithDate = zip(tail, pattern).allSatisfy { character, expected in
            expected == "d" ? ("0"..."9").contains(character) : character == expected
        }
        return endsWithDate ? model : model + "-2025-06-26"
    }
}

/// Token counts for mock bodies, derived from the job id so each job keeps the same numbers.
enum Usage {
    static func completed(jobID: String) -> JSONValue {
        let hash = ResponseID.stableHash(jobID)
        let input = 10_000 + Int(hash % 40_000)
        let output = 4_000 + Int((hash >> 20) % 20_000)
        return usage(input: input, cached: input / 4, output: output, reasoning: output * 3 / 4)
    }

    /// Usage of a job cut off at `outputTokens`. Without a message, all of it went to reasoning.
    static func incomplete(jobID: String, outputTokens: Int, hasMessage: Bool) -> JSONValue {
        let hash = ResponseID.stableHash(jobID)
        let input = 10_000 + Int(hash % 40_000)
        let reasoning = hasMessage ? max(0, outputTokens - 32) : outputTokens
        return usage(input: input, cached: 0, output: outputTokens, reasoning: reasoning)
    }

    private static func usage(input: Int, cached: Int, output: Int, reasoning: Int) -> JSONValue {
        [
            "input_tokens": .int(input),
            "input_tokens_details": ["cached_tokens": .int(cached)],
            "output_tokens": .int(output),
            "output_tokens_details": ["reasoning_tokens": .int(reasoning)],
            "total_tokens": .int(input + output),
        ]
    }
}

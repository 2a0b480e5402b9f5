/// "Did you mean" candidates by edit distance.
public enum Suggestions {
    /// Returns the candidates closest to `word`, best first: those within a distance of about
    /// a third of the word's length (at least 1, at most 3), or that start with `word`.
    public static func closest(to word: String, in candidates: [String], limit: Int = 3) -> [String] {
        // Names are short; a long word is no typo of one, and measuring it would be slow.
        guard word.utf8.count <= 64 else { return [] }
        let lowered = word.lowercased()
        let threshold = min(3, max(1, lowered.count / 3))
        var scored: [(String, Int)] = []
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if distance <= threshold || (lowered.count >= 2 && candidate.hasPrefix(lowered)) {
                scored.append((candidate, distance))
            }
        }
        scored.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        var seen = Set<String>()
        return scored.map(\.0).filter { seen.insert($0).inserted }.prefix(limit).map { $0 }
    }

    /// Damerau-Levenshtein distance (optimal string alignment) over characters.
    public static func editDistance(_ left: String, _ right: String) -> Int {
        let a = Array(left)
        let b = Array(right)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            previousPrevious = previous
            previous = current
        }
        return previous[b.count]
    }

    /// " (did you mean 'list'?)" or "" when nothing is close.
    public static func phrase(for word: String, in candidates: [String], prefix: String = "") -> String {
        let found = closest(to: word, in: candidates)
        guard !found.isEmpty else { return "" }
        let quoted = found.map { "'\(prefix)\($0)'" }
        if quoted.count == 1 { return "did you mean \(quoted[0])?" }
        return "did you mean " + quoted.dropLast().joined(separator: ", ") + " or " + quoted.last! + "?"
    }
}

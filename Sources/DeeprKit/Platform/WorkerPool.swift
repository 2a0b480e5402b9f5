import Foundation
import Synchronization

/// Runs `body` for indexes 0..<count on at most `concurrency` threads and waits for all.
/// Unlike `DispatchQueue.concurrentPerform`, the width does not depend on the core count,
/// which matters for work that waits on the network.
enum WorkerPool {
    static func run(count: Int, concurrency: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        let group = DispatchGroup()
        let width = max(1, min(concurrency, count))
        let counter = SharedCounter()
        for _ in 0..<width {
            group.enter()
            let thread = Thread {
                while true {
                    let index = counter.value.add(1, ordering: .relaxed).oldValue
                    if index >= count { break }
                    body(index)
                }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
    }
}

/// An atomic counter shared by reference between threads.
final class SharedCounter: Sendable {
    let value = Atomic<Int>(0)
}

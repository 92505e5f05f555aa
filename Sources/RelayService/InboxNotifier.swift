/// Wakes long-polling inbox requests the moment a message for their POC
/// commits: no busy polling.
///
/// Each POC has a generation counter. A request reads the generation, queries
/// its inbox, and if that is empty waits until the generation moves past the
/// one it read, so a commit between the query and the wait is never missed.
actor InboxNotifier {
    private var generations: [String: UInt64] = [:]
    private var waiters: [String: [Int: CheckedContinuation<Void, Never>]] = [:]
    private var fired: Set<Int> = []
    private var nextWaiter = 0

    /// The current generation for `pocID`.
    func generation(of pocID: String) -> UInt64 { generations[pocID, default: 0] }

    /// How many requests wait for `pocID` (tests wait on it).
    func waiterCount(for pocID: String) -> Int { waiters[pocID]?.count ?? 0 }

    /// Marks new mail for each POC and wakes its waiters.
    func notify(_ pocIDs: some Sequence<String>) {
        for pocID in pocIDs {
            generations[pocID, default: 0] &+= 1
            if let list = waiters.removeValue(forKey: pocID) {
                for continuation in list.values { continuation.resume() }
            }
        }
    }

    /// Wakes every waiting request, to check its POC again (a revocation by
    /// another process, seen as a new directory version).
    func notifyEveryone() {
        notify(Array(waiters.keys))
    }

    /// Waits until `pocID`'s generation differs from `seen`, `timeout` passes,
    /// or the calling task is cancelled (the client went away).
    func wait(for pocID: String, after seen: UInt64, timeout: Duration) async {
        guard generations[pocID, default: 0] == seen, timeout > .zero else { return }
        let id = nextWaiter
        nextWaiter += 1
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.suspend(pocID, id, after: seen) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                await self.release(pocID, id)
            }
            await group.next()
            group.cancelAll()
            self.release(pocID, id)
        }
        fired.remove(id)
    }

    /// Registers the waiter. The actor may have run `notify` since `wait`
    /// checked the generation (the task group is a suspension point), so the
    /// check is made again here, where nothing can come in between.
    private func suspend(_ pocID: String, _ id: Int, after seen: UInt64) async {
        if fired.contains(id) || generations[pocID, default: 0] != seen { return }
        await withCheckedContinuation { waiters[pocID, default: [:]][id] = $0 }
    }

    private func release(_ pocID: String, _ id: Int) {
        if let continuation = waiters[pocID]?.removeValue(forKey: id) {
            continuation.resume()
            if waiters[pocID]?.isEmpty == true { waiters.removeValue(forKey: pocID) }
        } else {
            fired.insert(id)
        }
    }
}

/// A map that holds at most `capacity` entries and forgets the least recently used one to make room.
///
/// Keyed by attacker-chosen values (client addresses, token ids), so its memory must not grow with them: every
/// operation is amortised O(1) and the size never exceeds `capacity`. Recency is kept as a queue of (key, stamp)
/// pairs; a pair whose stamp is no longer the entry's is stale and skipped, and the queue is rebuilt when stale
/// pairs outnumber live ones.
struct BoundedLRU<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Slot: Sendable {
        var value: Value
        var stamp: UInt64
    }

    let capacity: Int
    private var slots: [Key: Slot] = [:]
    private var order: [(key: Key, stamp: UInt64)] = []
    private var head = 0
    private var clock: UInt64 = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { slots.count }

    /// The value for `key`, marking it as used.
    mutating func value(for key: Key) -> Value? {
        guard var slot = slots[key] else { return nil }
        slot.stamp = tick(key)
        slots[key] = slot
        compactIfNeeded()
        return slot.value
    }

    /// The value for `key` without marking it as used.
    func peek(_ key: Key) -> Value? { slots[key]?.value }

    /// Stores `value` for `key`; returns the entry evicted to make room, if any.
    @discardableResult
    mutating func set(_ value: Value, for key: Key) -> (key: Key, value: Value)? {
        var evicted: (key: Key, value: Value)?
        if slots[key] == nil, slots.count >= capacity { evicted = evictOldest() }
        slots[key] = Slot(value: value, stamp: tick(key))
        compactIfNeeded()
        return evicted
    }

    /// Removes `key`.
    mutating func remove(_ key: Key) {
        slots[key] = nil
    }

    /// Removes every entry and returns them, least recently used first.
    mutating func removeAll() -> [(key: Key, value: Value)] {
        let all = slots.sorted { $0.value.stamp < $1.value.stamp }.map { (key: $0.key, value: $0.value.value) }
        slots = [:]
        order = []
        head = 0
        return all
    }

    /// Removes the entries `isExpired` says are no longer needed.
    mutating func removeAll(where isExpired: (Value) -> Bool) {
        slots = slots.filter { !isExpired($0.value.value) }
    }

    private mutating func tick(_ key: Key) -> UInt64 {
        clock += 1
        order.append((key, clock))
        return clock
    }

    private mutating func evictOldest() -> (key: Key, value: Value)? {
        while head < order.count {
            let (key, stamp) = order[head]
            head += 1
            if let slot = slots[key], slot.stamp == stamp {
                slots[key] = nil
                return (key, slot.value)
            }
        }
        return nil
    }

    /// Drops stale pairs once they dominate: the queue keeps one pair per live entry, oldest first.
    private mutating func compactIfNeeded() {
        guard order.count - head > 2 * capacity + 16 else { return }
        order = slots.map { (key: $0.key, stamp: $0.value.stamp) }.sorted { $0.stamp < $1.stamp }
        head = 0
    }
}

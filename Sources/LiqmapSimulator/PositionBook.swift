/// One open (or dead, awaiting reuse) position of a simulated trader.
struct Position {
    var id: Int64
    var long: Bool
    var leverage: Int32
    var lots: Int64
    var entry: Double
    var liquidation: Double
    var bankruptcy: Double
    /// Base units and USD notional at entry (inverse: USD is exact, base = USD / entry).
    var entryQty: Double
    var entryUSD: Double
    var openedAt: Int64
    var alive: Bool
    /// Bumped whenever the slot dies, so stale heap entries are recognised.
    var generation: UInt32
}

/// A binary min-heap of (key, slot, generation); stale entries are skipped lazily by the owner.
struct SlotHeap {
    struct Entry {
        var key: Double
        var slot: Int32
        var generation: UInt32
    }

    private(set) var items: [Entry] = []

    var isEmpty: Bool { items.isEmpty }
    var top: Entry? { items.first }
    var count: Int { items.count }

    mutating func push(_ e: Entry) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i].key < items[parent].key else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    @discardableResult
    mutating func pop() -> Entry? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            let n = items.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n, items[l].key < items[m].key { m = l }
                if r < n, items[r].key < items[m].key { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return first
    }

    /// Drops stale entries when they outnumber the live ones (keeps memory bounded).
    mutating func compact(isLive: (Entry) -> Bool) {
        items.removeAll { !isLive($0) }
        // Re-heapify.
        var i = items.count / 2 - 1
        while i >= 0 {
            var j = i
            let n = items.count
            while true {
                let l = 2 * j + 1, r = l + 1
                var m = j
                if l < n, items[l].key < items[m].key { m = l }
                if r < n, items[r].key < items[m].key { m = r }
                if m == j { break }
                items.swapAt(j, m)
                j = m
            }
            i -= 1
        }
    }
}

/// Running totals of one side of one venue-asset: positions opened, closed and liquidated, and what
/// is open (count, wire size in lots, base units and USD at entry). `opened − closed − liquidated =
/// open` holds at all times (exactly for counts and lots).
public struct FlowTotals: Sendable, Hashable {
    public var count: Int64 = 0
    public var lots: Int64 = 0
    public var qty: Double = 0
    public var usd: Double = 0

    public init() {}

    mutating func add(_ p: Position) {
        count += 1
        lots += p.lots
        qty += p.entryQty
        usd += p.entryUSD
    }

    mutating func subtract(_ p: Position) {
        count -= 1
        lots -= p.lots
        qty -= p.entryQty
        usd -= p.entryUSD
    }
}

/// The open positions of one venue and asset, indexed by liquidation price (a max-heap of long
/// liquidation prices, a min-heap of short ones) and by planned close time.
struct PositionBook {
    var slots: [Position] = []
    var free: [Int32] = []
    /// Long liquidation prices, negated (so the min-heap top is the highest).
    var longs = SlotHeap()
    var shorts = SlotHeap()
    var closes = SlotHeap()
    /// Open totals per side (0 long, 1 short).
    var open = [FlowTotals(), FlowTotals()]

    var liveCount: Int { Int(open[0].count + open[1].count) }

    mutating func insert(_ p: Position, closeAt: Int64) {
        var p = p
        let slot: Int32
        if let reused = free.popLast() {
            slot = reused
            p.generation = slots[Int(slot)].generation
            slots[Int(slot)] = p
        } else {
            slot = Int32(slots.count)
            p.generation = 0
            slots.append(p)
        }
        let g = p.generation
        if p.long { longs.push(.init(key: -p.liquidation, slot: slot, generation: g)) } else { shorts.push(.init(key: p.liquidation, slot: slot, generation: g)) }
        closes.push(.init(key: Double(closeAt), slot: slot, generation: g))
        open[p.long ? 0 : 1].add(p)
    }

    @inline(__always)
    func isLive(_ e: SlotHeap.Entry) -> Bool {
        let p = slots[Int(e.slot)]
        return p.alive && p.generation == e.generation
    }

    /// Removes a live position and returns it.
    mutating func remove(slot: Int32) -> Position {
        let p = slots[Int(slot)]
        slots[Int(slot)].alive = false
        slots[Int(slot)].generation &+= 1
        free.append(slot)
        open[p.long ? 0 : 1].subtract(p)
        return p
    }

    /// The live long with the highest liquidation price at or above `mark`, if any.
    mutating func longToLiquidate(mark: Double) -> Int32? {
        while let top = longs.top {
            if !isLive(top) {
                longs.pop()
                continue
            }
            return -top.key >= mark ? top.slot : nil
        }
        return nil
    }

    /// The live short with the lowest liquidation price at or below `mark`, if any.
    mutating func shortToLiquidate(mark: Double) -> Int32? {
        while let top = shorts.top {
            if !isLive(top) {
                shorts.pop()
                continue
            }
            return top.key <= mark ? top.slot : nil
        }
        return nil
    }

    /// The next live position due to close at or before `time`, with its close time, if any.
    mutating func dueClose(by time: Int64) -> (slot: Int32, at: Int64)? {
        while let top = closes.top {
            if !isLive(top) {
                closes.pop()
                continue
            }
            if top.key <= Double(time) {
                closes.pop()
                return (top.slot, Int64(top.key))
            }
            return nil
        }
        return nil
    }

    /// Keeps the heaps from filling with stale entries.
    mutating func maintain() {
        let live = liveCount
        guard longs.count > 2 * live + 1024 || shorts.count > 2 * live + 1024 || closes.count > 2 * live + 1024 else { return }
        let slots = self.slots
        let isLive: (SlotHeap.Entry) -> Bool = { e in
            let p = slots[Int(e.slot)]
            return p.alive && p.generation == e.generation
        }
        longs.compact(isLive: isLive)
        shorts.compact(isLive: isLive)
        closes.compact(isLive: isLive)
    }
}

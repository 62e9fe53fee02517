import LiqmapAggregation
import LiqmapCore

/// Answers the view routes: reads tiles through ``ViewReader``, builds the pure views, formats them
/// and caches the bodies in ``ViewCache`` under the asset's data version.
public struct ViewService: Sendable {
    public let reader: ViewReader
    public let cache: ViewCache
    public let model: ModelParameters

    public init(reader: ViewReader, cache: ViewCache, model: ModelParameters) {
        self.reader = reader
        self.cache = cache
        self.model = model
    }

    /// The heatmap body for a request (aligned to its last column first).
    public func heatmap(_ request: HeatmapRequest) async throws -> ViewCache.Body {
        let request = request.aligned()
        let version = await cache.version(asset: request.asset, layer: request.layer)
        return try await cache.body(key: Self.key(request), version: version) {
            let view = try await self.heatmapView(request)
            switch request.format {
            case .json: return Self.body(HeatmapJSON.render(view, request: request, model: self.model), type: "application/json; charset=utf-8")
            case .csv: return Self.body(HeatmapCSV.render(view), type: "text/csv; charset=utf-8")
            case .png:
                let raster = HeatmapRasterizer.raster(view, request: request, model: self.model)
                return Self.body(bytes: HeatmapPNG.render(raster, width: request.width, height: request.height), type: "image/png", compress: false)
            }
        }
    }

    /// The pure view of a request, read from PostgreSQL.
    public func heatmapView(_ request: HeatmapRequest) async throws -> HeatmapView {
        let plan = request.plan
        async let tiles = reader.tiles(asset: request.asset, layer: request.layer, resolution: plan.resolution, tiles: plan.tiles)
        async let market = reader.market(asset: request.asset, resolution: plan.resolution, columns: plan.firstColumn...plan.lastColumn)
        let query = HeatmapView.Query(layer: request.layer, plan: plan, venues: request.venues, side: request.side, tiers: request.tiers,
                                      absoluteScale: request.absoluteScale, maxRows: request.maxRows, minPrice: request.minPrice,
                                      maxPrice: request.maxPrice)
        return HeatmapView(query: query, tiles: try await tiles, market: try await market)
    }

    /// The levels body at `now` (Unix ms).
    public func levels(_ request: LevelsRequest, now: Int64) async throws -> ViewCache.Body {
        let version = await cache.version(asset: request.asset, layer: .projected)
        let minute = TimeResolution.m1.column(ts: now)
        return try await cache.body(key: request.cacheKey + "|\(minute)", version: version) {
            Self.body(Self.levelsText(try await self.levelsView(request, now: now), asset: request.asset), type: "application/json; charset=utf-8")
        }
    }

    /// The `/v1/levels` JSON of a computed levels view.
    static func levelsText(_ c: (levels: LevelsView?, asOf: Int64?, venues: [Venue], openInterest: [Venue: Double], level: Int?), asset: String) -> String {
        LevelsJSON.render(c.levels, asset: asset, asOf: c.asOf, venues: c.venues, openInterest: c.openInterest, level: c.level)
    }

    /// The current levels: every venue's latest 1m projected column within the lookback, on bands
    /// around the last price.
    public func levelsView(_ request: LevelsRequest, now: Int64) async throws
        -> (levels: LevelsView?, asOf: Int64?, venues: [Venue], openInterest: [Venue: Double], level: Int?) {
        let plan = WindowPlan(from: now - LevelsRequest.lookbackMs, to: now + 60_000, resolution: .m1)
        async let tilesRead = reader.latestProjected(asset: request.asset, sinceTile: plan.tiles.lowerBound)
        async let marketRead = reader.market(asset: request.asset, resolution: .m1, columns: plan.firstColumn...plan.lastColumn)
        let chosen = request.venues
        let tiles = try await tilesRead.filter { chosen?.contains($0.venue) ?? true }
        let market = try await marketRead.filter { chosen?.contains($0.venue) ?? true }
        let closes = PriceLine.closes(market, firstColumn: plan.firstColumn, count: Int(plan.columnCount))
        let openInterest = PriceLine.openInterest(market)
        guard let lastIndex = closes.lastIndex(where: { $0 != nil }), let price = closes[lastIndex] else {
            return (nil, nil, [], openInterest, nil)
        }
        let factor = 1 + request.rangePercent / 100
        guard let rows = HeatmapSpec.rows(low: price / factor, high: price * factor, maxRows: request.maxBands, minimumLevel: 0) else {
            return (nil, nil, [], openInterest, nil)
        }
        let spec = HeatmapSpec(layer: .projected, resolution: .m1, firstColumn: plan.firstColumn, columnCount: Int(plan.columnCount),
                               level: rows.level, firstRow: rows.firstRow, rowCount: rows.rowCount, side: request.side, tiers: request.tiers)
        let grid = HeatmapGrid(spec: spec, tiles: tiles)
        let levels = LevelsView(grid: grid, lastPrice: price, weights: openInterest, maxZones: request.zones)
        let asOf = grid.latestColumn.values.max().map { spec.columnStart($0) }
        return (levels, asOf, grid.venues, openInterest, rows.level)
    }

    /// The latest 1m column of `layer` within the last 10 minutes, on bands ±`rangePercent` around the
    /// last price, as the JSON object of a live `column` message.
    public func latestColumn(_ request: LevelsRequest, layer: TileLayer, now: Int64) async throws -> String {
        let version = await cache.version(asset: request.asset, layer: layer)
        let minute = TimeResolution.m1.column(ts: now)
        let body = try await cache.body(key: "column|\(layer.rawValue)|\(minute)|" + request.cacheKey, version: version) {
            let plan = WindowPlan(from: (minute - 9) * 60_000, to: (minute + 1) * 60_000, resolution: .m1)
            async let tiles = self.reader.tiles(asset: request.asset, layer: layer, resolution: .m1, tiles: plan.tiles)
            async let market = self.reader.market(asset: request.asset, resolution: .m1, columns: plan.firstColumn...plan.lastColumn)
            let m = try await market
            let price = PriceLine.closes(m, firstColumn: plan.firstColumn, count: Int(plan.columnCount)).last { $0 != nil } ?? nil
            let factor = 1 + request.rangePercent / 100
            let query = HeatmapView.Query(layer: layer, plan: plan, venues: request.venues, side: request.side,
                                          tiers: layer == .projected ? request.tiers : nil, maxRows: request.maxBands,
                                          minPrice: price.map { $0 / factor }, maxPrice: price.map { $0 * factor })
            let view = HeatmapView(query: query, tiles: try await tiles, market: m)
            return Self.body(LiveColumnJSON.render(view, lastPrice: price), type: "application/json; charset=utf-8")
        }
        return String(decoding: body.bytes, as: UTF8.self)
    }

    /// The stored tile of a ``TileRequest`` (the venue's instruments of the asset added up, or one
    /// instrument's), or nil when nothing is stored there.
    public func tile(_ request: TileRequest) async throws -> ViewCache.Body? {
        let version = await cache.version(asset: request.asset, layer: request.layer)
        let key = "tile|\(request.key)|\(request.instrument ?? "*")|\(request.binary)"
        let body = try await cache.body(key: key, version: version) {
            let rows = try await self.reader.storedTiles(asset: request.asset, venue: request.venue, layer: request.layer,
                                                         resolution: request.resolution, tile: request.tile)
            guard let merged = try TileBody.merge(rows, request: request) else {
                return ViewCache.Body(bytes: [], gzip: nil, contentType: "", etag: "")
            }
            if request.binary { return Self.body(bytes: merged.bytes, type: "application/octet-stream", compress: true) }
            return Self.body(TileBody.json(request, instruments: merged.instruments, cells: merged.cells), type: "application/json; charset=utf-8")
        }
        return body.etag.isEmpty ? nil : body
    }

    static func key(_ r: HeatmapRequest) -> String {
        let v = r.venues.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "*"
        let t = r.tiers.map { $0.sorted().map(String.init).joined(separator: ",") } ?? "*"
        return "heatmap|\(r.asset)|\(r.from)|\(r.to)|\(r.layer.rawValue)|\(v)|\(r.side.rawValue)|\(t)|\(r.absoluteScale)|\(r.format.rawValue)"
            + "|\(r.resolution?.rawValue ?? "auto")|\(r.maxColumns)|\(r.maxRows)|\(r.minPrice.map { "\($0)" } ?? "")|\(r.maxPrice.map { "\($0)" } ?? "")"
            + "|\(r.venueBreakdown)|\(r.width)x\(r.height)"
    }

    static func body(_ text: String, type: String) -> ViewCache.Body { body(bytes: Array(text.utf8), type: type, compress: true) }

    static func body(bytes: [UInt8], type: String, compress: Bool) -> ViewCache.Body {
        let gzip = compress && bytes.count > 1024 ? Gzip.compress(bytes) : nil
        return ViewCache.Body(bytes: bytes, gzip: gzip.flatMap { $0.count < bytes.count ? $0 : nil }, contentType: type, etag: ETag.of(bytes))
    }
}

import LiqmapAggregation
import LiqmapCore

/// Parsing of the query parameters the view routes share (asset, venues, window, side, leverage,
/// layer, scale); each failure is a 400 whose message names the parameter.
enum ViewParameters {
    static func asset(_ parameter: (String) -> String?) throws(APIError) -> String {
        guard let asset = parameter("asset") else { throw .badRequest("asset is required, e.g. asset=BTC") }
        guard LiquidationRequest.isAsset(asset) else {
            throw .badRequest("asset must match ^[A-Z0-9]{2,20}$, got \(LiquidationRequest.quoted(asset))")
        }
        return asset
    }

    static func venues(_ parameter: (String) -> String?) throws(APIError) -> Set<Venue>? {
        guard let list = parameter("venues") else { return nil }
        return Set(try LiquidationRequest.parseVenues(list).compactMap(Venue.init(rawValue:)))
    }

    static func side(_ parameter: (String) -> String?) throws(APIError) -> ViewSide {
        guard let text = parameter("side") else { return .both }
        guard let side = ViewSide(rawValue: text) else {
            throw .badRequest("side must be long, short or both, got \(LiquidationRequest.quoted(text))")
        }
        return side
    }

    static func layer(_ parameter: (String) -> String?) throws(APIError) -> TileLayer {
        guard let text = parameter("layer") else { return .projected }
        guard let layer = TileLayer(rawValue: text) else {
            throw .badRequest("layer must be projected or realized, got \(LiquidationRequest.quoted(text))")
        }
        return layer
    }

    /// `leverage=25,50`: the projected tiers with those leverages (1-based tier numbers), nil for all.
    static func tiers(_ parameter: (String) -> String?, layer: TileLayer, model: ModelParameters) throws(APIError) -> Set<UInt8>? {
        guard let list = parameter("leverage") else { return nil }
        let known = model.leverageTiers.map(\.leverage)
        let names = known.map(Self.leverageName).joined(separator: ", ")
        guard layer == .projected else {
            throw .badRequest("leverage applies to layer=projected only (realized liquidations carry no leverage tier)")
        }
        var tiers = Set<UInt8>()
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            let text = item.hasSuffix("x") ? item.dropLast() : item
            guard let value = Double(text), let index = known.firstIndex(of: value) else {
                throw .badRequest("leverage: unknown tier \(LiquidationRequest.quoted(String(item))); the model's tiers are \(names)")
            }
            tiers.insert(UInt8(index + 1))
        }
        return tiers
    }

    static func leverageName(_ value: Double) -> String {
        value == value.rounded() && value.magnitude < 1e6 ? String(Int(value)) : String(value)
    }

    /// `scale`: relative (default) or absolute.
    static func absoluteScale(_ parameter: (String) -> String?) throws(APIError) -> Bool {
        switch parameter("scale") {
        case nil, "relative": false
        case "absolute": true
        case let other?: throw .badRequest("scale must be relative or absolute, got \(LiquidationRequest.quoted(other))")
        }
    }

    /// A positive finite price parameter, or nil when absent.
    static func price(_ name: String, _ parameter: (String) -> String?) throws(APIError) -> Double? {
        guard let text = parameter(name) else { return nil }
        guard let value = Double(text), value.isFinite, value > 0, value < 1e12 else {
            throw .badRequest("\(name) must be a positive price below 1e12, got \(LiquidationRequest.quoted(text))")
        }
        return value
    }

    /// An integer parameter in `range`, or `fallback` when absent.
    static func integer(_ name: String, _ parameter: (String) -> String?, in range: ClosedRange<Int>, default fallback: Int) throws(APIError) -> Int {
        guard let text = parameter(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw .badRequest("\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got \(LiquidationRequest.quoted(text))")
        }
        return value
    }

    /// A number parameter in `range`, or `fallback` when absent.
    static func number(_ name: String, _ parameter: (String) -> String?, in range: ClosedRange<Double>, default fallback: Double) throws(APIError) -> Double {
        guard let text = parameter(name) else { return fallback }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw .badRequest("\(name) must be a number in \(range.lowerBound)...\(range.upperBound), got \(LiquidationRequest.quoted(text))")
        }
        return value
    }

    /// `window=24h` (ending now) or `from=&to=` (ms), one or the other; spans up to 400 days.
    static func span(_ parameter: (String) -> String?, now: Int64) throws(APIError) -> (from: Int64, to: Int64, window: String?) {
        let window = parameter("window")
        let from = parameter("from"), to = parameter("to")
        if let window {
            guard from == nil, to == nil else { throw .badRequest("give either window or from and to, not both") }
            guard let ms = WindowPlan.standardWindows.first(where: { $0.name == window })?.milliseconds else {
                let names = WindowPlan.standardWindows.map(\.name).joined(separator: ", ")
                throw .badRequest("window must be one of \(names), got \(LiquidationRequest.quoted(window))")
            }
            return (now - ms, now, window)
        }
        guard from != nil || to != nil else { return (now - 86_400_000, now, "24h") }
        let f = try LiquidationRequest.timestamp("from", from)
        let t = try LiquidationRequest.timestamp("to", to)
        guard f < t else { throw .badRequest("from must be less than to (the span is [from, to)), got from=\(f) to=\(t)") }
        let (span, overflow) = t.subtractingReportingOverflow(f)
        guard !overflow, span <= LiquidationRequest.maxSpanMs else {
            throw .badRequest("from and to may be at most 400 days apart (\(LiquidationRequest.maxSpanMs) ms)")
        }
        guard f > -62_135_596_800_000, t < 253_402_300_800_000 else { throw .badRequest("from and to must lie in the years 1…9999") }
        return (f, t, nil)
    }
}

import LiqmapAggregation
import LiqmapCore

/// The JSON body of `/v1/levels` (docs/API.md): non-empty bands ascending by price, and the magnet zones.
enum LevelsJSON {
    static func render(_ levels: LevelsView?, asset: String, asOf: Int64?, venues: [Venue], openInterest: [Venue: Double], level: Int?) -> String {
        var out = "{\"asset\":\(JSONText.string(asset)),\"as_of\":\(asOf.map(String.init) ?? "null"),\"last_price\":\(JSONNumber.optional(levels?.lastPrice))"
        out += ",\"venues\":[" + venues.map { "\"\($0.rawValue)\"" }.joined(separator: ",") + "]"
        out += ",\"open_interest_usd\":{" + openInterest.keys.sorted { $0.rawValue < $1.rawValue }.map {
            "\"\($0.rawValue)\":\(JSONNumber.double(openInterest[$0]!.rounded()))"
        }.joined(separator: ",") + "}"
        out += ",\"price_level\":\(level.map(String.init) ?? "null")"
        out += ",\"bands\":["
        var first = true
        for band in levels?.bands ?? [] where band.totalMicros != 0 {
            if !first { out += "," }
            first = false
            out += "{\"price_low\":\(JSONNumber.double(band.low)),\"price_high\":\(JSONNumber.double(band.high))"
            out += ",\"long_usd\":\(JSONNumber.usd(band.longMicros)),\"short_usd\":\(JSONNumber.usd(band.shortMicros)),\"by_venue\":{"
            out += band.byVenue.keys.sorted { $0.rawValue < $1.rawValue }.map { v in
                let x = band.byVenue[v]!
                return "\"\(v.rawValue)\":{\"long_usd\":\(JSONNumber.usd(x.long)),\"short_usd\":\(JSONNumber.usd(x.short)),\"share\":\(JSONNumber.ratio(x.share))}"
            }.joined(separator: ",")
            out += "},\"consensus\":\(JSONNumber.ratio(band.consensus.score)),\"label\":\"\(band.consensus.label.rawValue)\""
            out += ",\"prominence_usd\":\(JSONNumber.double(band.prominenceUSD.rounded()))}"
        }
        out += "],\"magnet_zones\":{\"above\":" + zones(levels?.above ?? [], levels) + ",\"below\":" + zones(levels?.below ?? [], levels) + "}}"
        return out
    }

    static func zones(_ zones: [LevelsView.Zone], _ levels: LevelsView?) -> String {
        "[" + zones.map { z in
            let band = levels!.bands[z.band]
            return "{\"price\":\(JSONNumber.double(z.price)),\"price_low\":\(JSONNumber.double(band.low)),\"price_high\":\(JSONNumber.double(band.high))"
                + ",\"usd\":\(JSONNumber.double(z.usd.rounded())),\"long_usd\":\(JSONNumber.usd(band.longMicros)),\"short_usd\":\(JSONNumber.usd(band.shortMicros))"
                + ",\"prominence_usd\":\(JSONNumber.double(z.prominenceUSD.rounded())),\"distance_pct\":\(JSONNumber.ratio(z.distancePercent))"
                + ",\"consensus\":\(JSONNumber.ratio(z.consensus)),\"label\":\"\(z.label.rawValue)\"}"
        }.joined(separator: ",") + "]"
    }
}

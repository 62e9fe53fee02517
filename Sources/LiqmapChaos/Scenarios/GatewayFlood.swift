import AsyncHTTPClient
import Foundation
import LiqmapTesting
import NIOCore
import NIOHTTP1

/// One API key floods the gateway far past its rate while another key reads at its normal pace:
/// the flood gets 429s with Retry-After, the other key is never refused, nothing answers 5xx.
struct GatewayFloodScenario: ChaosScenario {
    let name = "gateway-flood"
    let fault = "a gateway flood past one key's rate"
    let injection = "key A (10/s, burst 10) sends ~200 requests/s for 5 s; key B (50/s) sends 5/s meanwhile"
    var plan: MarketPlan {
        var p = MarketPlan()
        p.gateway = true
        return p
    }

    func inject(_ run: ChaosRun) async throws {
        guard let gateway = run.gatewayURL else { return run.problem("no gateway") }
        let flood = try await run.createKey(name: "flood", rate: 10, burst: 10)
        let quiet = try await run.createKey(name: "quiet", rate: 50, burst: 50)
        guard await run.pause(run.random(1...3)) else { return }
        let now = ChaosRun.wallMs()
        let url = gateway + "/v1/liquidations?asset=BTC&from=\(now - 86_400_000)&to=\(now)"
        let seconds = 5.0
        run.faultInjected()
        async let floodAnswers = Self.hammer(url, key: flood, perSecond: 200, seconds: seconds)
        async let quietAnswers = Self.hammer(url, key: quiet, perSecond: 5, seconds: seconds)
        let (a, b) = try await (floodAnswers, quietAnswers)
        let allowed = 10 + Int(10 * seconds) + 10  // burst + rate × time, with one second of slack
        let refused = a.filter { $0 == 429 }.count, ok = a.filter { $0 == 200 }.count
        let excess = max(1, a.count - allowed)
        run.note("flood: \(a.count) sent, \(ok) answered, \(refused) refused; quiet: \(b.count) sent, \(b.filter { $0 == 200 }.count) answered")
        if Double(refused) < 0.85 * Double(excess) { run.problem("only \(refused) of \(excess) requests past the key's rate got 429") }
        if ok > allowed { run.problem("\(ok) flood requests answered; the key allows about \(allowed)") }
        if a.contains(where: { $0 >= 500 }) || b.contains(where: { $0 >= 500 }) { run.problem("a 5xx answer under the flood") }
        if b.contains(where: { $0 != 200 }) { run.problem("the quiet key was refused: \(Set(b))") }
    }

    /// Sends `perSecond` GETs a second for `seconds`, concurrently; the statuses (0: no answer).
    static func hammer(_ url: String, key: String, perSecond: Int, seconds: Double) async throws -> [Int] {
        let total = Int(Double(perSecond) * seconds)
        let start = ContinuousClock.now
        return await withTaskGroup(of: Int.self) { group in
            for i in 0..<total {
                let due = start + .milliseconds(Int(Double(i) * 1000 / Double(perSecond)))
                if ContinuousClock.now < due { try? await Task.sleep(until: due) }
                group.addTask {
                    var request = HTTPClientRequest(url: url)
                    request.headers.add(name: "X-API-Key", value: key)
                    guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(10)) else { return 0 }
                    _ = try? await response.body.collect(upTo: 16 << 20)
                    return Int(response.status.code)
                }
            }
            var out: [Int] = []
            for await status in group { out.append(status) }
            return out
        }
    }
}

import Foundation
import Logging
import LiqmapCore
import LiqmapExchanges

/// Where a collector gets instrument metadata: `--instruments` files (offline), else the venue's
/// REST endpoints, cached on disk so a restart without network still knows the contract sizes.
public struct InstrumentSource: Sendable {
    public let spec: any FeedConnectionSpec
    public let files: [String]
    public let restBase: String?
    public let cacheDirectory: String
    public let logger: Logger

    public init(spec: any FeedConnectionSpec, files: [String], restBase: String?, cacheDirectory: String, logger: Logger) {
        self.spec = spec
        self.files = files
        self.restBase = restBase
        self.cacheDirectory = cacheDirectory
        self.logger = logger
    }

    /// Loads the registry; a REST failure falls back to the cache, then to the built-in rules (logged).
    public func load() async -> InstrumentRegistry {
        var registry = InstrumentRegistry()
        if !files.isEmpty {
            for file in files { Self.loadFile(file, into: &registry, logger: logger) }
            return registry
        }
        for (i, url) in spec.instrumentURLs(rest: restBase).enumerated() {
            let cache = "\(cacheDirectory)/\(spec.feed.rawValue)-\(i).json"
            do {
                let (status, body, _) = try await RestFetch.get(url)
                guard (200..<300).contains(status) else { throw FetchError(description: "HTTP \(status)") }
                try registry.load(body: body)
                try? FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
                try? body.write(toFile: cache, atomically: true, encoding: .utf8)
            } catch {
                logger.warning("instrument metadata fetch failed: using the cache", metadata: ["url": "\(url)", "error": "\(error)"])
                Self.loadFile(cache, into: &registry, logger: logger)
            }
        }
        return registry
    }

    static func loadFile(_ path: String, into registry: inout InstrumentRegistry, logger: Logger) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            logger.warning("no instrument file: built-in rules only", metadata: ["path": "\(path)"])
            return
        }
        for error in registry.load(file: text).errors {
            logger.warning("unreadable instrument body", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    struct FetchError: Error, CustomStringConvertible { let description: String }
}

import Foundation

/// Paths inside the repository, found from this file.
enum Repository {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Repository.swift, LiqmapUnitTests, Tests
        return url
    }()

    static func url(_ path: String) -> URL { root.appendingPathComponent(path) }
}

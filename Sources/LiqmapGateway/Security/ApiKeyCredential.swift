import Hummingbird

/// Where a request carries its API key (pure): `X-API-Key: KEY`, else `Authorization: Bearer KEY`,
/// else the `api_key` query parameter (for WebSockets and browsers, which cannot set headers there).
public enum ApiKeyCredential {
    /// The `X-API-Key` header.
    public static let apiKeyHeader = HTTPFields.Element.Name("X-API-Key")!

    /// The presented key text, or nil when the request carries none. An `Authorization` header
    /// with another scheme (`Basic …`) carries none.
    /// - Parameters:
    ///   - apiKeyHeader: the `X-API-Key` header.
    ///   - authorization: the `Authorization` header.
    ///   - query: the first `api_key` query value, asked only when neither header has a key.
    public static func presented(apiKeyHeader: String?, authorization: String?, query: () -> String?) -> String? {
        if let key = apiKeyHeader?.trimmed, !key.isEmpty { return key }
        if let authorization, let key = bearer(authorization) { return key }
        if let key = query()?.trimmed, !key.isEmpty { return key }
        return nil
    }

    /// The token of `Bearer TOKEN` (the scheme is case-insensitive, RFC 9110 §11.1), else nil.
    public static func bearer(_ authorization: String) -> String? {
        let text = authorization.trimmed
        guard text.utf8.count > 7, text.prefix(7).lowercased() == "bearer " else { return nil }
        let token = text.dropFirst(7).trimmed
        return token.isEmpty ? nil : token
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmed: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !blank($0) }), let end = lastIndex(where: { !blank($0) }) else { return "" }
        return String(self[start...end])
    }
}

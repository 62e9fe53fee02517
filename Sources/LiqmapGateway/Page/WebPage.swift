/// The web page served at `GET /`: one self-contained HTML document (no CDN, no build step).
public enum WebPage {
    public static let html = #"""
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Liqmap</title></head>
<body><h1>Liqmap</h1><p>See <a href="/openapi.json">/openapi.json</a>.</p></body></html>
"""#
}

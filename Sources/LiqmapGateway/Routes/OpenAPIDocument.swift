/// The OpenAPI 3 document of the gateway's `/v1` routes, served at `/openapi.json`. A copy of
/// `Protocols/openapi.json` (a unit test keeps the two identical), embedded so the binary serves it
/// from anywhere.
public enum OpenAPIDocument {
    /// The document's JSON text.
    public static let json = #"""
{
  "openapi": "3.0.3",
  "info": {
    "title": "Liqmap gateway",
    "version": "1.0.0",
    "description": "Crypto liquidation data across venues. Money is exact: USD amounts are decimal JSON numbers with at most 6 fractional digits, summed from integer micro-dollars. Errors are {\"error\":{\"code\",\"message\"}}; nothing a client sends produces a 500. API keys are needed on /v1 only when the gateway runs with --auth required (docs/API.md, Security); /v1 is rate-limited per key or per client address (429 with Retry-After)."
  },
  "paths": {
    "/v1/liquidations": {
      "get": {
        "summary": "Realized liquidations of one asset in [from, to) by event time, in total and per venue",
        "operationId": "getLiquidations",
        "security": [{}, { "ApiKeyHeader": [] }, { "BearerAuth": [] }, { "ApiKeyQuery": [] }],
        "parameters": [
          {
            "name": "asset",
            "in": "query",
            "required": true,
            "description": "Base asset, e.g. BTC: every instrument on it across venues.",
            "schema": { "type": "string", "pattern": "^[A-Z0-9]{2,20}$" }
          },
          {
            "name": "from",
            "in": "query",
            "required": true,
            "description": "Start of the span, inclusive: event time in ms since the Unix epoch.",
            "schema": { "type": "integer", "format": "int64" }
          },
          {
            "name": "to",
            "in": "query",
            "required": true,
            "description": "End of the span, exclusive: event time in ms since the Unix epoch. Must be greater than from, at most 400 days (34560000000 ms) later.",
            "schema": { "type": "integer", "format": "int64" }
          },
          {
            "name": "venues",
            "in": "query",
            "required": false,
            "description": "Comma-separated venues to keep (at most 6); each is listed in by_venue, with zeros when it had none.",
            "style": "form",
            "explode": false,
            "schema": {
              "type": "array",
              "maxItems": 6,
              "items": { "type": "string", "enum": ["binance", "bybit", "okx", "deribit", "bitmex", "hyperliquid"] }
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Sums and counts.",
            "content": {
              "application/json": {
                "schema": { "$ref": "#/components/schemas/Liquidations" },
                "example": {
                  "asset": "BTC",
                  "from": 1767225600000,
                  "to": 1767312000000,
                  "total": { "long_usd": 1250000.123457, "short_usd": 98000.5, "count": 3 },
                  "by_venue": {
                    "binance": { "long_usd": 1250000.123457, "short_usd": 0, "count": 2 },
                    "okx": { "long_usd": 0, "short_usd": 98000.5, "count": 1 }
                  }
                }
              }
            }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "429": { "$ref": "#/components/responses/RateLimited" },
          "503": { "$ref": "#/components/responses/Unavailable" }
        }
      }
    }
  },
  "components": {
    "schemas": {
      "Totals": {
        "type": "object",
        "required": ["long_usd", "short_usd", "count"],
        "properties": {
          "long_usd": { "type": "number", "description": "USD of liquidated longs, exact to the micro-dollar." },
          "short_usd": { "type": "number", "description": "USD of liquidated shorts, exact to the micro-dollar." },
          "count": { "type": "integer", "format": "int64", "description": "Liquidation events." }
        }
      },
      "Liquidations": {
        "type": "object",
        "required": ["asset", "from", "to", "total", "by_venue"],
        "properties": {
          "asset": { "type": "string" },
          "from": { "type": "integer", "format": "int64" },
          "to": { "type": "integer", "format": "int64" },
          "total": { "$ref": "#/components/schemas/Totals" },
          "by_venue": {
            "type": "object",
            "description": "Per venue: those that had liquidations, plus every requested venue.",
            "additionalProperties": { "$ref": "#/components/schemas/Totals" }
          }
        }
      },
      "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
          "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
              "code": { "type": "string", "example": "bad_request" },
              "message": { "type": "string", "example": "asset is required, e.g. asset=BTC" }
            }
          }
        }
      }
    },
    "responses": {
      "BadRequest": {
        "description": "A parameter is missing or wrong; the message names it.",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
      },
      "Unauthorized": {
        "description": "With --auth required: no API key, or one that is malformed, unknown or revoked (code unauthorized).",
        "headers": { "WWW-Authenticate": { "schema": { "type": "string", "example": "Bearer realm=\"liqmap\"" } } },
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
      },
      "RateLimited": {
        "description": "Past the rate limit of the API key or the client address (code rate_limited).",
        "headers": {
          "Retry-After": {
            "description": "Whole seconds until a request is allowed again, at least 1.",
            "schema": { "type": "integer", "minimum": 1 }
          }
        },
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
      },
      "Unavailable": {
        "description": "PostgreSQL failed or timed out (code unavailable); retry later.",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
      }
    },
    "securitySchemes": {
      "ApiKeyHeader": { "type": "apiKey", "in": "header", "name": "X-API-Key", "description": "An API key from liqmap keys create: lqk_ and 64 hex digits." },
      "BearerAuth": { "type": "http", "scheme": "bearer", "description": "The same API key as Authorization: Bearer KEY." },
      "ApiKeyQuery": { "type": "apiKey", "in": "query", "name": "api_key", "description": "The same API key as a query parameter, for WebSockets and browsers; prefer a header." }
    }
  }
}
"""#
}

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
    },
    "/v1/heatmap": {
      "get": {
        "summary": "The merged heatmap of one asset: time columns × price rows, per-venue breakdown and consensus per price row",
        "operationId": "getHeatmap",
        "security": [
          {},
          {
            "ApiKeyHeader": []
          },
          {
            "BearerAuth": []
          },
          {
            "ApiKeyQuery": []
          }
        ],
        "parameters": [
          {
            "name": "asset",
            "in": "query",
            "required": true,
            "description": "Base asset, e.g. BTC: every instrument on it across venues (USD, USDT and USDC quoted and inverse contracts, all valued in USD).",
            "schema": {
              "type": "string",
              "pattern": "^[A-Z0-9]{2,20}$"
            }
          },
          {
            "name": "window",
            "in": "query",
            "required": false,
            "description": "A standard window ending now (default 24h when neither window nor from/to is given).",
            "schema": {
              "type": "string",
              "enum": [
                "12h",
                "24h",
                "3d",
                "7d",
                "30d",
                "90d",
                "180d",
                "1y"
              ]
            }
          },
          {
            "name": "from",
            "in": "query",
            "required": false,
            "description": "Start of the span, inclusive, Unix ms (with to; instead of window).",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          },
          {
            "name": "to",
            "in": "query",
            "required": false,
            "description": "End of the span, exclusive, Unix ms; at most 400 days after from.",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          },
          {
            "name": "layer",
            "in": "query",
            "required": false,
            "description": "projected: the model's open liquidation levels; realized: liquidations that happened.",
            "schema": {
              "type": "string",
              "enum": [
                "projected",
                "realized"
              ],
              "default": "projected"
            }
          },
          {
            "name": "venues",
            "in": "query",
            "required": false,
            "description": "Comma-separated venues to merge (at most 6); default all.",
            "style": "form",
            "explode": false,
            "schema": {
              "type": "array",
              "maxItems": 6,
              "items": {
                "type": "string",
                "enum": [
                  "binance",
                  "bybit",
                  "okx",
                  "deribit",
                  "bitmex",
                  "hyperliquid"
                ]
              }
            }
          },
          {
            "name": "side",
            "in": "query",
            "required": false,
            "description": "Positions counted: long (liquidated when the price falls), short (when it rises) or both.",
            "schema": {
              "type": "string",
              "enum": [
                "long",
                "short",
                "both"
              ],
              "default": "both"
            }
          },
          {
            "name": "leverage",
            "in": "query",
            "required": false,
            "description": "Comma-separated leverage tiers of the projection model to keep, e.g. 25,50 or 25x; layer=projected only. The tiers are Config/model.json's leverage_tiers (the pattern lists the shipped 5, 10, 25, 50, 100; an operator's model may name others).",
            "schema": {
              "type": "string",
              "pattern": "^(5|10|25|50|100)x?(,(5|10|25|50|100)x?)*$",
              "example": "25,50"
            }
          },
          {
            "name": "scale",
            "in": "query",
            "required": false,
            "description": "relative: linear in the view's 99th-percentile cell; absolute: fixed log10 scale from $1k to $100M, the same for every view.",
            "schema": {
              "type": "string",
              "enum": [
                "relative",
                "absolute"
              ],
              "default": "relative"
            }
          },
          {
            "name": "format",
            "in": "query",
            "required": false,
            "description": "json, csv (one line per non-zero cell) or png (server-rendered, viridis).",
            "schema": {
              "type": "string",
              "enum": [
                "json",
                "csv",
                "png"
              ],
              "default": "json"
            }
          },
          {
            "name": "resolution",
            "in": "query",
            "required": false,
            "description": "Column width; default: the finest with at most `columns` columns. Span ÷ resolution may not exceed 2000 columns.",
            "schema": {
              "type": "string",
              "enum": [
                "1m",
                "3m",
                "5m",
                "15m",
                "1h",
                "4h",
                "12h"
              ]
            }
          },
          {
            "name": "columns",
            "in": "query",
            "required": false,
            "description": "Most columns when the resolution is chosen automatically.",
            "schema": {
              "type": "integer",
              "minimum": 10,
              "maximum": 2000,
              "default": 500
            }
          },
          {
            "name": "rows",
            "in": "query",
            "required": false,
            "description": "Most price rows (the finest grid level that fits the price range).",
            "schema": {
              "type": "integer",
              "minimum": 10,
              "maximum": 1000,
              "default": 200
            }
          },
          {
            "name": "min_price",
            "in": "query",
            "required": false,
            "description": "Bottom of the price range (default: the price path ÷ 1.15 for projected, ÷ 1.02 for realized).",
            "schema": {
              "type": "number",
              "exclusiveMinimum": true,
              "minimum": 0,
              "maximum": 1000000000000.0
            }
          },
          {
            "name": "max_price",
            "in": "query",
            "required": false,
            "description": "Top of the price range (default: the price path × 1.15 / × 1.02); above min_price.",
            "schema": {
              "type": "number",
              "exclusiveMinimum": true,
              "minimum": 0,
              "maximum": 1000000000000.0
            }
          },
          {
            "name": "breakdown",
            "in": "query",
            "required": false,
            "description": "venue: add each venue's own cells (venue_cells).",
            "schema": {
              "type": "string",
              "enum": [
                "none",
                "venue"
              ],
              "default": "none"
            }
          },
          {
            "name": "width",
            "in": "query",
            "required": false,
            "description": "PNG width in pixels.",
            "schema": {
              "type": "integer",
              "minimum": 200,
              "maximum": 4000,
              "default": 1200
            }
          },
          {
            "name": "height",
            "in": "query",
            "required": false,
            "description": "PNG height in pixels.",
            "schema": {
              "type": "integer",
              "minimum": 150,
              "maximum": 3000,
              "default": 600
            }
          },
          {
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "An ETag from an earlier answer: 304 when unchanged.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The view (gzip when accepted).",
            "headers": {
              "ETag": {
                "description": "Strong tag of the body; send it back in If-None-Match to get 304.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Heatmap"
                }
              },
              "text/csv": {
                "schema": {
                  "type": "string"
                }
              },
              "image/png": {
                "schema": {
                  "type": "string",
                  "format": "binary"
                }
              }
            }
          },
          "304": {
            "description": "Not modified (If-None-Match matched)."
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "429": {
            "$ref": "#/components/responses/RateLimited"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/levels": {
      "get": {
        "summary": "The current projected liquidation levels around the last price, with per-venue shares, consensus and magnet zones",
        "operationId": "getLevels",
        "security": [
          {},
          {
            "ApiKeyHeader": []
          },
          {
            "BearerAuth": []
          },
          {
            "ApiKeyQuery": []
          }
        ],
        "parameters": [
          {
            "name": "asset",
            "in": "query",
            "required": true,
            "description": "Base asset, e.g. BTC: every instrument on it across venues (USD, USDT and USDC quoted and inverse contracts, all valued in USD).",
            "schema": {
              "type": "string",
              "pattern": "^[A-Z0-9]{2,20}$"
            }
          },
          {
            "name": "venues",
            "in": "query",
            "required": false,
            "description": "Comma-separated venues to merge (at most 6); default all.",
            "style": "form",
            "explode": false,
            "schema": {
              "type": "array",
              "maxItems": 6,
              "items": {
                "type": "string",
                "enum": [
                  "binance",
                  "bybit",
                  "okx",
                  "deribit",
                  "bitmex",
                  "hyperliquid"
                ]
              }
            }
          },
          {
            "name": "side",
            "in": "query",
            "required": false,
            "description": "Positions counted: long (liquidated when the price falls), short (when it rises) or both.",
            "schema": {
              "type": "string",
              "enum": [
                "long",
                "short",
                "both"
              ],
              "default": "both"
            }
          },
          {
            "name": "leverage",
            "in": "query",
            "required": false,
            "description": "Comma-separated leverage tiers of the projection model to keep, e.g. 25,50 or 25x; layer=projected only. The tiers are Config/model.json's leverage_tiers (the pattern lists the shipped 5, 10, 25, 50, 100; an operator's model may name others).",
            "schema": {
              "type": "string",
              "pattern": "^(5|10|25|50|100)x?(,(5|10|25|50|100)x?)*$",
              "example": "25,50"
            }
          },
          {
            "name": "range_pct",
            "in": "query",
            "required": false,
            "description": "Bands reach this many percent above and below the last price.",
            "schema": {
              "type": "number",
              "minimum": 0.5,
              "maximum": 80,
              "default": 15
            }
          },
          {
            "name": "bands",
            "in": "query",
            "required": false,
            "description": "At most this many price bands (the finest grid level that fits).",
            "schema": {
              "type": "integer",
              "minimum": 10,
              "maximum": 500,
              "default": 120
            }
          },
          {
            "name": "zones",
            "in": "query",
            "required": false,
            "description": "Magnet zones to list on each side.",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 10,
              "default": 3
            }
          },
          {
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "An ETag from an earlier answer: 304 when unchanged.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Bands and zones.",
            "headers": {
              "ETag": {
                "description": "Strong tag of the body; send it back in If-None-Match to get 304.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Levels"
                }
              }
            }
          },
          "304": {
            "description": "Not modified."
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "429": {
            "$ref": "#/components/responses/RateLimited"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/tiles/{asset}/{venue}/{layer}/{resolution}/{tile}": {
      "get": {
        "summary": "One stored tile: the venue's instruments of the asset added up (or one instrument's), as stored in PostgreSQL",
        "operationId": "getTile",
        "security": [
          {},
          {
            "ApiKeyHeader": []
          },
          {
            "BearerAuth": []
          },
          {
            "ApiKeyQuery": []
          }
        ],
        "parameters": [
          {
            "name": "asset",
            "in": "path",
            "required": true,
            "description": "Base asset.",
            "schema": {
              "type": "string",
              "pattern": "^[A-Z0-9]{2,20}$"
            }
          },
          {
            "name": "venue",
            "in": "path",
            "required": true,
            "description": "Venue.",
            "schema": {
              "type": "string",
              "enum": [
                "binance",
                "bybit",
                "okx",
                "deribit",
                "bitmex",
                "hyperliquid"
              ]
            }
          },
          {
            "name": "layer",
            "in": "path",
            "required": true,
            "description": "Layer.",
            "schema": {
              "type": "string",
              "enum": [
                "projected",
                "realized"
              ]
            }
          },
          {
            "name": "resolution",
            "in": "path",
            "required": true,
            "description": "Column width.",
            "schema": {
              "type": "string",
              "enum": [
                "1m",
                "3m",
                "5m",
                "15m",
                "1h",
                "4h",
                "12h"
              ]
            }
          },
          {
            "name": "tile",
            "in": "path",
            "required": true,
            "description": "Tile index: floor(column / 256), column = floor(ts / column width).",
            "schema": {
              "type": "integer",
              "format": "int64",
              "minimum": -1000000000,
              "maximum": 1000000000
            }
          },
          {
            "name": "instrument",
            "in": "query",
            "required": false,
            "description": "One instrument's stored row instead of the venue's instruments added up, e.g. BTC-USDT-PERP (an instrument of another asset is not stored under this path: 404).",
            "schema": {
              "type": "string",
              "pattern": "^[A-Z0-9-]{3,40}$"
            }
          },
          {
            "name": "Accept",
            "in": "header",
            "required": false,
            "description": "application/octet-stream for TileCodec v1 bytes (docs/MODEL.md §4); JSON otherwise.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "An ETag from an earlier answer: 304 when unchanged.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The tile.",
            "headers": {
              "ETag": {
                "description": "Strong tag of the body; send it back in If-None-Match to get 304.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Tile"
                }
              },
              "application/octet-stream": {
                "schema": {
                  "type": "string",
                  "format": "binary"
                }
              }
            }
          },
          "304": {
            "description": "Not modified."
          },
          "404": {
            "description": "Nothing is stored there.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "429": {
            "$ref": "#/components/responses/RateLimited"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/stream": {
      "get": {
        "summary": "WebSocket: new heatmap columns, level changes and alerts as the aggregators commit (JSON text messages; docs/API.md)",
        "operationId": "getStream",
        "security": [
          {},
          {
            "ApiKeyHeader": []
          },
          {
            "BearerAuth": []
          },
          {
            "ApiKeyQuery": []
          }
        ],
        "parameters": [
          {
            "name": "asset",
            "in": "query",
            "required": true,
            "description": "Base asset, e.g. BTC: every instrument on it across venues (USD, USDT and USDC quoted and inverse contracts, all valued in USD).",
            "schema": {
              "type": "string",
              "pattern": "^[A-Z0-9]{2,20}$"
            }
          },
          {
            "name": "venues",
            "in": "query",
            "required": false,
            "description": "Comma-separated venues to merge (at most 6); default all.",
            "style": "form",
            "explode": false,
            "schema": {
              "type": "array",
              "maxItems": 6,
              "items": {
                "type": "string",
                "enum": [
                  "binance",
                  "bybit",
                  "okx",
                  "deribit",
                  "bitmex",
                  "hyperliquid"
                ]
              }
            }
          },
          {
            "name": "side",
            "in": "query",
            "required": false,
            "description": "Positions counted: long (liquidated when the price falls), short (when it rises) or both.",
            "schema": {
              "type": "string",
              "enum": [
                "long",
                "short",
                "both"
              ],
              "default": "both"
            }
          },
          {
            "name": "leverage",
            "in": "query",
            "required": false,
            "description": "Comma-separated leverage tiers of the projection model to keep, e.g. 25,50 or 25x; layer=projected only. The tiers are Config/model.json's leverage_tiers (the pattern lists the shipped 5, 10, 25, 50, 100; an operator's model may name others).",
            "schema": {
              "type": "string",
              "pattern": "^(5|10|25|50|100)x?(,(5|10|25|50|100)x?)*$",
              "example": "25,50"
            }
          },
          {
            "name": "range_pct",
            "in": "query",
            "required": false,
            "description": "Bands reach this many percent above and below the last price.",
            "schema": {
              "type": "number",
              "minimum": 0.5,
              "maximum": 80,
              "default": 15
            }
          },
          {
            "name": "bands",
            "in": "query",
            "required": false,
            "description": "At most this many price bands (the finest grid level that fits).",
            "schema": {
              "type": "integer",
              "minimum": 10,
              "maximum": 500,
              "default": 120
            }
          },
          {
            "name": "zones",
            "in": "query",
            "required": false,
            "description": "Magnet zones to list on each side.",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 10,
              "default": 3
            }
          },
          {
            "name": "alert_pct",
            "in": "query",
            "required": false,
            "description": "Alert when the last price is within this many percent of a magnet zone…",
            "schema": {
              "type": "number",
              "minimum": 0.01,
              "maximum": 50,
              "default": 1
            }
          },
          {
            "name": "alert_usd",
            "in": "query",
            "required": false,
            "description": "…of at least this many USD…",
            "schema": {
              "type": "number",
              "minimum": 0,
              "maximum": 1000000000000.0,
              "default": 1000000
            }
          },
          {
            "name": "alert_consensus",
            "in": "query",
            "required": false,
            "description": "…with at least this consensus score.",
            "schema": {
              "type": "number",
              "minimum": 0,
              "maximum": 1,
              "default": 0
            }
          }
        ],
        "responses": {
          "101": {
            "description": "Switching to the WebSocket protocol (a request with Upgrade: websocket)."
          },
          "426": {
            "description": "Not a WebSocket upgrade request.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "429": {
            "$ref": "#/components/responses/RateLimited"
          }
        }
      }
    }
  },
  "components": {
    "schemas": {
      "VenueSplit": {
        "type": "object",
        "required": [
          "long_usd",
          "short_usd",
          "share"
        ],
        "properties": {
          "long_usd": {
            "type": "number"
          },
          "short_usd": {
            "type": "number"
          },
          "share": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          }
        }
      },
      "Heatmap": {
        "type": "object",
        "required": [
          "asset",
          "layer",
          "side",
          "from",
          "to",
          "resolution",
          "column_ms",
          "scale",
          "leverage",
          "venues",
          "open_interest_usd",
          "columns",
          "last_price",
          "price_level",
          "price_low",
          "price_high",
          "cells",
          "rows"
        ],
        "properties": {
          "asset": {
            "type": "string"
          },
          "layer": {
            "type": "string",
            "enum": [
              "projected",
              "realized"
            ]
          },
          "side": {
            "type": "string",
            "enum": [
              "long",
              "short",
              "both"
            ]
          },
          "from": {
            "type": "integer",
            "format": "int64"
          },
          "to": {
            "type": "integer",
            "format": "int64"
          },
          "resolution": {
            "type": "string"
          },
          "column_ms": {
            "type": "integer"
          },
          "scale": {
            "type": "object",
            "required": [
              "kind",
              "mapping",
              "min_usd",
              "max_usd"
            ],
            "properties": {
              "kind": {
                "type": "string",
                "enum": [
                  "relative",
                  "absolute"
                ]
              },
              "mapping": {
                "type": "string",
                "enum": [
                  "linear",
                  "log10"
                ]
              },
              "min_usd": {
                "type": "number"
              },
              "max_usd": {
                "type": "number"
              }
            }
          },
          "leverage": {
            "type": "array",
            "nullable": true,
            "items": {
              "type": "number"
            }
          },
          "venues": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "open_interest_usd": {
            "type": "object",
            "additionalProperties": {
              "type": "number"
            }
          },
          "columns": {
            "type": "array",
            "description": "Start (Unix ms) of each time column.",
            "items": {
              "type": "integer",
              "format": "int64"
            }
          },
          "last_price": {
            "type": "array",
            "items": {
              "type": "number",
              "nullable": true
            }
          },
          "price_level": {
            "type": "integer",
            "nullable": true
          },
          "price_low": {
            "type": "array",
            "items": {
              "type": "number"
            }
          },
          "price_high": {
            "type": "array",
            "items": {
              "type": "number"
            }
          },
          "cells": {
            "type": "array",
            "description": "[column, row, usd] of every non-zero merged cell.",
            "items": {
              "type": "array",
              "minItems": 3,
              "maxItems": 3,
              "items": {
                "type": "number"
              }
            }
          },
          "venue_cells": {
            "type": "object",
            "additionalProperties": {
              "type": "array",
              "items": {
                "type": "array",
                "items": {
                  "type": "number"
                }
              }
            }
          },
          "rows": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "long_usd",
                "short_usd",
                "by_venue",
                "consensus",
                "label"
              ],
              "properties": {
                "long_usd": {
                  "type": "number"
                },
                "short_usd": {
                  "type": "number"
                },
                "by_venue": {
                  "type": "object",
                  "additionalProperties": {
                    "$ref": "#/components/schemas/VenueSplit"
                  }
                },
                "consensus": {
                  "type": "number",
                  "minimum": 0,
                  "maximum": 1
                },
                "label": {
                  "type": "string",
                  "enum": [
                    "multi_venue",
                    "single_venue",
                    "none"
                  ]
                }
              }
            }
          }
        }
      },
      "Zone": {
        "type": "object",
        "required": [
          "price",
          "price_low",
          "price_high",
          "usd",
          "long_usd",
          "short_usd",
          "prominence_usd",
          "distance_pct",
          "consensus",
          "label"
        ],
        "properties": {
          "price": {
            "type": "number"
          },
          "price_low": {
            "type": "number"
          },
          "price_high": {
            "type": "number"
          },
          "usd": {
            "type": "number"
          },
          "long_usd": {
            "type": "number"
          },
          "short_usd": {
            "type": "number"
          },
          "prominence_usd": {
            "type": "number"
          },
          "distance_pct": {
            "type": "number"
          },
          "consensus": {
            "type": "number"
          },
          "label": {
            "type": "string",
            "enum": [
              "multi_venue",
              "single_venue",
              "none"
            ]
          }
        }
      },
      "Levels": {
        "type": "object",
        "required": [
          "asset",
          "as_of",
          "last_price",
          "venues",
          "open_interest_usd",
          "price_level",
          "bands",
          "magnet_zones"
        ],
        "properties": {
          "asset": {
            "type": "string"
          },
          "as_of": {
            "type": "integer",
            "format": "int64",
            "nullable": true
          },
          "last_price": {
            "type": "number",
            "nullable": true
          },
          "venues": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "open_interest_usd": {
            "type": "object",
            "additionalProperties": {
              "type": "number"
            }
          },
          "price_level": {
            "type": "integer",
            "nullable": true
          },
          "bands": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "price_low",
                "price_high",
                "long_usd",
                "short_usd",
                "by_venue",
                "consensus",
                "label",
                "prominence_usd"
              ],
              "properties": {
                "price_low": {
                  "type": "number"
                },
                "price_high": {
                  "type": "number"
                },
                "long_usd": {
                  "type": "number"
                },
                "short_usd": {
                  "type": "number"
                },
                "by_venue": {
                  "type": "object",
                  "additionalProperties": {
                    "$ref": "#/components/schemas/VenueSplit"
                  }
                },
                "consensus": {
                  "type": "number"
                },
                "label": {
                  "type": "string"
                },
                "prominence_usd": {
                  "type": "number"
                }
              }
            }
          },
          "magnet_zones": {
            "type": "object",
            "required": [
              "above",
              "below"
            ],
            "properties": {
              "above": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Zone"
                }
              },
              "below": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Zone"
                }
              }
            }
          }
        }
      },
      "Tile": {
        "type": "object",
        "required": [
          "asset",
          "venue",
          "layer",
          "resolution",
          "tile",
          "price_level",
          "column_ms",
          "first_column_start_ms",
          "instruments",
          "cells"
        ],
        "properties": {
          "asset": {
            "type": "string"
          },
          "venue": {
            "type": "string"
          },
          "layer": {
            "type": "string"
          },
          "resolution": {
            "type": "string"
          },
          "tile": {
            "type": "integer",
            "format": "int64"
          },
          "price_level": {
            "type": "integer"
          },
          "column_ms": {
            "type": "integer"
          },
          "first_column_start_ms": {
            "type": "integer",
            "format": "int64"
          },
          "instruments": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "cells": {
            "type": "array",
            "description": "[column offset 0–255, price row, tier, long_usd, short_usd, long_count, short_count].",
            "items": {
              "type": "array",
              "minItems": 7,
              "maxItems": 7,
              "items": {
                "type": "number"
              }
            }
          }
        }
      },
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

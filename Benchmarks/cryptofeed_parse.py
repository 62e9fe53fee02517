#!/usr/bin/env python3
"""Parse-only throughput of cryptofeed's websocket message handlers, fully offline.

For each venue we build the real cryptofeed feed object (BinanceFutures, OKX, Bybit)
with symbols=[...], channels=[TRADES] and a no-op async TRADES callback that only
counts invocations (= events), then await `feed.message_handler(frame, conn, ts)`
over recorded frames inside one asyncio event loop, single process, until at least
MIN_SECONDS of measurement (and >= 1 full pass) have elapsed.

Run:  /tmp/cfvenv/bin/python /work/main/Benchmarks/cryptofeed_parse.py
"""
import asyncio
import importlib.metadata
import json
import logging
import os
import re
import time
from decimal import Decimal
from types import SimpleNamespace

from cryptofeed.connection import HTTPSync
from cryptofeed.defines import PERPETUAL, TRADES
from cryptofeed.exchanges import OKX, BinanceFutures, Bybit
from cryptofeed.symbols import Symbols

MIN_SECONDS = 3.0
FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'Fixtures')
VERSION = importlib.metadata.version('cryptofeed')

# cryptofeed logs to the 'feedhandler' logger; keep warnings from flooding output.
logging.getLogger('feedhandler').setLevel(logging.ERROR)


# Guard: cryptofeed must never touch the network. Symbol tables are pre-populated
# below, so any HTTP read would be a bug in this script -> fail loudly.
def _no_network(self, address, *a, **kw):
    raise RuntimeError(f'offline benchmark: unexpected HTTP read of {address}')


HTTPSync.read = _no_network

_TS_LINE = re.compile(r'^(\d+\.\d+): (.*)$')          # cryptofeed raw-data line "SECONDS.FRACTION: FRAME"
_REST_LINE = re.compile(r'^(\S+) -> (\d+(?:\.\d+)?): (.*)$')  # "URL -> SECONDS: BODY"


def read_lines(path):
    """Yield (kind, timestamp, body): kind is 'ws' or 'rest'; '<->' connection marks are skipped."""
    with open(path, encoding='utf-8') as fp:
        for line in fp:
            line = line.rstrip('\n')
            if not line.strip() or ' <-> ' in line:
                continue
            if line.startswith('{'):
                yield 'ws', None, line
            elif (m := _REST_LINE.match(line)):
                yield 'rest', float(m.group(2)), m.group(3)
            elif (m := _TS_LINE.match(line)):
                yield 'ws', float(m.group(1)), m.group(2)
            else:
                raise ValueError(f'unrecognised line in {path}: {line[:80]}')


def rest_bodies(path):
    # Parse REST bodies exactly as cryptofeed's HTTPSync does (floats as Decimal).
    return [json.loads(b, parse_float=Decimal) for k, _, b in read_lines(path) if k == 'rest']


class Counter:
    """No-op TRADES callback that only counts invocations."""
    def __init__(self):
        self.n = 0

    async def __call__(self, obj, receipt_timestamp):
        self.n += 1


def stub_conn(address):
    # message_handler only reads conn.uuid / conn.address / conn.subscription (Bybit);
    # a plain namespace stands in for the WSAsyncConn that would normally be passed.
    return SimpleNamespace(uuid='bench', conn_id='bench', id='bench', address=address, subscription={})


# ---------------------------------------------------------------- venue set-up
def setup_binance():
    d = os.path.join(FIX, 'binance_usdm')
    (body,) = rest_bodies(os.path.join(d, 'cryptofeed_REST_fapi_v1_exchangeInfo_2021-07-22.txt'))
    Symbols.set(BinanceFutures.id, *BinanceFutures._parse_symbol_data(body))  # cryptofeed's own parser
    frames = [(b, ts) for k, ts, b in read_lines(os.path.join(d, 'cryptofeed_BINANCE_FUTURES_aggTrade_2021-07-22.txt')) if k == 'ws']
    cb = Counter()
    feed = BinanceFutures(symbols=['AKRO-USDT-PERP', 'CTK-USDT-PERP', 'KEEP-USDT-PERP', 'SUSHI-USDT-PERP'],
                          channels=[TRADES], callbacks={TRADES: cb})
    return 'binance-usdm', feed, cb, frames, stub_conn(feed._address()), []


def setup_okx():
    d = os.path.join(FIX, 'okx')
    bodies = rest_bodies(os.path.join(d, 'cryptofeed_REST_public_instruments_SWAP_FUTURES_2022-05-13.txt'))
    assert len(bodies) == 2, 'expected SWAP + FUTURES instrument bodies'
    Symbols.set(OKX.id, *OKX._parse_symbol_data(bodies))  # expects the list of both bodies
    to_std = {v: k for k, v in Symbols.get(OKX.id)[0].items()}   # exchange instId -> normalized
    wanted = {'BTC-USDT-SWAP', 'BTC-USD-SWAP', 'BTC-USDT-220325', 'BTC-USD-220325'}
    candidates = [b for _, _, b in read_lines(os.path.join(d, 'crypto-msg-parser_okx_trade.jsonl'))
                  if json.loads(b)['arg']['instId'] in wanted]
    candidates += [b for _, _, b in read_lines(os.path.join(FIX, 'wire-formats', 'okx.jsonl'))
                   if '"channel":"trades"' in b and 'data' in json.loads(b)]
    frames, dropped = [], []
    for b in candidates:
        inst = json.loads(b)['arg']['instId']
        if inst in to_std:
            frames.append((b, None))
        else:
            dropped.append(inst)   # e.g. 2022-03-25 futures, expired before the 2022-05-13 list
    syms = sorted({to_std[json.loads(b)['arg']['instId']] for b, _ in frames})
    cb = Counter()
    feed = OKX(symbols=syms, channels=[TRADES], callbacks={TRADES: cb})
    return 'okx', feed, cb, frames, stub_conn(OKX.websocket_endpoints[0].address), dropped


def setup_bybit():
    # No recorded Bybit v5 instruments body: populate the symbol table directly with the
    # two mappings needed. Only 'instrument_type' is filled in the info dict (the trade
    # path does not read info; tick sizes are unknown so none are invented).
    Symbols.set(Bybit.id, {'BTC-USDT-PERP': 'BTCUSDT', 'LTC-USDT-PERP': 'LTCUSDT'},
                {'instrument_type': {'BTC-USDT-PERP': PERPETUAL, 'LTC-USDT-PERP': PERPETUAL}, 'tick_size': {}})
    frames = [(b, None) for _, _, b in read_lines(os.path.join(FIX, 'wire-formats', 'bybit-linear.jsonl'))
              if json.loads(b).get('topic', '').startswith('publicTrade.')]
    cb = Counter()
    feed = Bybit(symbols=['BTC-USDT-PERP', 'LTC-USDT-PERP'], channels=[TRADES], callbacks={TRADES: cb})
    # Bybit.message_handler derives the market ('linear'/'spot') from conn.address.
    return 'bybit-linear', feed, cb, frames, stub_conn(Bybit.websocket_endpoints[0].address), []


# ---------------------------------------------------------------- benchmark loop
async def bench(name, feed, cb, frames, conn):
    assert frames, f'{name}: no frames'
    handler = feed.message_handler
    now = time.time()
    items = [(f, ts if ts is not None else now) for f, ts in frames]

    async def one_pass():
        for f, ts in items:
            await handler(f, conn, ts)

    await one_pass()                      # warm-up pass (not measured)
    if cb.n == 0:
        raise SystemExit(f'FAIL {name}: callbacks were never invoked')
    cb.n, passes = 0, 0
    t0 = time.perf_counter()
    while True:
        await one_pass()
        passes += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= MIN_SECONDS:
            break
    if cb.n == 0:
        raise SystemExit(f'FAIL {name}: zero events in measurement')
    msgs = len(items) * passes
    print(f'cryptofeed {VERSION} {name}: {len(items)} frames x {passes} passes: '
          f'{msgs / elapsed:.0f} msgs/s, {cb.n / elapsed:.0f} events/s '
          f'({cb.n // passes} events/pass, {elapsed:.2f} s)', flush=True)


async def main():
    notes = []
    for setup in (setup_binance, setup_okx, setup_bybit):
        name, feed, cb, frames, conn, dropped = setup()
        if dropped:
            notes.append(f'{name}: dropped {len(dropped)} frame(s) for instruments absent from the '
                         f'recorded instrument list (cryptofeed cannot map them): {", ".join(dropped)}')
        await bench(name, feed, cb, frames, conn)
    print('notes:')
    for n in notes + [
        'symbol tables were filled offline via Symbols.set(): Binance/OKX from the recorded REST bodies '
        'through the class\'s own _parse_symbol_data; Bybit by a hand-written 2-symbol mapping',
        'HTTPSync.read is replaced by a function that raises, so no network access can happen',
        'conn is a stub namespace (uuid/conn_id/address/subscription); no websocket is opened',
        'receipt timestamp = recorded SECONDS for cryptofeed raw-data lines, time.time() otherwise',
    ]:
        print(f'  - {n}')


if __name__ == '__main__':
    asyncio.run(main())

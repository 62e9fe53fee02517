#!/usr/bin/env bash
# Parse-only and tokenizer-only throughput of the Binance, OKX and Bybit parsers on the frames the
# cryptofeed peer script reads, then the peer itself (if its venv exists) in the same run.
#   Benchmarks/parse.sh [liqmap binary]      (default .build/release/liqmap; build it with
#                                              swift build -c release --product liqmap)
# Peer venv: python3 -m venv /tmp/cfvenv && /tmp/cfvenv/bin/pip install cryptofeed
set -euo pipefail
cd "$(dirname "$0")/.."
LIQMAP=${1:-.build/release/liqmap}
F=Tests/Fixtures
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# The peer's frame selection (Benchmarks/cryptofeed_parse.py): OKX swap/futures trades the 2022-05-13
# instrument list knows, and Bybit v5 publicTrade frames.
python3 - "$F" "$T" <<'PY'
import json, re, sys
fix, out = sys.argv[1], sys.argv[2]
def frames(path):
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        m = re.match(r'^(\d+\.\d+): (.*)$', line)
        yield m.group(2) if m else line
wanted = {'BTC-USDT-SWAP', 'BTC-USD-SWAP', 'BTC-USDT-220325', 'BTC-USD-220325'}
okx = [b for b in frames(f'{fix}/okx/crypto-msg-parser_okx_trade.jsonl') if json.loads(b)['arg']['instId'] in wanted]
okx += [b for b in frames(f'{fix}/wire-formats/okx.jsonl') if '"channel":"trades"' in b and 'data' in json.loads(b)]
okx = [b for b in okx if not json.loads(b)['arg']['instId'].endswith('220325')]  # expired before the list
open(f'{out}/okx.txt', 'w').write('\n'.join(okx) + '\n')
bybit = [b for b in frames(f'{fix}/wire-formats/bybit-linear.jsonl') if json.loads(b).get('topic', '').startswith('publicTrade.')]
open(f'{out}/bybit.txt', 'w').write('\n'.join(bybit) + '\n')
PY

BIN=(--feed binance-usdm --instruments $F/binance_usdm/cryptofeed_REST_fapi_v1_exchangeInfo_2021-07-22.txt --repeat 5000
     $F/binance_usdm/cryptofeed_BINANCE_FUTURES_aggTrade_2021-07-22.txt)
OKX=(--feed okx --instruments $F/okx/cryptofeed_REST_public_instruments_SWAP_FUTURES_2022-05-13.txt --repeat 200000 "$T/okx.txt")
BYB=(--feed bybit-linear --repeat 300000 "$T/bybit.txt")
for args in BIN OKX BYB; do
  declare -n a=$args
  "$LIQMAP" bench parse "${a[@]}"
  "$LIQMAP" bench parse --json-only "${a[@]}"
done
if [ -x /tmp/cfvenv/bin/python ]; then /tmp/cfvenv/bin/python Benchmarks/cryptofeed_parse.py; else echo "peer: /tmp/cfvenv missing (see header)"; fi

#!/usr/bin/env python3
"""Outside verification of CityCard record TACs, independent of the C# code.

Usage:
  ./citycard keys demo > keys.json                # or: keys demo --alg sm4
  ./citycard batch dump FILE --json | python3 tools/verify_tac.py keys.json

Reads the issuer master keys (the JSON of `citycard keys demo`) and one record per line (the JSON of
`citycard batch dump --json`), derives each card's TAC key as STANDARDS.md section 6 / section 0 describe
(DTK = Div(Div(MTK, city || FF0000000000), ASN); DES: Fold(DTK); SM4: DTK), recomputes the TAC and prints
one line per record. Exit status 0 only when every purchase/load record verifies.
Needs Python 3 with the `cryptography` package.
"""
import json
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

try:
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:  # older cryptography
    TripleDES = algorithms.TripleDES


def ecb(algorithm, block):
    encryptor = Cipher(algorithm, modes.ECB()).encryptor()
    return encryptor.update(block) + encryptor.finalize()


def tdes(key16, block):
    return ecb(TripleDES(key16 + key16[:8]), block)


def des(key8, block):
    return ecb(TripleDES(key8 * 3), block)


def sm4(key16, block):
    return ecb(algorithms.SM4(key16), block)


def invert(data):
    return bytes(b ^ 0xFF for b in data)


def diversify(alg, key, factor):
    if alg == "des":
        return tdes(key, factor) + tdes(key, invert(factor))
    return sm4(key, factor + invert(factor))


def pad(data, size):
    data = data + b"\x80"
    while len(data) % size:
        data += b"\x00"
    return data


def mac(alg, key, data):
    size = 8 if alg == "des" else 16
    state = bytes(size)
    padded = pad(data, size)
    for i in range(0, len(padded), size):
        block = bytes(a ^ b for a, b in zip(state, padded[i:i + size]))
        state = des(key, block) if alg == "des" else sm4(key, block)
    if alg == "sm4":
        state = bytes(a ^ b for a, b in zip(state[:8], state[8:]))
    return state[:4]


def u32(value):
    return (value & 0xFFFFFFFF).to_bytes(4, "big")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as handle:
        keys = json.load(handle)
    alg = keys["algorithm"]
    master = bytes.fromhex(keys["tac"])
    failures = 0
    checked = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        if record["kind"] == "access":
            continue
        if record["algorithm"] != alg:
            print(f"record {number}: {record['algorithm']} record, {alg} keys given: skipped")
            continue
        city_factor = bytes.fromhex(record["cityCode"]) + b"\xff" + bytes(5)
        dtk = diversify(alg, diversify(alg, master, city_factor), bytes.fromhex(record["asn"]))
        tac_key = bytes(a ^ b for a, b in zip(dtk[:8], dtk[8:])) if alg == "des" else dtk
        amount = u32(record["amount"])
        kind = bytes.fromhex(record["type"])
        terminal = bytes.fromhex(record["terminal"])
        when = bytes.fromhex(record["datetime"])
        if record["kind"] == "load":
            after = u32(record["balanceBefore"] + record["amount"])
            data = after + record["counter"].to_bytes(2, "big") + amount + kind + terminal + when
        else:
            data = amount + kind + terminal + bytes.fromhex(record["ttsn"]) + when
        expected = mac(alg, tac_key, data).hex().upper()
        checked += 1
        ok = expected == record["tac"]
        failures += 0 if ok else 1
        print(f"record {number}: {record['kind']} card {record['asn']} counter {record['counter']} TAC {record['tac']} {'OK' if ok else 'MISMATCH (expected ' + expected + ')'}")
    print(f"{checked} checked, {failures} failed")
    return 0 if failures == 0 and checked > 0 else 1


if __name__ == "__main__":
    sys.exit(main())

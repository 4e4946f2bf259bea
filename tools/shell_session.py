#!/usr/bin/env python3
"""An outside program that runs a load and a purchase end to end through `citycard card shell` and
`citycard psam shell` alone, and verifies MAC1, MAC2 and the TACs with the demo master keys of
`citycard keys demo` — no CityCard code is used for any MAC.

Usage: python3 tools/shell_session.py CARD_FILE PSAM_FILE KEYS_JSON [AMOUNT_LOAD AMOUNT_PURCHASE]
The command that runs citycard is taken from the CITYCARD environment variable (default ./citycard).
Exit status 0 when every check passes.
"""
import json
import os
import shlex
import subprocess
import sys
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verify_tac import diversify, mac, u32, tdes, sm4  # noqa: E402


class Shell:
    def __init__(self, kind, path):
        command = shlex.split(os.environ.get("CITYCARD", "./citycard")) + [kind, "shell", path]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def send(self, apdu_hex):
        self.process.stdin.write(apdu_hex + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        return bytes.fromhex(answer[:-4]), answer[-4:]

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)
        return self.process.returncode


def expect(condition, message):
    print(("ok    " if condition else "FAIL  ") + message)
    if not condition:
        raise SystemExit(1)


def session_key(alg, key, data8):
    return tdes(key, data8) if alg == "des" else sm4(key, data8 + bytes(8))


def main():
    card_file, psam_file, keys_file = sys.argv[1:4]
    load_amount = int(sys.argv[4]) if len(sys.argv) > 4 else 5000
    purchase_amount = int(sys.argv[5]) if len(sys.argv) > 5 else 250
    with open(keys_file, encoding="utf-8") as handle:
        keys = json.load(handle)
    alg = keys["algorithm"]
    card = Shell("card", card_file)
    psam = Shell("psam", psam_file)

    _, sw = card.send("00A4040009A00000000386980701")
    expect(sw == "9000", f"card SELECT by AID: {sw}")
    ef15, sw = card.send("00B095001E")
    expect(sw == "9000" and len(ef15) == 30, f"READ BINARY EF 0015: {sw}")
    city, asn = ef15[2:4], ef15[12:20]
    city_factor = city + b"\xff" + bytes(5)

    def card_key(role):
        return diversify(alg, diversify(alg, bytes.fromhex(keys[role]), city_factor), asn)

    dtk = card_key("tac")
    tac_key = bytes(a ^ b for a, b in zip(dtk[:8], dtk[8:])) if alg == "des" else dtk

    # Load: the "host" is this program, holding the demo load key.
    terminal = bytes.fromhex("112233445566")
    init, sw = card.send("805000020B01" + u32(load_amount).hex() + terminal.hex() + "10")
    expect(sw == "9000" and len(init) == 16, f"INITIALIZE FOR LOAD: {sw}")
    balance, counter, rnd, mac1 = init[0:4], init[4:6], init[8:12], init[12:16]
    seslk = session_key(alg, card_key("load"), rnd + counter + b"\x80\x00")
    expect(mac(alg, seslk, balance + u32(load_amount) + b"\x02" + terminal) == mac1, "load MAC1 verified by the host")
    when = bytes.fromhex(datetime.now().strftime("%Y%m%d%H%M%S"))
    mac2 = mac(alg, seslk, u32(load_amount) + b"\x02" + terminal + when)
    tac, sw = card.send("805200000B" + when.hex() + mac2.hex() + "04")
    expect(sw == "9000", f"CREDIT FOR LOAD: {sw}")
    after = int.from_bytes(balance, "big") + load_amount
    expected = mac(alg, tac_key, u32(after) + counter + u32(load_amount) + b"\x02" + terminal + when)
    expect(tac == expected, f"load TAC {tac.hex().upper()} verified")

    # Purchase: the PSAM computes MAC1; this program verifies MAC2 and TAC independently.
    _, sw = psam.send("00A40000021001")
    expect(sw == "9000", f"PSAM SELECT 1001: {sw}")
    psam_terminal, sw = psam.send("00B0960006")
    expect(sw == "9000" and len(psam_terminal) == 6, f"PSAM terminal number {psam_terminal.hex().upper()}")
    _, sw = card.send("00A4040009A00000000386980701")
    init, sw = card.send("805001020B01" + u32(purchase_amount).hex() + psam_terminal.hex() + "0F")
    expect(sw == "9000" and len(init) == 15, f"INITIALIZE FOR PURCHASE: {sw}")
    offline, key_version, alg_id, rnd = init[4:6], init[9:10], init[10:11], init[11:15]
    when = bytes.fromhex(datetime.now().strftime("%Y%m%d%H%M%S"))
    data = rnd + offline + u32(purchase_amount) + b"\x06" + when + key_version + alg_id + asn + city_factor
    sam, sw = psam.send("8070000024" + data.hex() + "08")
    expect(sw == "9000" and len(sam) == 8, f"PSAM 8070 MAC1: {sw}")
    ttsn, mac1 = sam[:4], sam[4:]
    sespk = session_key(alg, card_key("purchase"), rnd + offline + ttsn[2:4])
    expect(mac(alg, sespk, u32(purchase_amount) + b"\x06" + psam_terminal + when) == mac1, "purchase MAC1 from the PSAM verified")
    debit, sw = card.send("805401000F" + ttsn.hex() + when.hex() + mac1.hex() + "08")
    expect(sw == "9000" and len(debit) == 8, f"DEBIT FOR PURCHASE: {sw}")
    tac, mac2 = debit[:4], debit[4:]
    expect(mac(alg, sespk, u32(purchase_amount)) == mac2, f"purchase MAC2 {mac2.hex().upper()} verified")
    _, sw = psam.send("8072000004" + mac2.hex())
    expect(sw == "9000", f"PSAM 8072 accepted MAC2: {sw}")
    expected = mac(alg, tac_key, u32(purchase_amount) + b"\x06" + psam_terminal + ttsn + when)
    expect(tac == expected, f"purchase TAC {tac.hex().upper()} verified")
    expect(card.close() == 0 and psam.close() == 0, "card and PSAM saved")
    return 0


if __name__ == "__main__":
    sys.exit(main())

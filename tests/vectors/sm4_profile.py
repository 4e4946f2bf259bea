# Independent computation of the CityCard SM4 profile (STANDARDS.md §0) with Python cryptography
# for the expected values in tests/CityCard.Security.Tests/Sm4ProfileTests.cs. Run: python3 tests/vectors/sm4_profile.py
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
def sm4e(k,b):
    e=Cipher(algorithms.SM4(k),modes.ECB()).encryptor(); return e.update(b)+e.finalize()
def div(mk,f): return sm4e(mk, f+bytes(x^0xff for x in f))
def pad(d,n):
    d=d+b'\x80'
    while len(d)%n: d+=b'\x00'
    return d
def mac(k,d):
    d=pad(d,16); s=bytes(16)
    for i in range(0,len(d),16):
        s=sm4e(k,bytes(a^b for a,b in zip(s,d[i:i+16])))
    x=bytes(a^b for a,b in zip(s[:8],s[8:])); return x[:4]
H=bytes.fromhex
MPK=H('000102030405060708090A0B0C0D0E0F'); MTK=H('101112131415161718191A1B1C1D1E1F'); MLK=H('202122232425262728292A2B2C2D2E2F')
F2=H('2144FF0000000000'); ASN=H('2144000000000001')
kc=div(MPK,F2); dpk=div(kc,ASN)
print('Kcity',kc.hex().upper()); print('DPK',dpk.hex().upper())
ses=sm4e(dpk,H('47800CF700060029')+bytes(8)); print('SESPK',ses.hex().upper())
m1=mac(ses,H('00000001'+'06'+'000000010001'+'20081009140759')); print('MAC1',m1.hex().upper())
m2=mac(ses,H('00000001')); print('MAC2',m2.hex().upper())
dtk=div(div(MTK,F2),ASN); print('DTK',dtk.hex().upper())
tac=mac(dtk,H('00000001'+'06'+'000000010001'+'00000029'+'20081009140759')); print('TAC',tac.hex().upper())
dlk=div(MLK,ASN); print('DLK',dlk.hex().upper())
sesl=sm4e(dlk,H('1A2B3C4D00058000')+bytes(8)); print('SESLK',sesl.hex().upper())
print('LMAC1',mac(sesl,H('000003E8'+'00002710'+'02'+'112233445566')).hex().upper())
print('LMAC2',mac(sesl,H('00002710'+'02'+'112233445566'+'20240101120000')).hex().upper())
print('LTAC',mac(dtk,H('00002AF8'+'0005'+'00002710'+'02'+'112233445566'+'20240101120000')).hex().upper())
print('MACpad16', mac(H('0123456789ABCDEFFEDCBA9876543210'), bytes(16)).hex().upper(), mac(H('0123456789ABCDEFFEDCBA9876543210'), H('00000001')).hex().upper())

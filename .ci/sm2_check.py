"""Check an SM2 detached CMS (jianbao's manifest.p7s) with an independent
SM2/SM3 implementation: GmSSL's pure-Python `gmssl` package, and OpenSSL's
SM2 (`openssl dgst -sm3 -verify` with the default SM2 ID of GB/T 35276).

The CMS is taken apart with a small DER reader (no ASN.1 library): the
signed attributes (re-tagged as a SET, as RFC 5652 §5.4 says they are
signed), the message-digest attribute, the signature value and the
signer's public key from the certificate in the CMS.

    sm2_check.py manifest.p7s manifest.json
"""
import subprocess
import sys
import tempfile
import os

from gmssl import sm2, sm3, func

SM2_ID = "1234567812345678"  # GB/T 35276-2017 §9, the default user ID


def tlv(b, i):
    """(tag, header length, content start, end) of the DER element at i."""
    tag = b[i]
    n = b[i + 1]
    if n < 0x80:
        return tag, i + 2, i + 2 + n
    k = n & 0x7F
    length = int.from_bytes(b[i + 2:i + 2 + k], "big")
    return tag, i + 2 + k, i + 2 + k + length


def children(b, start, end):
    out = []
    i = start
    while i < end:
        tag, s, e = tlv(b, i)
        out.append((tag, i, s, e))
        i = e
    return out


def main(p7s_path, content_path):
    b = open(p7s_path, "rb").read()
    content = open(content_path, "rb").read()
    _, s, e = tlv(b, 0)                       # ContentInfo
    ci = children(b, s, e)
    _, _, s, e = ci[1]                        # [0] EXPLICIT
    _, s, e = tlv(b, s)                       # SignedData
    sd = children(b, s, e)
    certs = next(c for c in sd if c[0] == 0xA0)
    signer_infos = sd[-1]
    # The first certificate: tbs → subjectPublicKeyInfo → BIT STRING.
    cert = children(b, certs[2], certs[3])[0]
    tbs = children(b, cert[2], cert[3])[0]
    spki = children(b, tbs[2], tbs[3])[6]
    bits = children(b, spki[2], spki[3])[1]
    point = b[bits[2] + 1:bits[3]]            # skip the unused-bits byte
    assert point[0] == 4 and len(point) == 65, "an uncompressed SM2 point"
    si = children(b, signer_infos[2], signer_infos[3])[0]
    parts = children(b, si[2], si[3])
    attrs = next(p for p in parts if p[0] == 0xA0)
    sig = parts[-1]
    assert sig[0] == 0x04, "the signature value"
    signed = bytes([0x31]) + b[attrs[1] + 1:attrs[3]]
    signature = b[sig[2]:sig[3]]
    # The message digest attribute is SM3 of the content.
    digest = None
    for a in children(b, attrs[2], attrs[3]):
        oid_t = children(b, a[2], a[3])
        oid = b[oid_t[0][2]:oid_t[0][3]]
        if oid == bytes.fromhex("2a864886f70d010904"):
            vals = children(b, oid_t[1][2], oid_t[1][3])
            digest = b[vals[0][2]:vals[0][3]]
    want = bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(content)))
    assert digest == want, "message-digest is not SM3 of the content"
    # The signature: DER SEQUENCE { r, s } → r ‖ s for gmssl.
    _, s0, e0 = tlv(signature, 0)
    rs = children(signature, s0, e0)
    r = int.from_bytes(signature[rs[0][2]:rs[0][3]], "big")
    s_ = int.from_bytes(signature[rs[1][2]:rs[1][3]], "big")
    raw = "%064x%064x" % (r, s_)
    crypt = sm2.CryptSM2(public_key=point[1:].hex(), private_key=None)
    # Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), then e = SM3(Z ‖ M).
    z = "0080" + SM2_ID.encode().hex() + crypt.ecc_table["a"] + crypt.ecc_table["b"] \
        + crypt.ecc_table["g"] + point[1:].hex()
    za = sm3.sm3_hash(func.bytes_to_list(bytes.fromhex(z)))
    e = sm3.sm3_hash(func.bytes_to_list(bytes.fromhex(za) + signed))
    assert crypt.verify(raw, bytes.fromhex(e)), "gmssl: the SM2 signature does not verify"
    print("   gmssl: SM2 signature over the signed attributes verifies; message-digest = SM3(content)")
    # OpenSSL's SM2, from the same parts.
    with tempfile.TemporaryDirectory() as d:
        der_key = bytes.fromhex(
            "3059301306072a8648ce3d020106082a811ccf5501822d034200") + point
        open(os.path.join(d, "pub.der"), "wb").write(der_key)
        open(os.path.join(d, "msg"), "wb").write(signed)
        open(os.path.join(d, "sig"), "wb").write(signature)
        out = subprocess.run(
            ["openssl", "dgst", "-sm3", "-keyform", "DER", "-verify", os.path.join(d, "pub.der"),
             "-sigopt", "distid:" + SM2_ID, "-signature", os.path.join(d, "sig"),
             os.path.join(d, "msg")], capture_output=True, text=True)
        if out.returncode != 0 or "Verified OK" not in out.stdout:
            sys.exit("openssl: the SM2 signature does not verify: " + out.stdout + out.stderr)
    print("   openssl dgst -sm3: Verified OK")


if __name__ == "__main__":
    main(*sys.argv[1:3])

#!/usr/bin/env python3
"""MIT krb5's own string-to-key and decrypt, timed through ctypes on libkrb5.

Prints a JSON object of nanoseconds per operation, for benches/mit-compare.sh to set
beside spnkt's criterion figures. The cost of a ctypes call from a Python loop is
measured with a trivial libkrb5 call (krb5_c_valid_enctype) and subtracted, so the
figures are MIT's library work, as close as a script can get.
"""
import ctypes
import ctypes.util
import json
import time

krb5 = ctypes.CDLL(ctypes.util.find_library("krb5") or "libkrb5.so.3")
k5crypto = krb5  # the krb5_c_* functions are re-exported by libkrb5


class Data(ctypes.Structure):
    _fields_ = [("magic", ctypes.c_int32), ("length", ctypes.c_uint), ("data", ctypes.c_char_p)]


class Keyblock(ctypes.Structure):
    _fields_ = [("magic", ctypes.c_int32), ("enctype", ctypes.c_int32),
                ("length", ctypes.c_uint), ("contents", ctypes.c_void_p)]


class EncData(ctypes.Structure):
    _fields_ = [("magic", ctypes.c_int32), ("enctype", ctypes.c_int32),
                ("kvno", ctypes.c_uint), ("ciphertext", Data)]


def data(b):
    return Data(0, len(b), b)


ctx = ctypes.c_void_p()
assert krb5.krb5_init_context(ctypes.byref(ctx)) == 0


def per_call_ns(fn, n):
    t0 = time.perf_counter_ns()
    for _ in range(n):
        fn()
    return (time.perf_counter_ns() - t0) / n


def best_of(fn, n, rounds=5):
    return min(per_call_ns(fn, n) for _ in range(rounds))


valid = krb5.krb5_c_valid_enctype
overhead = best_of(lambda: valid(18), 200_000)

password = data("Pässwörd-for-benchmarks-0123456789".encode())
salt = data(b"EXAMPLE.TESTHTTPapp1.example.test")
out = {"ctypes_overhead_ns": overhead}
keys = {}
for name, etype in (("aes256", 18), ("aes128", 17), ("rc4", 23)):
    key = Keyblock()
    def s2k(etype=etype, key=key):
        rc = krb5.krb5_c_string_to_key(ctx, etype, ctypes.byref(password), ctypes.byref(salt), ctypes.byref(key))
        assert rc == 0, rc
        krb5.krb5_free_keyblock_contents(ctx, ctypes.byref(key))
    n = 50 if etype != 23 else 100_000
    out[f"string_to_key/{name}"] = best_of(s2k, n, 3) - overhead
    kb = Keyblock()
    assert krb5.krb5_c_string_to_key(ctx, etype, ctypes.byref(password), ctypes.byref(salt), ctypes.byref(kb)) == 0
    keys[name] = kb

plain = data(b"\x5a" * 1200)
for name, kb in keys.items():
    enc_len = ctypes.c_size_t()
    assert krb5.krb5_c_encrypt_length(ctx, kb.enctype, ctypes.c_size_t(1200), ctypes.byref(enc_len)) == 0
    buf = ctypes.create_string_buffer(enc_len.value)
    enc = EncData(0, kb.enctype, 0, Data(0, enc_len.value, ctypes.cast(buf, ctypes.c_char_p)))
    assert krb5.krb5_c_encrypt(ctx, ctypes.byref(kb), 2, None, ctypes.byref(plain), ctypes.byref(enc)) == 0
    outbuf = ctypes.create_string_buffer(enc_len.value)
    result = Data(0, enc_len.value, ctypes.cast(outbuf, ctypes.c_char_p))
    def dec(kb=kb, enc=enc, result=result):
        result.length = enc_len.value
        rc = krb5.krb5_c_decrypt(ctx, ctypes.byref(kb), 2, None, ctypes.byref(enc), ctypes.byref(result))
        assert rc == 0, rc
    out[f"ticket_decrypt/{name}"] = best_of(dec, 20_000) - overhead

print(json.dumps(out))

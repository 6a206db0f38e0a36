"""Marks version requirements of an ELF shared library weak, in place (a copy the caller owns).

    relax_version.py LIBRARY VERSION...     e.g. libLibTorchSharp.so GLIBCXX_3.4.32

TorchSharp 0.107.0's libLibTorchSharp.so was linked against GCC 13's libstdc++ and asks for
GLIBCXX_3.4.32, which Debian 12's libstdc++ (GLIBCXX_3.4.30) lacks, so the loader refuses it. The
only symbol of that version is std::ios_base_library_init(), which GCC 13's <iostream> references
to pull in stream initialisation; nothing relocates or calls it. A weak requirement (VER_FLG_WEAK
in its Vernaux entry) is one the loader does not insist on, so the library loads, and every other
version and symbol stays checked. Idempotent; stdlib only.
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def relax(path, versions):
    with open(path, "r+b") as f:
        elf = bytearray(f.read())
        assert elf[:4] == b"\x7fELF" and elf[4] == 2 and elf[5] == 1, "64-bit little-endian ELF expected"
        shoff, = struct.unpack_from("<Q", elf, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
        relaxed = []
        for _name, kind, _flags, _addr, offset, _size, link, count, _align, _entsize in sections:
            if kind != SHT_GNU_VERNEED:
                continue
            strings = sections[link][4]  # the linked .dynstr's file offset
            need = offset
            for _ in range(count):       # Verneed: version, cnt, file, aux, next
                _version, aux_count, _file, aux, next_need = struct.unpack_from("<HHIII", elf, need)
                entry = need + aux
                for _ in range(aux_count):   # Vernaux: hash, flags, other, name, next
                    _hash, flags, _other, name, next_aux = struct.unpack_from("<IHHII", elf, entry)
                    text = bytes(elf[strings + name:elf.index(b"\0", strings + name)]).decode()
                    if text in versions:
                        struct.pack_into("<H", elf, entry + 4, flags | VER_FLG_WEAK)
                        relaxed.append(text)
                    entry += next_aux
                need += next_need
        f.seek(0)
        f.write(elf)
    return relaxed


if __name__ == "__main__":
    done = relax(sys.argv[1], set(sys.argv[2:]))
    print(f"{sys.argv[1]}: weak requirement of {', '.join(done) or 'nothing'}", file=sys.stderr)

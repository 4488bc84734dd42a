#!/usr/bin/env python3
"""Each function's stack frame in a BPF object: the deepest `r10 - N` it touches.

Old verifiers (5.10, 6.1, arm64 6.1) allow 512 bytes of stack for a program and the
functions it calls together, and the syscall enter programs sit near that edge: compare a
change's object with main's before a VM run.

    python3 scripts/bpf-frames.py target/release/build/tracer-user-*/out/tracer
"""
import re
import subprocess
import sys


def frames(path):
    out = subprocess.run(
        ["llvm-objdump", "-d", path], capture_output=True, text=True, check=True
    ).stdout
    deepest, current = {}, None
    for line in out.splitlines():
        head = re.match(r"^[0-9a-f]+ <(.*)>:", line)
        if head:
            current = head.group(1)
            continue
        for n in re.findall(r"r10 - (0x[0-9a-f]+|\d+)", line):
            deepest[current] = max(deepest.get(current, 0), int(n, 0))
    return deepest


if __name__ == "__main__":
    for name, size in sorted(frames(sys.argv[1]).items()):
        print(f"{size:4} {name}")

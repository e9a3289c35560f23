"""What a parse job may touch besides its file: the kernel's own sandboxes, applied from inside the job.

A job reads hostile files with C code. Should a file subvert pdfium, the job runs as the worker's user on
the worker's machine, where the broker, the channel layer and maybe the database answer on loopback, and
where other teams' documents wait in the temporary folder. So before its first document a job gives up:

- sockets, ``io_uring`` (it can make sockets without the ``socket`` call), ``ptrace`` and reading other
  processes' memory: a seccomp filter makes those calls fail with ``EACCES``;
- the filesystem beyond what it needs (Landlock): it may read the Python installation, the system's
  libraries and fonts, and the files named for it; write only where it was told to (an export's output
  folder); execute nothing. Other documents, the project's storage folder and its settings are out of reach.

Both are Linux features for unprivileged processes (Landlock since 5.13). Where the kernel lacks one, the
job goes on without it: ``available()`` says which there are, and the template logs what is missing once.
"""

import ctypes
import os
import platform
import struct
import sys
from collections.abc import Iterable

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_PR_GET_SECCOMP = 21
_SECCOMP_MODE_FILTER = 2

# --- seccomp ---------------------------------------------------------------------------------------

# (audit architecture, {call name: number}) of the two machines the workers run on.
_ARCHITECTURES = {
    "x86_64": (
        0xC000003E,
        {"socket": 41, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "io_uring_setup": 425},
    ),
    "aarch64": (
        0xC00000B7,
        {"socket": 198, "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "io_uring_setup": 425},
    ),
}
_X32_SYSCALL_BIT = 0x40000000
"""x86_64's x32 ABI numbers its calls from here: a second way to call ``socket`` that the filter refuses."""
_EACCES = 13

# Classic BPF, as seccomp runs it on ``struct seccomp_data`` (nr at offset 0, arch at offset 4).
_LOAD_WORD = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JUMP_IF_EQUAL = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JUMP_IF_AT_LEAST = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RETURN = 0x06  # BPF_RET | BPF_K
_ALLOW = 0x7FFF0000  # SECCOMP_RET_ALLOW
_REFUSE = 0x00050000 | _EACCES  # SECCOMP_RET_ERRNO


class _SockFilter(ctypes.Structure):
    _fields_ = (("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32))


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter)))


def _seccomp_program(architecture: str) -> list[tuple[int, int, int, int]]:
    """Refuse the calls above (and every call made through another architecture's ABI); allow the rest."""
    audit_arch, calls = _ARCHITECTURES[architecture]
    refused = sorted(calls.values())
    program = [
        (_LOAD_WORD, 0, 0, 4),
        (_JUMP_IF_EQUAL, 1, 0, audit_arch),  # the native ABI: go on; another one: refuse
        (_RETURN, 0, 0, _REFUSE),
        (_LOAD_WORD, 0, 0, 0),
    ]
    if architecture == "x86_64":
        program.append((_JUMP_IF_AT_LEAST, len(refused) + 1, 0, _X32_SYSCALL_BIT))
    for position, number in enumerate(refused):
        program.append((_JUMP_IF_EQUAL, len(refused) - position, 0, number))
    program += [(_RETURN, 0, 0, _ALLOW), (_RETURN, 0, 0, _REFUSE)]
    return program


def _deny_calls() -> None:
    program = _seccomp_program(platform.machine())
    filters = (_SockFilter * len(program))(*(_SockFilter(*instruction) for instruction in program))
    prog = _SockFprog(len(program), filters)
    _prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(prog))


# --- Landlock --------------------------------------------------------------------------------------

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446  # the same on every architecture
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1

_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_MAKE_REG, _TRUNCATE = 1 << 8, 1 << 14
_HANDLED_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1}
"""Every filesystem right the kernel's Landlock ABI knows (from 5, ``ioctl`` on devices too): all refused
unless a rule grants them."""
_FILE_RIGHTS = _EXECUTE | _WRITE_FILE | _READ_FILE | _TRUNCATE | (1 << 15)
"""The rights a rule on a file (not a folder) may grant."""
READ = _READ_FILE | _READ_DIR
WRITE = READ | _WRITE_FILE | _MAKE_REG | _TRUNCATE

_SYSTEM_FOLDERS = (
    "/usr/lib",
    "/usr/lib64",
    "/lib",
    "/lib64",
    "/usr/local/lib",
    "/usr/share/fonts",
    "/usr/share/X11/fonts",
    "/usr/local/share/fonts",
)
"""Shared libraries a late import may load, and the fonts pdfium substitutes for ones a file lacks."""

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _landlock_abi() -> int:
    abi = int(_libc.syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION)))
    return max(abi, 0)


def _limit_files(rules: Iterable[tuple[str, int]], abi: int) -> None:
    handled = _HANDLED_BY_ABI.get(abi, (1 << 16) - 1)
    # struct landlock_ruleset_attr: handled_access_fs, handled_access_net, scoped (zero: not handled here)
    attributes = struct.pack("=QQQ", handled, 0, 0)
    ruleset = int(_libc.syscall(_CREATE_RULESET, attributes, ctypes.c_size_t(len(attributes)), ctypes.c_uint32(0)))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    try:
        for path, rights in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except FileNotFoundError:
                continue
            try:
                allowed = (rights if os.path.isdir(path) else rights & _FILE_RIGHTS) & handled
                # struct landlock_path_beneath_attr (packed): allowed_access, parent_fd
                rule = struct.pack("=Qi", allowed, fd)
                if _libc.syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, rule, ctypes.c_uint32(0)) < 0:
                    raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
            finally:
                os.close(fd)
        if _libc.syscall(_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)) < 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(ruleset)


# --- together --------------------------------------------------------------------------------------


def _prctl(option: int, *arguments: int) -> None:
    values = [ctypes.c_ulong(argument) for argument in arguments]
    values += [ctypes.c_ulong(0)] * (4 - len(values))
    if _libc.prctl(option, *values) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


def available() -> dict[str, bool]:
    """Which of the two sandboxes this kernel and machine offer."""
    seccomp = platform.machine() in _ARCHITECTURES and _libc.prctl(_PR_GET_SECCOMP, 0, 0, 0, 0) >= 0
    return {"seccomp": seccomp, "landlock": _landlock_abi() > 0}


def code_folders() -> list[str]:
    """Where Python may import from: the interpreter's and the virtualenv's folders (not the project's
    root, which in development holds the stored files; the job's own modules are imported before)."""
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    return sorted({os.path.realpath(prefix) for prefix in prefixes} | {*prefixes})


def confine(*, read: Iterable[str] = (), write: Iterable[str] = ()) -> None:
    """Confine this process for good (no call undoes it, and its children inherit it): refuse sockets and
    the other calls above; the filesystem: read only Python's folders, the system's libraries and fonts
    and ``read``, write only in ``write`` (files or folders), execute nothing. Whatever the kernel does
    not offer is skipped (see ``available``); an error applying what it offers raises ``OSError``."""
    _prctl(_PR_SET_NO_NEW_PRIVS, 1)  # required to install either, unprivileged
    offered = available()
    if offered["landlock"]:
        rules = [(folder, READ) for folder in (*code_folders(), *_SYSTEM_FOLDERS)]
        rules += [(os.devnull, READ | _WRITE_FILE)]
        rules += [(path, READ) for path in read] + [(path, WRITE) for path in write]
        _limit_files(rules, _landlock_abi())
    if offered["seccomp"]:
        _deny_calls()

"""Which pinned uv wheel a runner fetches: the one built for its OS, libc and CPU, else none (pip then)."""

from __future__ import annotations

from inferencekey_ensure.action_env.locks import UvWheel, uv_wheel_for

NAMES = [
    "uv-1.0.0-py3-none-macosx_10_12_x86_64.whl",
    "uv-1.0.0-py3-none-macosx_11_0_arm64.whl",
    "uv-1.0.0-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64.whl",
    "uv-1.0.0-py3-none-manylinux_2_28_aarch64.whl",
    "uv-1.0.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "uv-1.0.0-py3-none-musllinux_1_1_x86_64.whl",
    "uv-1.0.0-py3-none-win_amd64.whl",
    "uv-1.0.0-py3-none-win_arm64.whl",
    "uv-1.0.0-py3-none-win32.whl",
]
WHEELS = [UvWheel("0" * 64, name, "https://files.example/" + name) for name in NAMES]


def chosen(system: str, machine: str, libc: str) -> str:
    wheel = uv_wheel_for(WHEELS, system, machine, libc)
    return wheel.filename if wheel else ""


def test_glibc_linux_takes_the_manylinux_wheel_with_the_oldest_baseline() -> None:
    assert chosen("linux", "x86_64", "glibc") == NAMES[4]
    assert chosen("linux", "aarch64", "glibc") == NAMES[2]


def test_musl_linux_takes_the_musllinux_wheel() -> None:
    assert chosen("linux", "x86_64", "") == NAMES[5]
    assert chosen("linux", "aarch64", "") == NAMES[2]


def test_macos_tells_apple_silicon_from_intel() -> None:
    assert chosen("darwin", "arm64", "") == NAMES[1]
    assert chosen("darwin", "x86_64", "") == NAMES[0]


def test_windows_takes_the_wheel_of_its_cpu() -> None:
    assert chosen("win32", "AMD64", "") == NAMES[6]
    assert chosen("win32", "ARM64", "") == NAMES[7]
    assert chosen("win32", "x86", "") == NAMES[8]


def test_no_wheel_for_an_unknown_cpu_means_pip() -> None:
    assert chosen("linux", "riscv64", "glibc") == ""
    assert chosen("win32", "IA64", "") == ""

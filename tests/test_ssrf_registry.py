"""The SSRF guard's address classes, table-driven over the IANA IPv4 and IPv6 special-purpose registries.

No network: `is_public_address` is pure. Each registry block is probed at its first, middle and last
address; IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4) are probed with every IPv4 block.
"""
from __future__ import annotations

import ipaddress
import random

import pytest

from ingest.ssrf import SPECIAL_IPV4, SPECIAL_IPV6, is_public_address

# (block, what it is) as the IANA registries list them, plus multicast and the deprecated blocks.
IPV4_REGISTRY = [
    ("0.0.0.0/8", "this network"), ("10.0.0.0/8", "private"), ("100.64.0.0/10", "shared address space"),
    ("127.0.0.0/8", "loopback"), ("169.254.0.0/16", "link-local"), ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "IETF protocol assignments"), ("192.0.0.0/29", "DS-Lite"),
    ("192.0.0.170/31", "NAT64/DNS64 discovery"), ("192.0.2.0/24", "TEST-NET-1"),
    ("192.31.196.0/24", "AS112-v4"), ("192.52.193.0/24", "AMT"), ("192.88.99.0/24", "6to4 relay anycast"),
    ("192.168.0.0/16", "private"), ("192.175.48.0/24", "AS112 direct delegation"),
    ("198.18.0.0/15", "benchmarking"), ("198.51.100.0/24", "TEST-NET-2"), ("203.0.113.0/24", "TEST-NET-3"),
    ("224.0.0.0/4", "multicast"), ("240.0.0.0/4", "reserved"), ("255.255.255.255/32", "limited broadcast"),
]
IPV6_REGISTRY = [
    ("::1/128", "loopback"), ("::/128", "unspecified"), ("::/96", "IPv4-compatible (deprecated)"),
    ("::ffff:0:0:0/96", "IPv4-translated"), ("64:ff9b:1::/48", "local-use translation"),
    ("100::/64", "discard-only"), ("100:0:0:1::/64", "dummy prefix"),
    ("2001::/23", "IETF protocol assignments"), ("2001::/32", "Teredo"), ("2001:1::1/128", "PCP anycast"),
    ("2001:1::2/128", "TURN anycast"), ("2001:2::/48", "benchmarking"), ("2001:3::/32", "AMT"),
    ("2001:4:112::/48", "AS112-v6"), ("2001:10::/28", "ORCHID"), ("2001:20::/28", "ORCHIDv2"),
    ("2001:30::/28", "drone remote ID"), ("2001:db8::/32", "documentation"),
    ("2620:4f:8000::/48", "AS112 direct delegation"), ("3fff::/20", "documentation"),
    ("5f00::/16", "SRv6 SIDs"), ("fc00::/7", "unique local"), ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local (deprecated)"), ("ff00::/8", "multicast"), ("4000::/3", "unassigned"),
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.215.14", "100.63.255.255", "100.128.0.0", "198.17.255.255",
          "198.20.0.0", "192.0.1.0", "223.255.255.255", "2606:4700:4700::1111", "2a00:1450:4001:82b::200e",
          "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1", "2001:200::1", "3fff:1000::1"]


def _probes(network):
    net = ipaddress.ip_network(network)
    return {net.network_address, net.broadcast_address, net.network_address + net.num_addresses // 2}


@pytest.mark.parametrize("block,what", IPV4_REGISTRY + IPV6_REGISTRY, ids=lambda v: str(v))
def test_every_special_purpose_block_is_refused(block, what):
    for address in _probes(block):
        assert not is_public_address(str(address)), (block, what, str(address))


@pytest.mark.parametrize("block,what", IPV4_REGISTRY, ids=lambda v: str(v))
def test_ipv6_forms_wrapping_a_special_ipv4_address_are_refused(block, what):
    for v4 in _probes(block):
        packed = int(v4)
        wrapped = {
            "mapped": ipaddress.IPv6Address((0xFFFF << 32) | packed),
            "NAT64": ipaddress.IPv6Address((0x64FF9B << 96) | packed),
            "6to4": ipaddress.IPv6Address((0x2002 << 112) | (packed << 80) | 1),
            "6to4 subnet": ipaddress.IPv6Address((0x2002 << 112) | (packed << 80) | (0xBEEF << 64) | 0x10),
        }
        for form, address in wrapped.items():
            assert not is_public_address(str(address)), (block, form, str(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address):
    assert is_public_address(address)


@pytest.mark.parametrize("address", [
    "fec0::1", "2002:7f00:1::1", "2002:a00:1::1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "::ffff:127.0.0.1", "::127.0.0.1", "fe80::1%eth0", "fe80::1%25eth0", "0.0.0.0", "::",
    "not an address", "", "127.1", "0x7f000001", "2130706433",
])
def test_the_reported_cases_and_odd_spellings_are_refused(address):
    assert not is_public_address(address)


def test_whatever_python_calls_non_global_is_refused_too():
    """A cross-check with the standard library's own registry copy over random addresses: our table
    may refuse more (deprecated and anycast blocks), never less."""
    rng = random.Random(17)
    samples = [ipaddress.IPv4Address(rng.getrandbits(32)) for _ in range(20_000)]
    samples += [ipaddress.IPv6Address(rng.getrandbits(128)) for _ in range(5_000)]
    # IPv6 random addresses almost never land in a small block: aim at each one too
    for net in SPECIAL_IPV6:
        samples += [net.network_address + rng.randrange(net.num_addresses) for _ in range(20)]
    for net in SPECIAL_IPV4:
        samples += [net.network_address + rng.randrange(net.num_addresses) for _ in range(20)]
    leaks = [str(ip) for ip in samples if not ip.is_global and is_public_address(str(ip))]
    assert leaks == []

"""Data minimisation: what the site keeps of a visitor is the least that does the job."""

import ipaddress


def truncated_ip(address: str) -> str:
    """The network, not the host: IPv4 to /24, IPv6 to /48."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)

//! Socket addresses as strace's `print_sockaddr` prints them: the family, then its
//! fields when the address is long enough for them (`sa_data` as a string when not, or
//! for families without a decoder), each field in the `-X` style.

use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::DecodeOptions;
use super::XlatStyle;
use super::cmsg::write_ifindex;
use super::flags::{self, Xlat, styled, write_enum};
use super::strings::quote;
use super::structs::Bytes;

const AF_UNIX: u16 = 1;
const AF_INET: u16 = 2;
const AF_INET6: u16 = 10;
const AF_NETLINK: u16 = 16;
const AF_PACKET: u16 = 17;
/// `sizeof(struct sockaddr_un)`.
const SOCKADDR_UN: usize = 110;

/// `data`: the address, as long as its length says (at most a `sockaddr_storage`).
pub fn write(out: &mut String, data: &[u8], opts: &DecodeOptions) -> Option<()> {
    let b = Bytes(data);
    let family = b.u16(0)?;
    out.push_str("{sa_family=");
    write_enum(out, family as u64, flags::ADDRESS_FAMILIES, "AF_???");
    let len = data.len();
    if len > 2 {
        out.push_str(", ");
        // The shortest address each decoder takes (strace's `sa_printers`).
        let decoded = match family {
            AF_UNIX => {
                write_unix(out, data, opts);
                Some(())
            }
            AF_INET if len >= 16 => write_inet(out, &b),
            AF_INET6 if len >= 24 => write_inet6(out, &b, len),
            AF_NETLINK if len >= 12 => write_netlink(out, &b),
            AF_PACKET if len >= 20 => write_packet(out, &b, len),
            _ => None,
        };
        if decoded.is_none() {
            out.push_str("sa_data=");
            quote(out, &data[2..], opts.hex, false);
        }
    }
    out.push('}');
    Some(())
}

/// A path up to its NUL (at most `sun_path`'s 108 bytes), or `@` and an abstract name
/// with all its bytes.
fn write_unix(out: &mut String, data: &[u8], opts: &DecodeOptions) {
    let path = &data[2..data.len().min(SOCKADDR_UN)];
    out.push_str("sun_path=");
    if path[0] != 0 {
        let end = path.iter().position(|&c| c == 0).unwrap_or(path.len());
        quote(out, &path[..end], opts.hex, false);
    } else {
        out.push('@');
        quote(out, &path[1..], opts.hex, false);
    }
}

/// `N` bytes at `off`.
fn arr<const N: usize>(b: &Bytes, off: usize) -> Option<[u8; N]> {
    b.0.get(off..off + N)?.try_into().ok()
}

/// `raw` forced to hex: how `-X raw` shows a field strace decodes in network order.
fn hex_bytes(raw: &[u8]) -> String {
    let mut s = String::new();
    quote(&mut s, raw, super::HexMode::None, true);
    s
}

fn write_port(out: &mut String, name: &str, raw: [u8; 2]) {
    let _ = write!(out, "{name}=");
    styled(out, &hex_bytes(&raw), |o| {
        let _ = write!(o, "htons({})", u16::from_be_bytes(raw));
    });
}

fn write_inet(out: &mut String, b: &Bytes) -> Option<()> {
    write_port(out, "sin_port", arr(b, 2)?);
    let addr: [u8; 4] = arr(b, 4)?;
    out.push_str(", sin_addr=");
    styled(out, &hex_bytes(&addr), |o| {
        let _ = write!(o, "inet_addr(\"{}\")", Ipv4Addr::from(addr));
    });
    Some(())
}

fn write_inet6(out: &mut String, b: &Bytes, len: usize) -> Option<()> {
    write_port(out, "sin6_port", arr(b, 2)?);
    let flow: [u8; 4] = arr(b, 4)?;
    out.push_str(", sin6_flowinfo=");
    styled(out, &hex_bytes(&flow), |o| {
        let _ = write!(o, "htonl({})", u32::from_be_bytes(flow));
    });
    let addr: [u8; 16] = arr(b, 8)?;
    let text = Ipv6Addr::from(addr);
    out.push_str(", ");
    // The abbreviated form names the field inside the call, the others before it.
    match flags::style() {
        XlatStyle::Abbrev => {
            let _ = write!(out, "inet_pton(AF_INET6, \"{text}\", &sin6_addr)");
        }
        XlatStyle::Raw => {
            let _ = write!(out, "sin6_addr={}", hex_bytes(&addr));
        }
        XlatStyle::Verbose => {
            let _ = write!(
                out,
                "sin6_addr={} /* inet_pton(AF_INET6, \"{text}\") */",
                hex_bytes(&addr)
            );
        }
    }
    if len > 24 {
        let scope = b.u32(24)?;
        out.push_str(", sin6_scope_id=");
        // Link-local unicast (fe80::/10) and multicast (ffx2::) scopes are interfaces.
        let link_local =
            (addr[0] == 0xfe && addr[1] & 0xc0 == 0x80) || (addr[0] == 0xff && addr[1] & 0xf == 2);
        if link_local {
            write_ifindex(out, scope);
        } else {
            let _ = write!(out, "{scope}");
        }
    }
    Some(())
}

fn write_netlink(out: &mut String, b: &Bytes) -> Option<()> {
    let pad = b.u16(2)?;
    if pad != 0 {
        let _ = write!(out, "nl_pad={pad:#x}, ");
    }
    let groups = b.u32(8)?;
    // C's `%#08x`: no prefix for zero.
    let groups = if groups == 0 {
        "00000000".to_owned()
    } else {
        format!("{groups:#08x}")
    };
    let _ = write!(out, "nl_pid={}, nl_groups={groups}", b.i32(4)?);
    Some(())
}

fn write_packet(out: &mut String, b: &Bytes, len: usize) -> Option<()> {
    let proto: [u8; 2] = arr(b, 2)?;
    out.push_str("sll_protocol=");
    styled(out, &hex_bytes(&proto), |o| {
        o.push_str("htons(");
        let _inner = flags::StyleScope::new(XlatStyle::Abbrev);
        let v = u16::from_be_bytes(proto) as u64;
        write_enum(o, v, ETHERNET_PROTOCOLS, "ETH_P_???");
        o.push(')');
    });
    out.push_str(", sll_ifindex=");
    write_ifindex(out, b.u32(4)?);
    out.push_str(", sll_hatype=");
    write_enum(out, b.u16(8)? as u64, ARP_HARDWARE_TYPES, "ARPHRD_???");
    out.push_str(", sll_pkttype=");
    write_enum(out, *b.0.get(10)? as u64, AF_PACKET_TYPES, "PACKET_???");
    let halen = *b.0.get(11)? as usize;
    let _ = write!(out, ", sll_halen={halen}");
    if halen > 0 {
        // What the address length leaves of `sll_addr` (8 bytes at 12).
        let room = len - 12;
        out.push_str(", sll_addr=[");
        for i in 0..halen {
            if i > 0 {
                out.push_str(", ");
            }
            if i >= room || i >= 8 {
                out.push_str("...");
                break;
            }
            let _ = write!(out, "{:#04x}", b.0[12 + i]);
        }
        out.push(']');
    }
    Some(())
}

pub const ETHERNET_PROTOCOLS: Xlat = &[
    (0x0001, "ETH_P_802_3"),
    (0x0002, "ETH_P_AX25"),
    (0x0003, "ETH_P_ALL"),
    (0x0004, "ETH_P_802_2"),
    (0x0005, "ETH_P_SNAP"),
    (0x0006, "ETH_P_DDCMP"),
    (0x0007, "ETH_P_WAN_PPP"),
    (0x0008, "ETH_P_PPP_MP"),
    (0x0009, "ETH_P_LOCALTALK"),
    (0x000C, "ETH_P_CAN"),
    (0x000D, "ETH_P_CANFD"),
    (0x000E, "ETH_P_CANXL"),
    (0x0010, "ETH_P_PPPTALK"),
    (0x0011, "ETH_P_TR_802_2"),
    (0x0015, "ETH_P_MOBITEX"),
    (0x0016, "ETH_P_CONTROL"),
    (0x0017, "ETH_P_IRDA"),
    (0x0018, "ETH_P_ECONET"),
    (0x0019, "ETH_P_HDLC"),
    (0x001A, "ETH_P_ARCNET"),
    (0x001B, "ETH_P_DSA"),
    (0x001C, "ETH_P_TRAILER"),
    (0x0060, "ETH_P_LOOP"),
    (0x00F5, "ETH_P_PHONET"),
    (0x00F6, "ETH_P_IEEE802154"),
    (0x00F7, "ETH_P_CAIF"),
    (0x00F8, "ETH_P_XDSA"),
    (0x00F9, "ETH_P_MAP"),
    (0x00FA, "ETH_P_MCTP"),
    (0x0200, "ETH_P_PUP"),
    (0x0201, "ETH_P_PUPAT"),
    (0x0600, "ETH_P_802_3_MIN"),
    (0x0800, "ETH_P_IP"),
    (0x0805, "ETH_P_X25"),
    (0x0806, "ETH_P_ARP"),
    (0x08FF, "ETH_P_BPQ"),
    (0x0a00, "ETH_P_IEEEPUP"),
    (0x0a01, "ETH_P_IEEEPUPAT"),
    (0x22EB, "ETH_P_ERSPAN2"),
    (0x22F0, "ETH_P_TSN"),
    (0x4305, "ETH_P_BATMAN"),
    (0x6000, "ETH_P_DEC"),
    (0x6001, "ETH_P_DNA_DL"),
    (0x6002, "ETH_P_DNA_RC"),
    (0x6003, "ETH_P_DNA_RT"),
    (0x6004, "ETH_P_LAT"),
    (0x6005, "ETH_P_DIAG"),
    (0x6006, "ETH_P_CUST"),
    (0x6007, "ETH_P_SCA"),
    (0x6558, "ETH_P_TEB"),
    (0x8035, "ETH_P_RARP"),
    (0x809B, "ETH_P_ATALK"),
    (0x80F3, "ETH_P_AARP"),
    (0x8100, "ETH_P_8021Q"),
    (0x8137, "ETH_P_IPX"),
    (0x86DD, "ETH_P_IPV6"),
    (0x8808, "ETH_P_PAUSE"),
    (0x8809, "ETH_P_SLOW"),
    (0x883E, "ETH_P_WCCP"),
    (0x8847, "ETH_P_MPLS_UC"),
    (0x8848, "ETH_P_MPLS_MC"),
    (0x884c, "ETH_P_ATMMPOA"),
    (0x8863, "ETH_P_PPP_DISC"),
    (0x8864, "ETH_P_PPP_SES"),
    (0x886c, "ETH_P_LINK_CTL"),
    (0x8884, "ETH_P_ATMFATE"),
    (0x888E, "ETH_P_PAE"),
    (0x8899, "ETH_P_REALTEK"),
    (0x88A2, "ETH_P_AOE"),
    (0x88A8, "ETH_P_8021AD"),
    (0x88B5, "ETH_P_802_EX1"),
    (0x88BE, "ETH_P_ERSPAN"),
    (0x88C7, "ETH_P_PREAUTH"),
    (0x88CA, "ETH_P_TIPC"),
    (0x88CC, "ETH_P_LLDP"),
    (0x88E3, "ETH_P_MRP"),
    (0x88E5, "ETH_P_MACSEC"),
    (0x88E7, "ETH_P_8021AH"),
    (0x88F5, "ETH_P_MVRP"),
    (0x88F7, "ETH_P_1588"),
    (0x88F8, "ETH_P_NCSI"),
    (0x88FB, "ETH_P_PRP"),
    (0x8902, "ETH_P_CFM"),
    (0x8906, "ETH_P_FCOE"),
    (0x890D, "ETH_P_TDLS"),
    (0x8914, "ETH_P_FIP"),
    (0x8915, "ETH_P_IBOE"),
    (0x8917, "ETH_P_80221"),
    (0x892F, "ETH_P_HSR"),
    (0x894F, "ETH_P_NSH"),
    (0x9000, "ETH_P_LOOPBACK"),
    (0x9100, "ETH_P_QINQ1"),
    (0x9200, "ETH_P_QINQ2"),
    (0x9300, "ETH_P_QINQ3"),
    (0xDADA, "ETH_P_EDSA"),
    (0xDADB, "ETH_P_DSA_8021Q"),
    (0xE001, "ETH_P_DSA_A5PSW"),
    (0xED3E, "ETH_P_IFE"),
    (0xFBFB, "ETH_P_AF_IUCV"),
];

pub const ARP_HARDWARE_TYPES: Xlat = &[
    (0, "ARPHRD_NETROM"),
    (1, "ARPHRD_ETHER"),
    (2, "ARPHRD_EETHER"),
    (3, "ARPHRD_AX25"),
    (4, "ARPHRD_PRONET"),
    (5, "ARPHRD_CHAOS"),
    (6, "ARPHRD_IEEE802"),
    (7, "ARPHRD_ARCNET"),
    (8, "ARPHRD_APPLETLK"),
    (15, "ARPHRD_DLCI"),
    (19, "ARPHRD_ATM"),
    (23, "ARPHRD_METRICOM"),
    (24, "ARPHRD_IEEE1394"),
    (27, "ARPHRD_EUI64"),
    (32, "ARPHRD_INFINIBAND"),
    (256, "ARPHRD_SLIP"),
    (257, "ARPHRD_CSLIP"),
    (258, "ARPHRD_SLIP6"),
    (259, "ARPHRD_CSLIP6"),
    (260, "ARPHRD_RSRVD"),
    (264, "ARPHRD_ADAPT"),
    (270, "ARPHRD_ROSE"),
    (271, "ARPHRD_X25"),
    (272, "ARPHRD_HWX25"),
    (280, "ARPHRD_CAN"),
    (290, "ARPHRD_MCTP"),
    (512, "ARPHRD_PPP"),
    (513, "ARPHRD_CISCO"),
    (516, "ARPHRD_LAPB"),
    (517, "ARPHRD_DDCMP"),
    (518, "ARPHRD_RAWHDLC"),
    (519, "ARPHRD_RAWIP"),
    (768, "ARPHRD_TUNNEL"),
    (769, "ARPHRD_TUNNEL6"),
    (770, "ARPHRD_FRAD"),
    (771, "ARPHRD_SKIP"),
    (772, "ARPHRD_LOOPBACK"),
    (773, "ARPHRD_LOCALTLK"),
    (774, "ARPHRD_FDDI"),
    (775, "ARPHRD_BIF"),
    (776, "ARPHRD_SIT"),
    (777, "ARPHRD_IPDDP"),
    (778, "ARPHRD_IPGRE"),
    (779, "ARPHRD_PIMREG"),
    (780, "ARPHRD_HIPPI"),
    (781, "ARPHRD_ASH"),
    (782, "ARPHRD_ECONET"),
    (783, "ARPHRD_IRDA"),
    (784, "ARPHRD_FCPP"),
    (785, "ARPHRD_FCAL"),
    (786, "ARPHRD_FCPL"),
    (787, "ARPHRD_FCFABRIC"),
    (800, "ARPHRD_IEEE802_TR"),
    (801, "ARPHRD_IEEE80211"),
    (802, "ARPHRD_IEEE80211_PRISM"),
    (803, "ARPHRD_IEEE80211_RADIOTAP"),
    (804, "ARPHRD_IEEE802154"),
    (805, "ARPHRD_IEEE802154_MONITOR"),
    (820, "ARPHRD_PHONET"),
    (821, "ARPHRD_PHONET_PIPE"),
    (822, "ARPHRD_CAIF"),
    (823, "ARPHRD_IP6GRE"),
    (824, "ARPHRD_NETLINK"),
    (825, "ARPHRD_6LOWPAN"),
    (826, "ARPHRD_VSOCKMON"),
    (0xFFFE, "ARPHRD_NONE"),
    (0xFFFF, "ARPHRD_VOID"),
];

pub const AF_PACKET_TYPES: Xlat = &[
    (0, "PACKET_HOST"),
    (1, "PACKET_BROADCAST"),
    (2, "PACKET_MULTICAST"),
    (3, "PACKET_OTHERHOST"),
    (4, "PACKET_OUTGOING"),
    (5, "PACKET_LOOPBACK"),
    (6, "PACKET_USER"),
    (7, "PACKET_KERNEL"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(data: &[u8]) -> String {
        let mut s = String::new();
        write(&mut s, data, &DecodeOptions::default()).unwrap();
        s
    }

    fn with_family(family: u16, rest: &[u8]) -> Vec<u8> {
        [&family.to_le_bytes()[..], rest].concat()
    }

    // net-sockaddr.c's addresses.
    #[test]
    fn unix_paths_stop_at_their_nul_or_sun_path_abstract_ones_do_not() {
        let mut path = vec![b'0'; 126];
        assert_eq!(
            decode(&with_family(1, &path)),
            format!("{{sa_family=AF_UNIX, sun_path=\"{}\"}}", "0".repeat(108))
        );
        path[0] = 0;
        path[1] = 0;
        path[2] = 1;
        assert_eq!(
            decode(&with_family(1, &path[..108])),
            format!(
                "{{sa_family=AF_UNIX, sun_path=@\"\\0\\001{}\"}}",
                "0".repeat(105)
            )
        );
    }

    #[test]
    fn short_addresses_show_their_bytes() {
        let short = [0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff];
        assert_eq!(
            decode(&with_family(2, &short)),
            "{sa_family=AF_INET, sa_data=\"\\0\\0\\0\\0\\0\\0\\377\\377\\377\\377\"}"
        );
        assert_eq!(
            decode(&with_family(0, b"0")),
            "{sa_family=AF_UNSPEC, sa_data=\"0\"}"
        );
    }

    #[test]
    fn inet6_netlink_and_packet() {
        let mut in6 = vec![0x30, 0x39, 0x49, 0x96, 0x02, 0xd2];
        in6.extend([0xff, 0x42].iter().chain(&[0; 14]));
        in6.extend(1u32.to_le_bytes());
        let mut lo = String::new();
        write_ifindex(&mut lo, 1);
        assert_eq!(
            decode(&with_family(10, &in6)),
            format!(
                "{{sa_family=AF_INET6, sin6_port=htons(12345), sin6_flowinfo=htonl(1234567890), \
                 inet_pton(AF_INET6, \"ff42::\", &sin6_addr), sin6_scope_id={lo}}}"
            )
        );
        let nl = [
            &0xffffu16.to_le_bytes()[..],
            &1234567890u32.to_le_bytes(),
            &0xfacefeedu32.to_le_bytes(),
        ]
        .concat();
        assert_eq!(
            decode(&with_family(16, &nl)),
            "{sa_family=AF_NETLINK, nl_pad=0xffff, nl_pid=1234567890, nl_groups=0xfacefeed}"
        );
        let mut ll = vec![0, 3];
        ll.extend(0xfacefeedu32.to_le_bytes());
        ll.extend([1, 0, 0, 9]);
        ll.extend(b"abcdefgh");
        assert_eq!(
            decode(&with_family(17, &ll)),
            "{sa_family=AF_PACKET, sll_protocol=htons(ETH_P_ALL), sll_ifindex=4207869677, \
             sll_hatype=ARPHRD_ETHER, sll_pkttype=PACKET_HOST, sll_halen=9, \
             sll_addr=[0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, ...]}"
        );
    }
}

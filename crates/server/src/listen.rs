//! Listening sockets: turning `bind` addresses and `port` into sockets, at start-up and
//! when `CONFIG SET port`/`bind` change them at run time.
//!
//! `bind` words follow Redis: `*` is every IPv4 address, `::*` every IPv6 address, and a
//! leading `-` marks an address that may be unavailable (its failure is ignored). A run
//! time change binds the new sockets while the command runs, so a failure is the
//! command's error and the old sockets stay; addresses already bound on the same port
//! are kept rather than bound twice. The event loop swaps the new set in afterwards.

use std::net::{SocketAddr, TcpListener};

/// The socket address of one `bind` word on `port`.
pub fn socket_addr(word: &str, port: u16) -> Option<SocketAddr> {
    let addr = word.trim_start_matches('-');
    let text = match addr {
        "*" => format!("0.0.0.0:{port}"),
        "::*" => format!("[::]:{port}"),
        a if a.contains(':') => format!("[{a}]:{port}"),
        a => format!("{a}:{port}"),
    };
    text.parse().ok()
}

/// A listening socket of a run-time rebind: a new socket, or `Keep` an existing one on
/// that address.
pub enum Planned {
    New(TcpListener),
    Keep(SocketAddr),
}

/// Binds every word of `bind` on `port`, except addresses in `current` (already bound).
/// Optional (`-`) addresses that fail are skipped; any other failure is an error.
pub fn plan(bind: &[String], port: u16, current: &[SocketAddr]) -> std::io::Result<Vec<Planned>> {
    let mut out = Vec::new();
    for word in bind {
        let optional = word.starts_with('-');
        let Some(sa) = socket_addr(word, port) else {
            if optional {
                continue;
            }
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("bad bind address {word}"),
            ));
        };
        if current.contains(&sa) {
            out.push(Planned::Keep(sa));
            continue;
        }
        match TcpListener::bind(sa) {
            Ok(l) => {
                l.set_nonblocking(true)?;
                out.push(Planned::New(l));
            }
            Err(_) if optional => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(socket_addr("*", 1).unwrap().to_string(), "0.0.0.0:1");
        assert_eq!(socket_addr("-::*", 2).unwrap().to_string(), "[::]:2");
        assert_eq!(
            socket_addr("127.0.0.1", 3).unwrap().to_string(),
            "127.0.0.1:3"
        );
        assert_eq!(socket_addr("::1", 4).unwrap().to_string(), "[::1]:4");
        assert!(socket_addr("999.999.999.999", 5).is_none());
    }
}

//! Where the bytes go: a file, a network printer (raw TCP, port 9100 as a
//! rule) or a device file (`/dev/usb/lp0`). Every way out has a time limit,
//! so a printer that is off, jammed or out of paper fails the print instead
//! of holding the caller.

use std::fmt;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A file, created or replaced.
    File(PathBuf),
    /// A network printer.
    Tcp { host: String, port: u16 },
    /// A printer's device file, which must exist.
    Device(PathBuf),
}

/// A destination that cannot be read, naming what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestinationError {
    #[error(
        "printer destination {given:?} has no kind: write file:PATH, tcp:HOST:PORT or device:PATH"
    )]
    NoKind { given: String },
    #[error("printer destination kind {kind:?} is unknown: use file:, tcp: or device:")]
    UnknownKind { kind: String },
    #[error("printer destination {kind}: has no path")]
    EmptyPath { kind: &'static str },
    #[error("printer destination tcp:{rest} has no port: write tcp:HOST:PORT, e.g. tcp:192.168.1.50:9100")]
    NoPort { rest: String },
    #[error("printer destination tcp:{rest} has no host")]
    EmptyHost { rest: String },
    #[error("printer port {port:?} is not a number from 1 to 65535")]
    BadPort { port: String },
}

/// A print that did not reach its destination.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("cannot open {path}: {source}")]
    Open { path: PathBuf, source: io::Error },
    #[error("cannot write to {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot find the printer {host}:{port}: {reason}")]
    Resolve {
        host: String,
        port: u16,
        reason: String,
    },
    #[error("cannot connect to the printer at {addr}: {source}")]
    Connect { addr: String, source: io::Error },
    #[error("the printer at {addr} stopped taking data: {source}")]
    Network { addr: String, source: io::Error },
    /// The printer did not connect or take the data within the time allowed.
    #[error("the printer at {destination} did not answer within {timeout:?}")]
    TimedOut {
        destination: String,
        timeout: Duration,
    },
}

impl Destination {
    pub fn parse(text: &str) -> Result<Destination, DestinationError> {
        let Some((kind, rest)) = text.split_once(':') else {
            return Err(DestinationError::NoKind {
                given: text.to_string(),
            });
        };
        match kind {
            "file" | "device" => {
                if rest.is_empty() {
                    return Err(DestinationError::EmptyPath {
                        kind: if kind == "file" { "file" } else { "device" },
                    });
                }
                let path = PathBuf::from(rest);
                Ok(if kind == "file" {
                    Destination::File(path)
                } else {
                    Destination::Device(path)
                })
            }
            "tcp" => {
                let Some((host, port)) = rest.rsplit_once(':') else {
                    return Err(DestinationError::NoPort {
                        rest: rest.to_string(),
                    });
                };
                // An IPv6 address is written in brackets, tcp:[::1]:9100.
                let host = host
                    .strip_prefix('[')
                    .and_then(|h| h.strip_suffix(']'))
                    .unwrap_or(host);
                if host.is_empty() {
                    return Err(DestinationError::EmptyHost {
                        rest: rest.to_string(),
                    });
                }
                let port = match port.parse::<u16>() {
                    Ok(p) if p > 0 => p,
                    _ => {
                        return Err(DestinationError::BadPort {
                            port: port.to_string(),
                        })
                    }
                };
                Ok(Destination::Tcp {
                    host: host.to_string(),
                    port,
                })
            }
            _ => Err(DestinationError::UnknownKind {
                kind: kind.to_string(),
            }),
        }
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Destination::File(p) => write!(f, "file:{}", p.display()),
            Destination::Device(p) => write!(f, "device:{}", p.display()),
            Destination::Tcp { host, port } if host.contains(':') => {
                write!(f, "tcp:[{host}]:{port}")
            }
            Destination::Tcp { host, port } => write!(f, "tcp:{host}:{port}"),
        }
    }
}

impl std::str::FromStr for Destination {
    type Err = DestinationError;
    fn from_str(s: &str) -> Result<Destination, DestinationError> {
        Destination::parse(s)
    }
}

/// Sends `bytes` to `dest`, giving up after `timeout`.
pub fn send(dest: &Destination, bytes: &[u8], timeout: Duration) -> Result<(), SendError> {
    match dest {
        Destination::File(path) => send_file(path, bytes),
        Destination::Tcp { host, port } => send_tcp(host, *port, bytes, timeout),
        Destination::Device(path) => send_device(path, bytes, timeout),
    }
}

/// Written and flushed to disk before it counts as printed.
fn send_file(path: &Path, bytes: &[u8]) -> Result<(), SendError> {
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .map_err(|source| SendError::Open {
            path: path.to_path_buf(),
            source,
        })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|source| SendError::Write {
            path: path.to_path_buf(),
            source,
        })
}

fn send_tcp(host: &str, port: u16, bytes: &[u8], timeout: Duration) -> Result<(), SendError> {
    let deadline = Instant::now() + timeout;
    let timed_out = || SendError::TimedOut {
        destination: Destination::Tcp {
            host: host.to_string(),
            port,
        }
        .to_string(),
        timeout,
    };
    // Name resolution has no timeout in std, and a name server that does not
    // answer holds the lookup for long: it runs on a thread of its own and
    // counts against the same deadline.
    let addrs = resolve(host, port, timeout).ok_or_else(timed_out)??;
    let mut last = None;
    let mut stream = None;
    for addr in &addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(timed_out());
        }
        match TcpStream::connect_timeout(addr, left) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some((addr, e)),
        }
    }
    let Some(mut stream) = stream else {
        return Err(match last {
            Some((_, e)) if is_timeout(&e) => timed_out(),
            Some((addr, source)) => SendError::Connect {
                addr: addr.to_string(),
                source,
            },
            None => SendError::Resolve {
                host: host.to_string(),
                port,
                reason: "no address".to_string(),
            },
        });
    };
    let addr = format!("{host}:{port}");
    let net = |source: io::Error| SendError::Network {
        addr: addr.clone(),
        source,
    };
    // A printer that accepts and never reads fills the socket buffers, and a
    // plain write then blocks forever. Each write waits at most for what is
    // left of the timeout, so the whole send ends by the deadline.
    let mut rest = bytes;
    while !rest.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(timed_out());
        }
        stream.set_write_timeout(Some(left)).map_err(net)?;
        match stream.write(rest) {
            Ok(0) => return Err(net(io::ErrorKind::WriteZero.into())),
            Ok(n) => rest = &rest[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if is_timeout(&e) => return Err(timed_out()),
            Err(e) => return Err(net(e)),
        }
    }
    stream.flush().map_err(net)
}

/// The addresses of `host`, or None when the lookup outlasts `timeout`.
fn resolve(host: &str, port: u16, timeout: Duration) -> Option<Result<Vec<SocketAddr>, SendError>> {
    let (tx, rx) = mpsc::channel();
    let owned = host.to_string();
    let spawned = std::thread::Builder::new()
        .name("till-print-resolve".to_string())
        .spawn(move || {
            let result = (owned.as_str(), port)
                .to_socket_addrs()
                .map(|a| a.collect::<Vec<_>>())
                .map_err(|e| SendError::Resolve {
                    host: owned.clone(),
                    port,
                    reason: e.to_string(),
                });
            let _ = tx.send(result);
        });
    if let Err(e) = spawned {
        return Some(Err(SendError::Resolve {
            host: host.to_string(),
            port,
            reason: e.to_string(),
        }));
    }
    rx.recv_timeout(timeout).ok()
}

/// A write timeout shows as `WouldBlock` or `TimedOut` depending on the platform.
fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// A device file offers no write timeout (a USB printer out of paper blocks
/// the write in the kernel), so the write runs on a thread of its own and the
/// caller stops waiting at the timeout. The thread ends when the kernel gives
/// the write up; it holds only its copy of the bytes.
fn send_device(path: &Path, bytes: &[u8], timeout: Duration) -> Result<(), SendError> {
    let (tx, rx) = mpsc::channel();
    let owned_path = path.to_path_buf();
    let owned = bytes.to_vec();
    std::thread::Builder::new()
        .name("till-print-device".to_string())
        .spawn(move || {
            let result = OpenOptions::new()
                .write(true)
                .open(&owned_path)
                .map_err(|source| SendError::Open {
                    path: owned_path.clone(),
                    source,
                })
                .and_then(|mut f| {
                    f.write_all(&owned)
                        .and_then(|()| f.flush())
                        .map_err(|source| SendError::Write {
                            path: owned_path.clone(),
                            source,
                        })
                });
            // The receiver may have stopped waiting; then nobody needs the result.
            let _ = tx.send(result);
        })
        .map_err(|source| SendError::Open {
            path: path.to_path_buf(),
            source,
        })?;
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(_) => Err(SendError::TimedOut {
            destination: Destination::Device(path.to_path_buf()).to_string(),
            timeout,
        }),
    }
}

//! A fault-injecting HTTP proxy for sync tests, on loopback. Each request
//! gets the fault the schedule names for its index: pass it on, drop the
//! connection before forwarding, answer 500 or 429, hold it past the
//! client's timeout (then forward, so the upstream commits), or forward and
//! drop the connection after the upstream committed.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    Pass,
    DropBefore,
    Status500,
    TooMany,
    Delay(Duration),
    DropAfterCommit,
}

pub struct FaultProxy {
    pub addr: SocketAddr,
    seen: Arc<Mutex<HashMap<&'static str, usize>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many requests got each kind of fault.
    pub fn seen(&self) -> HashMap<&'static str, usize> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn name(f: Fault) -> &'static str {
    match f {
        Fault::Pass => "pass",
        Fault::DropBefore => "drop_before",
        Fault::Status500 => "500",
        Fault::TooMany => "429",
        Fault::Delay(_) => "delay",
        Fault::DropAfterCommit => "drop_after_commit",
    }
}

/// Reads one HTTP/1.1 request: head and Content-Length body.
async fn read_request(s: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16384];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((head, body))
}

/// Sends the request upstream with `Connection: close` and returns the whole response.
async fn forward(upstream: SocketAddr, head: &str, body: &[u8]) -> Option<Vec<u8>> {
    let mut up = TcpStream::connect(upstream).await.ok()?;
    let mut lines: Vec<&str> = head
        .trim_end()
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    lines.push("Connection: close");
    let new_head = format!("{}\r\n\r\n", lines.join("\r\n"));
    up.write_all(new_head.as_bytes()).await.ok()?;
    up.write_all(body).await.ok()?;
    let mut resp = Vec::new();
    up.read_to_end(&mut resp).await.ok()?;
    Some(resp)
}

pub async fn start(
    upstream: SocketAddr,
    schedule: impl Fn(usize) -> Fault + Send + Sync + 'static,
) -> FaultProxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Arc<Mutex<HashMap<&'static str, usize>>> = Arc::default();
    let counter = Arc::new(AtomicUsize::new(0));
    let schedule = Arc::new(schedule);
    let seen2 = seen.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else {
                return;
            };
            let (seen, counter, schedule) = (seen2.clone(), counter.clone(), schedule.clone());
            tokio::spawn(async move {
                let Some((head, body)) = read_request(&mut client).await else {
                    return;
                };
                // Health checks and other GETs always pass.
                let fault = if head.starts_with("POST") {
                    schedule(counter.fetch_add(1, Ordering::SeqCst))
                } else {
                    Fault::Pass
                };
                *seen.lock().unwrap().entry(name(fault)).or_default() += 1;
                match fault {
                    Fault::DropBefore => drop(client),
                    Fault::Status500 => {
                        let _ = client
                            .write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                            .await;
                    }
                    Fault::TooMany => {
                        let _ = client
                            .write_all(b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                            .await;
                    }
                    Fault::Delay(d) => {
                        tokio::time::sleep(d).await;
                        if let Some(resp) = forward(upstream, &head, &body).await {
                            let _ = client.write_all(&resp).await;
                        }
                    }
                    Fault::DropAfterCommit => {
                        let _ = forward(upstream, &head, &body).await;
                        drop(client);
                    }
                    Fault::Pass => {
                        if let Some(resp) = forward(upstream, &head, &body).await {
                            let _ = client.write_all(&resp).await;
                        }
                    }
                }
            });
        }
    });
    FaultProxy { addr, seen, task }
}

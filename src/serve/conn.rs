//! Connections: accepted as long as the process can open them, at most
//! [`Limits::max_connections`] at once, each with a time for its request
//! heads and for the client to take its answers.
//!
//! When the process runs out of file descriptors (`accept` fails with
//! EMFILE or ENFILE) the loop waits a little, longer each time up to a
//! second, and tries again: the connection stays queued in the kernel, the
//! server stays up, and it answers again once connections have closed.
//! Beyond the cap a new connection is answered 503 at once and closed, so
//! that idle connections cannot make the others wait unseen; idle ones are
//! closed after [`Limits::header_timeout`].

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::{sleep, Instant, Sleep};
use tower::ServiceExt;

use super::{Limits, Log};

/// File descriptors kept free for everything else the server opens (the
/// archive's files and index, a font folder, threads' pipes).
const RESERVED_FILES: usize = 64;

/// The fewest connections the cap is lowered to.
const MIN_CONNECTIONS: usize = 8;

/// `limits` with the cap on connections lowered to what the process's limit
/// of open files leaves (unless it is to be kept as given).
pub fn fit_to_open_files(mut limits: Limits) -> Limits {
    if let Some(open_files) = open_files_limit() {
        let room = open_files
            .saturating_sub(RESERVED_FILES)
            .max(MIN_CONNECTIONS);
        if !limits.exact_connections {
            limits.max_connections = limits.max_connections.min(room);
        }
    }
    limits.max_connections = limits.max_connections.max(1);
    limits
}

/// The soft limit of open files of this process, when known.
#[cfg(unix)]
fn open_files_limit() -> Option<usize> {
    let l = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    l.current.map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

#[cfg(not(unix))]
fn open_files_limit() -> Option<usize> {
    None
}

/// Whether an `accept` error means the process (or system) is out of file
/// descriptors or memory for sockets: wait before trying again.
fn out_of_resources(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        use rustix::io::Errno;
        let raw = e.raw_os_error();
        [Errno::MFILE, Errno::NFILE, Errno::NOBUFS, Errno::NOMEM]
            .iter()
            .any(|n| Some(n.raw_os_error()) == raw)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        true
    }
}

/// Accept connections on `listener` and answer them with `router`, for ever.
pub async fn serve(listener: TcpListener, router: Router, limits: Limits, log: Option<Log>) {
    let say = |line: &str| {
        if let Some(log) = &log {
            log(line);
        }
    };
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let mut backoff = Duration::ZERO;
    let mut refused_full = 0u64;
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) if out_of_resources(&e) => {
                if backoff.is_zero() {
                    say(&format!(
                        "无法接受新的连接：打开的文件已达到系统允许的上限（{}）；等已有连接关闭后继续",
                        crate::error::io_reason(&e)
                    ));
                }
                backoff = (backoff * 2).clamp(Duration::from_millis(10), Duration::from_secs(1));
                sleep(backoff).await;
                continue;
            }
            // The client went away before it was accepted, and the like.
            Err(_) => continue,
        };
        if !backoff.is_zero() {
            say("又能接受新的连接了");
            backoff = Duration::ZERO;
        }
        let _ = stream.set_nodelay(true);
        let Ok(permit) = open.clone().try_acquire_owned() else {
            refused_full += 1;
            if refused_full.is_power_of_two() {
                say(&format!(
                    "连接太多：已有 {} 个连接，拒绝了 {peer} 等 {refused_full} 个新连接",
                    limits.max_connections
                ));
            }
            tokio::spawn(too_many(stream, limits.write_timeout));
            continue;
        };
        let router = router.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |mut req: hyper::Request<_>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                router.clone().oneshot(req)
            });
            let io = TokioIo::new(Timed::new(stream, limits.write_timeout));
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_buf_size(64 * 1024)
                .serve_connection(io, service);
            let _ = conn.await;
            drop(permit);
        });
    }
}

/// Answer a connection beyond the cap with 503 and close it.
async fn too_many(mut stream: TcpStream, write_timeout: Duration) {
    let body = "{\"ok\":false,\"message\":\"服务器的连接已满：请稍后再试\"}";
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\nretry-after: 5\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(write_timeout, async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        // Read what the client sends until it closes (a little while at
        // most): closing with its request unread would reset the
        // connection, and the client might never see the answer.
        let mut sink = [0u8; 4096];
        let mut read = 0usize;
        while read < 64 * 1024 {
            match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut sink)).await {
                Ok(Ok(n)) if n > 0 => read += n,
                _ => break,
            }
        }
        Ok::<_, io::Error>(())
    })
    .await;
}

/// A connection whose writes fail when the client takes nothing for
/// `timeout` (it neither reads its answer nor closes).
struct Timed {
    stream: TcpStream,
    timeout: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl Timed {
    fn new(stream: TcpStream, timeout: Duration) -> Timed {
        Timed {
            stream,
            timeout,
            stalled: None,
        }
    }

    /// `Pending` from a write: start (or check) the clock.
    fn check_stall(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let timeout = self.timeout;
        let clock = self.stalled.get_or_insert_with(|| Box::pin(sleep(timeout)));
        match clock.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client took nothing",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn progress(&mut self) {
        if let Some(clock) = &mut self.stalled {
            clock.as_mut().reset(Instant::now() + self.timeout);
        }
    }
}

impl AsyncRead for Timed {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Timed {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.stream).poll_write(cx, buf) {
            Poll::Pending => self.check_stall(cx),
            done => {
                self.progress();
                done
            }
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.stream).poll_write_vectored(cx, bufs) {
            Poll::Pending => self.check_stall(cx),
            done => {
                self.progress();
                done
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

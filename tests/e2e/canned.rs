//! A bare HTTP/1.1 server with canned answers, for what flags_server would
//! never do: gzip nobody asked for, a 5 MiB error page, a redirect to
//! `file:///`, a kept-alive connection closed under a request. It records
//! each request's head, so tests can see what the programs sent.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

/// A request as the server read it.
#[derive(Clone, Debug)]
pub struct Request {
    /// Its place on that connection: 1 for the first request.
    pub nth: usize,
    /// `/flags/br/br.gif`
    pub path: String,
    /// The header lines, lower case: `authorization: basic ...`.
    pub headers: Vec<String>,
}

/// What to do with a request.
pub enum Reply {
    /// Send these bytes (a whole HTTP answer) and keep the connection.
    Send(Vec<u8>),
    /// Close the connection without a word, as a server does with an idle
    /// kept-alive connection at the moment a request arrives.
    Close,
}

type Answer = dyn Fn(&Request) -> Reply + Send + Sync;

/// A running canned server; dropping it stops it.
pub struct Canned {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl Canned {
    /// Starts a server on 127.0.0.1 that answers each request with `answer`.
    pub fn start(answer: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Canned {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port on loopback");
        let addr = listener.local_addr().expect("its address");
        let (seen, stop) = (Arc::default(), Arc::new(AtomicBool::new(false)));
        let server = Server { seen: Arc::clone(&seen), answer: Arc::new(answer) };
        let stopped = Arc::clone(&stop);
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::Relaxed) {
                    break;
                }
                let server = server.clone();
                thread::spawn(move || stream.map(|stream| server.serve(stream)));
            }
        });
        Canned { addr, seen, stop }
    }

    /// `http://127.0.0.1:PORT/flags`
    pub fn base_url(&self) -> String {
        format!("http://{}/flags", self.addr)
    }

    /// The requests so far.
    pub fn seen(&self) -> Vec<Request> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// How many requests asked for `path`.
    pub fn count(&self, path: &str) -> usize {
        self.seen().iter().filter(|request| request.path == path).count()
    }
}

impl Drop for Canned {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(self.addr); // wakes the accept loop to see `stop`
    }
}

#[derive(Clone)]
struct Server {
    seen: Arc<Mutex<Vec<Request>>>,
    answer: Arc<Answer>,
}

impl Server {
    fn serve(&self, stream: TcpStream) {
        let mut reader = BufReader::new(&stream);
        for nth in 1.. {
            let Some((path, headers)) = read_head(&mut reader) else { return };
            let request = Request { nth, path, headers };
            self.seen.lock().unwrap_or_else(PoisonError::into_inner).push(request.clone());
            match (self.answer)(&request) {
                Reply::Send(bytes) => {
                    if (&stream).write_all(&bytes).is_err() {
                        return;
                    }
                }
                Reply::Close => return,
            }
        }
    }
}

/// Reads a request head: its path and header lines, or `None` at the end.
fn read_head(reader: &mut impl BufRead) -> Option<(String, Vec<String>)> {
    let mut line = String::new();
    reader.read_line(&mut line).ok().filter(|&n| n > 0)?;
    let path = line.split_whitespace().nth(1)?.to_string();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).ok().filter(|&n| n > 0)?;
        match line.trim_end() {
            "" => return Some((path, headers)),
            header => headers.push(header.to_ascii_lowercase()),
        }
    }
}

/// A whole answer: the status line, the headers, a Content-Length, the body.
pub fn answer(status: &str, headers: &[&str], body: &[u8]) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    headers.iter().for_each(|header| head += &format!("{header}\r\n"));
    [head.as_bytes(), b"\r\n", body].concat()
}

/// The real flag of `cc`, as the book's site serves it.
pub fn flag(cc: &str) -> Vec<u8> {
    answer("200 OK", &["Content-Type: image/gif"], gif(cc))
}

/// The bytes of `cc`'s flag.
pub fn gif(cc: &str) -> &'static [u8] {
    flags_server::flag_gif(cc).unwrap_or_else(|| panic!("a flag for {cc}"))
}

/// A 200 that says its body is `length` bytes long, and sends `body`: a
/// broken or lying server, or a proxy on the way.
pub fn claiming(length: usize, body: &[u8]) -> Vec<u8> {
    let head =
        format!("HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nContent-Length: {length}\r\n\r\n");
    [head.as_bytes(), body].concat()
}

/// The code in a flag's path: `br` for `/flags/br/br.gif`.
pub fn code(path: &str) -> &str {
    path.trim_start_matches("/flags/").split('/').next().unwrap_or_default()
}

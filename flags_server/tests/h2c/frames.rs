//! A bare HTTP/2 client that shows the frames as they arrive, for what a
//! client library keeps to itself: which stream ids a GOAWAY names, which
//! streams got which RST_STREAM.
//!
//! It speaks just enough HTTP/2 (RFC 9113) for GETs: the preface, empty
//! SETTINGS, HEADERS made of literal fields (RFC 7541 §6.2.2, no Huffman
//! coding, no dynamic table), and the acknowledgements the server waits for.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

pub const DATA: u8 = 0x0;
pub const HEADERS: u8 = 0x1;
pub const RST_STREAM: u8 = 0x3;
const SETTINGS: u8 = 0x4;
const PING: u8 = 0x6;
const GOAWAY: u8 = 0x7;

pub const END_STREAM: u8 = 0x1;
const END_HEADERS: u8 = 0x4;
const ACK: u8 = 0x1;

/// REFUSED_STREAM, as an error code on the wire.
pub const REFUSED_STREAM: u32 = 0x7;

/// One frame: its type, flags, stream and payload.
#[derive(Debug)]
pub struct Frame {
    pub kind: u8,
    pub flags: u8,
    pub stream: u32,
    pub payload: Vec<u8>,
}

impl Frame {
    /// The first 32-bit number of the payload: a GOAWAY's last stream id, a
    /// RST_STREAM's error code.
    pub fn word(&self) -> u32 {
        let bytes = self.payload.get(..4).and_then(|bytes| bytes.try_into().ok());
        u32::from_be_bytes(bytes.unwrap_or_default()) & 0x7fff_ffff
    }

    /// Whether it ends its stream's answer.
    pub fn ends_stream(&self) -> bool {
        matches!(self.kind, DATA | HEADERS) && self.flags & END_STREAM != 0
    }
}

/// An HTTP/2 connection, prior knowledge, frame by frame.
pub struct Raw {
    socket: TcpStream,
    authority: String,
}

impl Raw {
    pub fn connect(addr: SocketAddr) -> Raw {
        let socket = TcpStream::connect(addr).expect("connect");
        socket.set_read_timeout(Some(Duration::from_secs(5))).expect("a timeout");
        let mut raw = Raw { socket, authority: addr.to_string() };
        raw.socket.write_all(PREFACE).expect("the preface");
        raw.send(SETTINGS, 0, 0, &[]);
        raw
    }

    /// Open stream `stream` (odd, above the last one): GET `path`.
    pub fn get(&mut self, stream: u32, path: &str) {
        // :method GET and :scheme http are in the static table (2 and 6);
        // :path (4) and :authority (1) are literals with an indexed name.
        let mut block = vec![0x82, 0x86];
        for (name, value) in [(0x04, path), (0x01, self.authority.as_str())] {
            let length = u8::try_from(value.len()).ok().filter(|&length| length < 0x7f);
            block.extend([name, length.expect("a short value")]);
            block.extend(value.as_bytes());
        }
        self.send(HEADERS, END_STREAM | END_HEADERS, stream, &block);
    }

    /// The next frame, after answering it if the server waits for that;
    /// `None` once the server has closed the connection.
    pub fn next(&mut self) -> Option<Frame> {
        let mut head = [0; 9];
        self.socket.read_exact(&mut head).ok()?;
        let length = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
        let stream = u32::from_be_bytes([head[5], head[6], head[7], head[8]]) & 0x7fff_ffff;
        let mut payload = vec![0; length];
        self.socket.read_exact(&mut payload).ok()?;
        let frame = Frame { kind: head[3], flags: head[4], stream, payload };
        if matches!(frame.kind, SETTINGS | PING) && frame.flags & ACK == 0 {
            // A PING's answer carries its payload back; SETTINGS' is empty.
            let echo = if frame.kind == PING { frame.payload.as_slice() } else { &[] };
            self.send(frame.kind, ACK, 0, echo);
        }
        Some(frame)
    }

    /// Every frame until the stream `stream`'s answer ends (or the connection does).
    pub fn until_end_of(&mut self, stream: u32) -> Vec<Frame> {
        let mut frames = Vec::new();
        while let Some(frame) = self.next() {
            let done = frame.stream == stream && frame.ends_stream();
            frames.push(frame);
            if done {
                break;
            }
        }
        frames
    }

    /// Every frame until the server closes the connection.
    pub fn until_closed(&mut self) -> Vec<Frame> {
        std::iter::from_fn(|| self.next()).collect()
    }

    fn send(&mut self, kind: u8, flags: u8, stream: u32, payload: &[u8]) {
        let length = u32::try_from(payload.len()).expect("a short frame").to_be_bytes();
        let mut frame = vec![length[1], length[2], length[3], kind, flags];
        frame.extend(stream.to_be_bytes());
        frame.extend(payload);
        // The server may have closed already: what it sent is still readable.
        let _ = self.socket.write_all(&frame);
    }
}

/// The last stream ids the GOAWAYs among `frames` name, in order.
pub fn goaways(frames: &[Frame]) -> Vec<u32> {
    frames.iter().filter(|frame| frame.kind == GOAWAY).map(Frame::word).collect()
}

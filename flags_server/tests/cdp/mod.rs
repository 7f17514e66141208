//! Headless Chromium, driven over its DevTools protocol: just enough of it
//! to open a page, read what the browser built (`Runtime.evaluate`), click,
//! and take a screenshot.
//!
//! The protocol is JSON over a WebSocket: `{"id":1,"method":"Page.navigate",
//! "params":{...}}` out, `{"id":1,"result":{...}}` back, with events
//! (no `id`) in between, which we skip. Crates that wrap all of it
//! (chromiumoxide, headless_chrome) generate code for the whole protocol
//! and build for minutes; these few calls need a WebSocket and serde_json.
//!
//! Chromium starts with `--remote-debugging-port=0` (a free port) and
//! writes the port and the browser's WebSocket path into
//! `DevToolsActivePort` in its profile folder.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

/// How long a protocol call, or Chromium's start, may take.
const PATIENCE: Duration = Duration::from_secs(30);

/// The flags flags_server's browser.rs gives Chromium, for a quiet,
/// offline, root-friendly headless browser.
const FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-port=0",
];

/// A headless Chromium; dropping it ends the browser.
pub struct Browser {
    child: Child,
    port: u16,
    /// The browser's own socket: it makes and closes tabs.
    control: Socket,
    _profile: tempfile::TempDir,
}

/// One tab of it.
pub struct Tab {
    socket: Socket,
    /// The tab's id, to close it.
    id: String,
}

/// A DevTools WebSocket and its next call's number.
struct Socket {
    socket: WebSocket<TcpStream>,
    next_id: u64,
}

impl Browser {
    /// Start Chromium, or `None` where it is not installed (CI installs it).
    pub fn start() -> Option<Browser> {
        let profile = tempfile::tempdir().expect("a temporary profile");
        let mut child =
            ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
                Command::new(name)
                    .args(FLAGS)
                    .arg(format!("--user-data-dir={}", profile.path().display()))
                    .arg("about:blank")
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .ok()
            })?;
        let (port, path) = match active_port(profile.path()) {
            Ok(found) => found,
            Err(message) => {
                let _ = child.kill();
                panic!("{message}");
            }
        };
        let control = Socket::connect(port, &path);
        Some(Browser { child, port, control, _profile: profile })
    }

    /// A new tab, showing `url`.
    pub fn open(&mut self, url: &str) -> Tab {
        let target = self.control.call("Target.createTarget", json!({ "url": "about:blank" }));
        let id = target["targetId"].as_str().expect("a target id").to_owned();
        let mut tab =
            Tab { socket: Socket::connect(self.port, &format!("/devtools/page/{id}")), id };
        // Before the page's scripts run: an alert would only be recorded.
        let trap = "window.alert = (text) => { window.alerted = String(text); };";
        tab.call("Page.addScriptToEvaluateOnNewDocument", json!({ "source": trap }));
        tab.call("Page.navigate", json!({ "url": url }));
        // The blank page is complete too: wait for the new one.
        let loaded = "location.href !== 'about:blank' && document.readyState === 'complete'";
        tab.wait_for("the page to load", loaded);
        tab
    }

    /// Close a tab, as a user closing it would.
    pub fn close(&mut self, tab: Tab) {
        self.control.call("Target.closeTarget", json!({ "targetId": tab.id }));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port and path that Chromium writes into `DevToolsActivePort` once
/// it listens.
fn active_port(profile: &Path) -> Result<(u16, String), String> {
    let file = profile.join("DevToolsActivePort");
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let mut lines = text.lines();
        if let (Some(Ok(port)), Some(path)) = (lines.next().map(str::parse), lines.next()) {
            return Ok((port, path.to_owned()));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("Chromium wrote no {} within {PATIENCE:?}", file.display()))
}

impl Tab {
    /// Call a protocol method; its result.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.socket.call(method, params)
    }

    /// The value of a JavaScript expression in the page (awaited if a promise).
    pub fn eval(&mut self, expression: &str) -> Value {
        let params =
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true });
        let result = self.call("Runtime.evaluate", params);
        if let Some(error) = result.get("exceptionDetails") {
            panic!("{expression}: {error}");
        }
        result["result"]["value"].clone()
    }

    /// Evaluate `expression` until it is true; panics after [`PATIENCE`],
    /// saying what it waited for and what the page showed instead.
    pub fn wait_for(&mut self, what: &str, expression: &str) {
        let started = Instant::now();
        while self.eval(expression) != Value::Bool(true) {
            if started.elapsed() >= PATIENCE {
                let page = self.eval("document.body.innerText.slice(0, 2000)");
                let page = page.as_str().unwrap_or_default();
                panic!("waited {PATIENCE:?} for {what}: {expression}\nthe page showed:\n{page}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A PNG of the whole page at `width` CSS pixels, written to `path`.
    pub fn screenshot(&mut self, width: u32, path: &Path) {
        let height = self.eval("document.documentElement.scrollHeight").as_u64().unwrap_or(800);
        let metrics =
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false });
        self.call("Emulation.setDeviceMetricsOverride", metrics);
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let data = shot["data"].as_str().expect("a screenshot");
        let png = base64::engine::general_purpose::STANDARD.decode(data).expect("base64");
        std::fs::write(path, png).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    }
}

impl Socket {
    fn connect(port: u16, path: &str) -> Socket {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("Chromium's DevTools port");
        stream.set_read_timeout(Some(PATIENCE)).expect("a read timeout");
        let url = format!("ws://127.0.0.1:{port}{path}");
        let (socket, _) = tungstenite::client(url.as_str(), stream)
            .unwrap_or_else(|err| panic!("WebSocket {url}: {err}"));
        Socket { socket, next_id: 1 }
    }

    /// Send a call and read until its answer, skipping events.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let call = json!({ "id": id, "method": method, "params": params }).to_string();
        self.socket.send(Message::text(call)).unwrap_or_else(|err| panic!("{method}: {err}"));
        loop {
            let message = self.socket.read().unwrap_or_else(|err| panic!("{method}: {err}"));
            let Message::Text(text) = message else { continue };
            let answer: Value = serde_json::from_str(&text).expect("DevTools speaks JSON");
            if answer["id"] != id {
                continue; // an event, or an answer to an earlier call
            }
            if let Some(error) = answer.get("error") {
                panic!("{method}: {error}");
            }
            return answer["result"].clone();
        }
    }
}

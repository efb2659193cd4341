//! A pseudo-terminal for driving the real binary as a person at a terminal would: keys go
//! in, the screen's text comes out (escape sequences removed).

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Pty {
    writer: File,
    seen: Arc<Mutex<Vec<u8>>>,
    child: Child,
    /// Where the next `expect` starts looking, in characters of the screen.
    mark: usize,
}

/// The screen's text without ANSI escape sequences and carriage returns.
pub fn plain(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for d in chars.by_ref() {
                        if d.is_ascii_alphabetic() || d == '~' {
                            break;
                        }
                    }
                } else {
                    chars.next();
                }
            }
            '\r' | '\x07' => {}
            c => out.push(c),
        }
    }
    out
}

impl Pty {
    /// Starts `command` on a new terminal of 200 columns, as its controlling terminal.
    pub fn spawn(mut command: Command) -> Pty {
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: 50,
            ws_col: 200,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty writes two descriptors it opened; the null pointers ask for defaults.
        let made = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(made, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: both descriptors are ours alone from here on.
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let io = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup the terminal"));
        command
            .stdin(io(&slave))
            .stdout(io(&slave))
            .stderr(io(&slave))
            .env("TERM", "xterm");
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("start the binary on the terminal");
        drop(slave);
        let writer = File::from(master.try_clone().expect("dup the terminal"));
        let mut reader = File::from(master);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            // Ends with EIO once the child has closed the terminal.
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .expect("the screen")
                    .extend_from_slice(&buffer[..n]);
            }
        });
        Pty {
            writer,
            seen,
            child,
            mark: 0,
        }
    }

    pub fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .expect("type on the terminal");
        self.writer.flush().expect("flush the terminal");
    }

    /// Everything the terminal received, escape sequences included.
    pub fn raw(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().expect("the screen")).into_owned()
    }

    pub fn screen(&self) -> String {
        plain(&self.seen.lock().expect("the screen"))
    }

    /// Waits until `text` appears after what earlier `expect`s matched; panics with the
    /// screen after a minute.
    #[track_caller]
    pub fn expect(&mut self, text: &str) {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            let rest: String = screen.chars().skip(self.mark).collect();
            if let Some(at) = rest.find(text) {
                self.mark += rest[..at].chars().count() + text.chars().count();
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the terminal never showed {text:?}; it shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the process to end and returns its exit code; kills it and panics with the
    /// screen after a minute.
    #[track_caller]
    pub fn wait(mut self) -> Option<i32> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the binary") {
                return status.code();
            }
            if started.elapsed() > Duration::from_secs(60) {
                let _ = self.child.kill();
                panic!(
                    "the binary never ended; the terminal shows:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

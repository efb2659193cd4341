//! Questions on the terminal: the hidden prompt for a secret, and a yes-or-no. For a secret,
//! echo is turned off before the prompt is shown, not after: text typed or pasted as soon as
//! the prompt appears must not be echoed (a prompt-then-hide order leaves a window in which
//! the terminal shows the secret).

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::os::fd::AsRawFd;

/// Restores the terminal's settings when dropped, however the read ends.
struct Hidden<'a> {
    tty: &'a File,
    saved: libc::termios,
}

impl Drop for Hidden<'_> {
    fn drop(&mut self) {
        // SAFETY: `saved` came from tcgetattr on this same open descriptor.
        unsafe { libc::tcsetattr(self.tty.as_raw_fd(), libc::TCSANOW, &self.saved) };
    }
}

fn hide(tty: &File) -> io::Result<Hidden<'_>> {
    let fd = tty.as_raw_fd();
    // SAFETY: termios is plain data; tcgetattr fills it or fails, and is checked.
    let mut settings: libc::termios = unsafe { std::mem::zeroed() };
    if unsafe { libc::tcgetattr(fd, &mut settings) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let saved = settings;
    // Lines stay lines (ICANON): only what is typed is not shown.
    settings.c_lflag &= !libc::ECHO;
    settings.c_lflag |= libc::ECHONL;
    // SAFETY: a valid descriptor and settings derived from its own.
    if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &settings) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(Hidden { tty, saved })
}

/// Shows `prompt` on the controlling terminal and reads one line without echo.
pub fn read_hidden(prompt: &str) -> io::Result<String> {
    let tty = OpenOptions::new().read(true).write(true).open("/dev/tty")?;
    let hidden = hide(&tty)?;
    (&tty).write_all(prompt.as_bytes())?;
    (&tty).flush()?;
    let mut line = String::new();
    BufReader::new(&tty).read_line(&mut line)?;
    drop(hidden);
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// Shows `text` and `question` on the controlling terminal and reads the answer: only `y` or
/// `yes` (any case) is a yes; an empty line or the end of input is a no.
pub fn confirm(text: &str, question: &str) -> io::Result<bool> {
    let tty = OpenOptions::new().read(true).write(true).open("/dev/tty")?;
    (&tty).write_all(text.as_bytes())?;
    (&tty).write_all(question.as_bytes())?;
    (&tty).flush()?;
    let mut line = String::new();
    BufReader::new(&tty).read_line(&mut line)?;
    let answer = line.trim().to_ascii_lowercase();
    Ok(answer == "y" || answer == "yes")
}

//! A real headless browser for the tests: Debian's chromium, which `scripts/test` installs.
//! A missing browser fails the test with the command that installs it; it never skips.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the browser made of a page: its DOM after the scripts ran, and what the page wrote
/// to the console (errors included).
pub struct Loaded {
    pub dom: String,
    pub console: Vec<String>,
}

impl Loaded {
    /// The value of `name="..."` on the first element that has it.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        let start = self.dom.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = self.dom[start..].find('"')?;
        Some(&self.dom[start..start + end])
    }

    /// How many elements carry all of `classes` among their classes.
    pub fn count(&self, classes: &[&str]) -> usize {
        self.dom
            .match_indices(" class=\"")
            .filter(|(at, _)| {
                let rest = &self.dom[at + 8..];
                let theirs: Vec<&str> = rest[..rest.find('"').unwrap_or(0)].split(' ').collect();
                classes.iter().all(|c| theirs.contains(c))
            })
            .count()
    }
}

fn chromium() -> &'static str {
    let found = Command::new("chromium").arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "the report tests need Debian's chromium: run scripts/test (it installs it) or \
         `apt-get install chromium`"
    );
    "chromium"
}

/// Headless, offline and without a user's profile (`profile` is a scratch directory).
fn browser(profile: &Path) -> Command {
    let mut command = Command::new(chromium());
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

fn url(page: &Path) -> String {
    format!("file://{}", page.display())
}

/// Loads `page` and returns its DOM once its scripts ran, with its console messages.
pub fn load(page: &Path, profile: &Path) -> Loaded {
    let output = browser(profile)
        .args(["--enable-logging=stderr", "--v=0", "--dump-dom"])
        .arg(url(page))
        .output()
        .expect("run chromium");
    assert!(output.status.success(), "chromium failed: {output:?}");
    let console = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Loaded {
        dom: String::from_utf8_lossy(&output.stdout).into_owned(),
        console,
    }
}

/// A screenshot of `page`, kept under the target directory as a test artifact.
pub fn screenshot(page: &Path, profile: &Path, name: &str, height: u32) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-artifacts");
    std::fs::create_dir_all(&dir).expect("create the artifacts directory");
    let shot = dir.join(name);
    let _ = std::fs::remove_file(&shot);
    let output = browser(profile)
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("--window-size=1280,{height}"))
        .arg("--hide-scrollbars")
        .arg(url(page))
        .output()
        .expect("run chromium");
    assert!(output.status.success(), "chromium failed: {output:?}");
    let png = std::fs::read(&shot).expect("chromium wrote the screenshot");
    assert!(
        png.starts_with(b"\x89PNG"),
        "{} is not a PNG",
        shot.display()
    );
    shot
}

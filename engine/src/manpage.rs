//! `runbook man`: the manual pages, rendered from the CLI definition so they never drift
//! from `--help`.

use std::io::{self, Write};
use std::path::Path;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::{Error, Result};

/// Without a directory, runbook(1) on stdout (`runbook man | man -l -`); with one, a page per
/// command written there (runbook.1, runbook-exec.1, ...), each path printed.
pub fn write(dir: Option<&Path>, out: &mut dyn Write) -> Result<()> {
    let Some(dir) = dir else {
        return clap_mangen::Man::new(Cli::command())
            .render(out)
            .or_else(closed_pipe)
            .map_err(|e| Error::Usage(format!("cannot write the manual page: {e}")));
    };
    let cannot = |e: io::Error| {
        Error::Usage(format!(
            "cannot write manual pages in {}: {e}",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(cannot)?;
    clap_mangen::generate_to(Cli::command(), dir).map_err(cannot)?;
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .map_err(cannot)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with("runbook") && name.ends_with(".1")
        })
        .collect();
    pages.sort();
    for page in pages {
        writeln!(out, "{}", page.display())
            .or_else(closed_pipe)
            .map_err(|e| Error::Usage(format!("cannot write to stdout: {e}")))?;
    }
    Ok(())
}

/// A reader that stopped reading (`runbook man | head`) is not a failure.
fn closed_pipe(e: io::Error) -> io::Result<()> {
    match e.kind() {
        io::ErrorKind::BrokenPipe => Ok(()),
        _ => Err(e),
    }
}

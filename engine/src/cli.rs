//! The command line as typed. Resolving it (paths, params, the state dir) is `config.rs`'s job.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap::{ArgAction, Args, Parser, Subcommand};

use crate::completion;

#[derive(Debug, Parser)]
#[command(
    name = "runbook",
    version,
    about = "Durable, resumable runbooks in Rhai"
)]
pub struct Cli {
    /// Where runs are kept: a directory, or s3://BUCKET/PREFIX for a store the team shares.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        env = "RUNBOOK_STATE_DIR",
        default_value = ".runbook"
    )]
    pub state_dir: PathBuf,

    /// With an S3 store: encrypt what it writes with this KMS key (id, alias or ARN)
    /// instead of the bucket's default encryption.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        env = "RUNBOOK_STATE_KMS_KEY",
        value_name = "KEY"
    )]
    pub state_kms_key: Option<String>,

    /// Machine-readable NDJSON events on stdout.
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,

    /// More detail on stderr: -v each step's start and waits, -vv also every AWS request
    /// attempt and retry decision.
    #[arg(short, long, global = true, help_heading = "Global options", action = ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Only errors on stderr.
    #[arg(short, long, global = true, help_heading = "Global options")]
    pub quiet: bool,

    /// The AWS profile (default: the standard chain, AWS_PROFILE).
    #[arg(long, global = true, help_heading = "AWS options", value_name = "NAME")]
    pub profile: Option<String>,

    /// The AWS region (default: the standard chain, AWS_REGION).
    #[arg(
        long,
        global = true,
        help_heading = "AWS options",
        value_name = "REGION"
    )]
    pub region: Option<String>,

    /// Send every AWS call to this endpoint (also AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>).
    #[arg(long, global = true, help_heading = "AWS options", value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Attempts per AWS call, retries included (standard retry mode; default 3).
    #[arg(long, global = true, help_heading = "AWS options", value_name = "N")]
    pub max_attempts: Option<u32>,

    /// Seconds to wait for an AWS answer to start before the attempt is retried (default 60).
    #[arg(
        long,
        global = true,
        help_heading = "AWS options",
        value_name = "SECS",
        env = "RUNBOOK_READ_TIMEOUT"
    )]
    pub read_timeout: Option<f64>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a project: a first runbook, its params file, and the definitions editors with
    /// the Rhai language server read to complete and check every binding.
    #[command(
        after_help = "Examples:\n  runbook init                              # runbooks/main.rhai, main.params.toml, Rhai.toml\n  runbook init deploy --dir ops/            # runbooks/deploy.rhai in ops/\n  runbook init --definitions                # after upgrading runbook: refresh .rhai/definitions"
    )]
    Init {
        /// The runbook's name: runbooks/NAME.rhai, whose runs are NAME-1, NAME-2, ...
        #[arg(default_value = "main")]
        name: String,
        /// The project directory.
        #[arg(long, value_name = "DIR", default_value = ".", value_hint = clap::ValueHint::DirPath)]
        dir: PathBuf,
        /// Only write the editor definitions (.rhai/definitions/), nothing else.
        #[arg(long)]
        definitions: bool,
        /// Overwrite files that exist with other contents.
        #[arg(long)]
        force: bool,
    },
    /// Start a new run of a runbook.
    #[command(
        after_help = "Examples:\n  runbook exec runbooks/setup.rhai --param subnets=subnet-a,subnet-b\n  runbook exec setup --params prod.toml     # ./runbooks/setup.rhai; secrets from [secrets]\n  runbook --json exec setup | jq -c 'select(.event == \"step_failed\")'"
    )]
    Exec {
        /// The script; a bare name is also looked up in ./runbooks/.
        #[arg(add = completion::scripts())]
        file: PathBuf,
        #[command(flatten)]
        params: ParamArgs,
    },
    /// Continue a run where it stopped (the newest unfinished run when RUN is omitted).
    #[command(
        after_help = "Examples:\n  runbook resume                            # the newest unfinished run\n  runbook resume setup-2 --rerun-changed    # after fixing a step's body\n  runbook resume setup-2 --from \"ecs service\""
    )]
    Resume {
        #[arg(add = completion::run_ids())]
        run: Option<String>,
        /// Run steps whose body changed since they were recorded.
        #[arg(long)]
        rerun_changed: bool,
        /// Run again from this step on (a step name, or `name #k` for a repeated name).
        #[arg(long, value_name = "STEP", add = completion::step_names())]
        from: Option<String>,
        /// Accept params that differ from the ones the run was started with.
        #[arg(long)]
        change_params: bool,
        #[command(flatten)]
        params: ParamArgs,
    },
    /// List runs, oldest first; `runs prune` deletes old ones.
    #[command(args_conflicts_with_subcommands = true)]
    #[command(
        after_help = "Examples:\n  runbook runs --status failed,stopped --since 2h\n  runbook runs prune --older-than 30d --dry-run"
    )]
    Runs {
        #[command(subcommand)]
        action: Option<RunsAction>,
        #[command(flatten)]
        filter: RunFilter,
    },
    /// Show a run's steps, outputs and errors.
    #[command(
        after_help = "Examples:\n  runbook status setup-2\n  runbook --json status setup-2 | jq '.steps[] | select(.status == \"failed\")'\n  runbook status setup-3 --watch            # a run going on in another terminal"
    )]
    Status {
        #[arg(add = completion::run_ids())]
        run: String,
        /// Follow the run as it goes, from another terminal, then show its status.
        #[arg(long, short = 'w')]
        watch: bool,
    },
    /// Show the lines a run's script wrote with log() and print(), with time and step.
    #[command(
        after_help = "Examples:\n  runbook logs setup-2\n  runbook logs setup-2 'ecs service'        # one step (every occurrence, and its undo)\n  runbook logs setup-3 --follow             # from another terminal, while it runs"
    )]
    Logs {
        #[arg(add = completion::run_ids())]
        run: String,
        /// Only this step's lines: its name, or `name #k` for one occurrence.
        #[arg(add = completion::step_names())]
        step: Option<String>,
        /// Go on printing as the run writes, until no process holds it.
        #[arg(long, short = 'f')]
        follow: bool,
    },
    /// Write a run as one self-contained HTML page: a timeline of its steps, one lane per
    /// process that worked on it, its params (secrets masked) and what it made, with console
    /// links.
    #[command(
        after_help = "Examples:\n  runbook report setup-2                    # writes setup-2.html\n  runbook report setup-2 -o /tmp/run.html && xdg-open /tmp/run.html\n  runbook report setup-2 -o - > run.html     # to stdout"
    )]
    Report {
        #[arg(add = completion::run_ids())]
        run: String,
        /// Where to write the page (default RUN.html here; `-` for stdout).
        #[arg(long, short = 'o', value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
        output: Option<PathBuf>,
    },
    /// List a script's steps without running it, marked done, pending or changed.
    #[command(
        after_help = "Examples:\n  runbook plan runbooks/setup.rhai          # against the newest run of that script"
    )]
    Plan {
        #[arg(add = completion::scripts())]
        file: PathBuf,
    },
    /// Compile a script and check it without running it.
    #[command(
        after_help = "Examples:\n  runbook check runbooks/setup.rhai\n  runbook --json check setup | jq '.params'"
    )]
    Check {
        #[arg(add = completion::scripts())]
        file: PathBuf,
    },
    /// List the AWS bindings with their signatures and docs (`*` marks required members).
    #[command(
        after_help = "Examples:\n  runbook functions ecs                     # every ECS binding with its members\n  runbook functions | grep wait_              # the waiters, from the models"
    )]
    Functions {
        /// Only this service's bindings (ecr, iam, ...).
        #[arg(add = completion::services())]
        service: Option<String>,
    },
    /// An interactive session with the same bindings; nothing is journaled.
    #[command(
        after_help = "Examples:\n  runbook repl                              # then: ecr::describe_repositories(#{})\n  runbook repl --run setup-2                # the run's step values are variables\n  echo 'sts::get_caller_identity(#{})' | runbook repl"
    )]
    Repl {
        /// Attach a run: its params and step values become variables.
        #[arg(long, value_name = "RUN", add = completion::run_ids())]
        run: Option<String>,
        #[command(flatten)]
        params: ParamArgs,
    },
    /// Undo a run's completed steps, newest first.
    #[command(
        after_help = "Examples:\n  runbook destroy setup-2                   # lists what it will undo, then asks\n  runbook destroy setup-2 --yes             # in CI: no question\n  runbook destroy setup-2 --include-adopted # also what the run found existing"
    )]
    Destroy {
        #[arg(add = completion::run_ids())]
        run: String,
        /// Also remove what the run adopted (found existing) instead of leaving it in place.
        #[arg(long)]
        include_adopted: bool,
        /// Do not ask first: on a terminal, destroy lists what it will undo and asks.
        #[arg(long, short = 'y')]
        yes: bool,
        #[command(flatten)]
        params: ParamArgs,
    },
    /// Let go of a run whose holder is gone but left its lock (a process killed while it
    /// ran from a team store in S3); the run keeps who did it.
    #[command(
        after_help = "Examples:\n  runbook unlock setup-2                    # shows the holder and its heartbeat, then asks\n  runbook unlock setup-2 --force            # in CI, after a cancelled job"
    )]
    Unlock {
        #[arg(add = completion::run_ids())]
        run: String,
        /// Do not ask first (needed when stdin is not a terminal).
        #[arg(long)]
        force: bool,
    },
    /// Print the script that makes SHELL complete runbook's commands, options, run ids, step
    /// names and scripts, e.g. `source <(runbook completions bash)` in ~/.bashrc.
    #[command(
        after_help = "Examples:\n  echo 'source <(runbook completions bash)' >> ~/.bashrc\n  runbook completions fish > ~/.config/fish/completions/runbook.fish"
    )]
    Completions {
        #[arg(value_parser = completion::SHELLS)]
        shell: String,
    },
    /// Print the manual page, or with --dir write one per command there.
    #[command(
        after_help = "Examples:\n  runbook man | man -l -\n  runbook man --dir ~/.local/share/man/man1"
    )]
    Man {
        /// Write runbook.1, runbook-exec.1, ... into this directory (e.g.
        /// ~/.local/share/man/man1).
        #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RunsAction {
    /// Delete the records of runs that ended longer ago than AGE and left nothing behind
    /// (destroyed, or never ran a step); a run that may still own what it made is kept.
    Prune {
        /// How long ago a run must have ended (or started, if it never ended): 30d, 12h.
        #[arg(long, value_name = "AGE", value_parser = parse_age)]
        older_than: Duration,
        /// Also delete runs that may still own what they made: their journal is what
        /// `destroy` needs, so what they made is then yours to clean up by hand.
        #[arg(long)]
        forget_resources: bool,
        /// Say what would be deleted, and delete nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        filter: RunFilter,
    },
}

/// Which runs `runs` lists and `runs prune` considers.
#[derive(Debug, Args, Default, Clone)]
pub struct RunFilter {
    /// Only runs with this status (repeatable, or comma-separated).
    #[arg(long, value_name = "STATUS", value_delimiter = ',', value_parser = RUN_STATUSES)]
    pub status: Vec<String>,
    /// Only runs of this script (its path as listed, its file name, or its stem).
    #[arg(long, value_name = "SCRIPT", add = completion::scripts())]
    pub script: Option<String>,
    /// Only runs started since then: an age (30m, 2h, 7d) or a UTC time (2026-12-01,
    /// 2026-12-01T08:00:00Z).
    #[arg(long, value_name = "WHEN", value_parser = parse_since)]
    pub since: Option<SystemTime>,
}

/// The statuses `runs` shows.
pub const RUN_STATUSES: [&str; 8] = [
    "running",
    "stopped",
    "done",
    "failed",
    "interrupted",
    "destroying",
    "destroyed",
    "damaged",
];

fn parse_age(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text)
        .map_err(|e| format!("`{text}` is not an age such as 30m, 12h or 7d ({e})"))
}

fn parse_since(text: &str) -> Result<SystemTime, String> {
    if let Ok(age) = humantime::parse_duration(text) {
        return SystemTime::now()
            .checked_sub(age)
            .ok_or_else(|| format!("`{text}` reaches back before 1970"));
    }
    let time = if text.len() == 10 {
        format!("{text}T00:00:00Z")
    } else {
        text.to_string()
    };
    humantime::parse_rfc3339_weak(&time).map_err(|_| {
        format!("`{text}` is neither an age (30m, 2h, 7d) nor a UTC time (2026-12-01, 2026-12-01T08:00:00Z)")
    })
}

#[derive(Debug, Args, Default)]
pub struct ParamArgs {
    /// A param: NAME=VALUE (repeatable).
    #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
    pub param: Vec<String>,
    /// A JSON or TOML file of params; its `secrets` table holds secrets.
    #[arg(long = "params", value_name = "FILE")]
    pub params_file: Option<PathBuf>,
}

//! The commands: parse the command line, run one command, print its error once, and return
//! the exit code. `main` only calls `run`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::Path;
use std::rc::Rc;
use std::time::Instant;

use clap::Parser;
use serde_json::Value;

use crate::aws::bridge::Failure;
use crate::aws::clients::AwsOptions;
use crate::cli::{Cli, Command, RunsAction};
use crate::completion;
use crate::config;
use crate::dsl::params::Params;
use crate::dsl::runtime::Mode;
use crate::dsl::scan;
use crate::dsl::secrets::Secrets;
use crate::dsl::source::file_hash;
use crate::error::{exit, Error, Result};
use crate::events::Event as OutputEvent;
use crate::functions;
use crate::html_report;
use crate::init;
use crate::interrupt::Interrupt;
use crate::journal::{
    self, now_rfc3339, Event, Journal, Opened, ReplayIndex, RunMeta, RunStatus, Store, Unlocked,
};
use crate::logs;
use crate::manpage;
use crate::output::{self, Output};
use crate::report;
use crate::runs;
use crate::session::Session;
use crate::watch;
use crate::{prompt, teardown};

pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let args: Vec<OsString> = args.into_iter().collect();
    if let Some(code) = completion::serve(&args) {
        return code;
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                exit::USAGE
            } else {
                exit::DONE
            };
        }
    };
    let param_args = match &cli.command {
        Command::Exec { params, .. }
        | Command::Resume { params, .. }
        | Command::Destroy { params, .. }
        | Command::Repl { params, .. } => Some(params),
        _ => None,
    };
    let verbosity = config::verbosity(&cli);
    let given = match param_args.map(config::given).transpose() {
        Ok(given) => given.unwrap_or_default(),
        Err(error) => {
            let secrets = Rc::new(Secrets::new(BTreeMap::new(), false));
            return report_error(&Output::new(cli.json, verbosity, secrets), &error);
        }
    };
    let secrets = Rc::new(Secrets::new(given.secrets, std::io::stdin().is_terminal()));
    let output = Rc::new(Output::new(cli.json, verbosity, secrets));
    match dispatch(&cli, given.params, &output) {
        Ok(code) => code,
        Err(error) => report_error(&output, &error),
    }
}

fn report_error(output: &Output, error: &Error) -> i32 {
    for diagnostic in error.diagnostics() {
        output.diagnostic(diagnostic);
    }
    if error.diagnostic().is_none() {
        output.error(&error.to_string());
    }
    let diagnostic = error
        .diagnostic()
        .map(|d| serde_json::to_value(d).unwrap_or(Value::Null));
    output.event(OutputEvent::Error {
        message: error.to_string(),
        exit_code: error.exit_code(),
        diagnostic,
    });
    error.exit_code()
}

/// What every command works with.
struct Env {
    store: Store,
    output: Rc<Output>,
    aws: AwsOptions,
}

impl Env {
    /// Reads and compiles a script against this command's output and AWS options.
    fn session(
        &self,
        path: &Path,
        params: BTreeMap<String, Value>,
        interrupt: Rc<Interrupt>,
    ) -> Result<Session> {
        let aws = config::for_params(&self.aws, &params)?;
        Session::prepare(
            path,
            Params::new(params),
            self.output.clone(),
            interrupt,
            aws,
        )
    }
}

fn dispatch(cli: &Cli, params: BTreeMap<String, Value>, output: &Rc<Output>) -> Result<i32> {
    let aws = config::aws_options(cli)?;
    // Commands that read no runs leave the store alone: opening one in S3 costs requests.
    let reads_runs = !matches!(
        cli.command,
        Command::Init { .. }
            | Command::Check { .. }
            | Command::Functions { .. }
            | Command::Completions { .. }
            | Command::Man { .. }
            | Command::Repl { run: None, .. }
    );
    let env = Env {
        store: if reads_runs {
            Store::open(&cli.state_dir, cli.state_kms_key.as_deref(), &aws)?
        } else {
            Store::new(&cli.state_dir)
        },
        output: output.clone(),
        aws,
    };
    let store = &env.store;
    match &cli.command {
        Command::Init {
            name,
            dir,
            definitions,
            force,
        } => {
            let request = init::Request {
                dir,
                name,
                definitions_only: *definitions,
                force: *force,
            };
            init::init(&request, &env.aws, output).map(|()| exit::DONE)
        }
        Command::Exec { file, .. } => exec(&env, file, params),
        Command::Resume {
            run,
            rerun_changed,
            from,
            change_params,
            ..
        } => {
            let options = ResumeOptions {
                rerun_changed: *rerun_changed,
                from: from.clone(),
                change_params: *change_params,
            };
            resume(&env, run.as_deref(), options, params)
        }
        Command::Destroy {
            run,
            include_adopted,
            yes,
            ..
        } => destroy(&env, run, params, *include_adopted, !*yes),
        Command::Unlock { run, force } => unlock(&env, run, *force),
        Command::Runs { action, filter } => match action {
            None => runs::list(store, filter, output),
            Some(RunsAction::Prune {
                older_than,
                forget_resources,
                dry_run,
                filter,
            }) => runs::prune(
                store,
                filter,
                *older_than,
                *forget_resources,
                *dry_run,
                output,
            ),
        }
        .map(|()| exit::DONE),
        Command::Status { run, watch: false } => {
            report::status(store, run, output).map(|()| exit::DONE)
        }
        Command::Status { run, watch: true } => {
            watch::watch(store, run, output).map(|()| exit::DONE)
        }
        Command::Report { run, output: file } => html_report::write(
            store,
            run,
            file.as_deref(),
            env.aws.region.as_deref(),
            output,
        )
        .map(|()| exit::DONE),
        Command::Plan { file } => plan(&env, file),
        Command::Check { file } => check(&env, file),
        Command::Repl { run, .. } => crate::repl::run(
            store,
            output.clone(),
            env.aws.clone(),
            run.as_deref(),
            params,
        ),
        Command::Functions { service } => {
            functions::list(service.as_deref(), output).map(|()| exit::DONE)
        }
        Command::Logs { run, step, follow } => {
            logs::show(store, run, step.as_deref(), *follow, output).map(|()| exit::DONE)
        }
        Command::Completions { shell } => {
            completion::write_registration(shell, &mut std::io::stdout())
                .map(|()| exit::DONE)
                .map_err(|e| Error::Usage(format!("cannot write the completion script: {e}")))
        }
        Command::Man { dir } => {
            manpage::write(dir.as_deref(), &mut std::io::stdout()).map(|()| exit::DONE)
        }
    }
}

fn stem(path: &Path) -> String {
    let stem: String = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        "run".into()
    } else {
        stem
    }
}

fn exec(env: &Env, file: &Path, mut params: BTreeMap<String, Value>) -> Result<i32> {
    let (store, output) = (&env.store, &env.output);
    let path = config::script_path(file)?;
    let interrupt = Rc::new(Interrupt::install());
    let session = env.session(&path, params.clone(), interrupt.clone())?;
    session.check_params()?;
    pin_region(&session, &mut params, &interrupt)?;
    check_credentials(&session, &interrupt)?;
    let mut journal = Journal::create(store, &stem(&path), |id| RunMeta {
        id,
        script: session.path.clone(),
        script_hash: file_hash(&session.text),
        params,
        planned_steps: Some(scan::steps(&session.ast, &session.text).len()),
        started_at: now_rfc3339(),
        started_by: Some(store.who()),
        ended_at: None,
        status: RunStatus::Running,
        error: None,
        unlocked: Vec::new(),
    })?;
    journal.append(Event::Session {
        command: "exec".into(),
        pid: std::process::id(),
    })?;
    announce(output, &journal, "exec", &session);
    let started = Instant::now();
    let result = session.execute(
        journal,
        ReplayIndex::default(),
        Mode::Run {
            rerun_changed: false,
        },
    );
    finish(&session, result, Statuses::RUN, RunStatus::Running, started)
}

struct ResumeOptions {
    rerun_changed: bool,
    from: Option<String>,
    change_params: bool,
}

/// A script that asks for the `region` param and was not given one works in the region of
/// the SDK's chain (`--region`, `AWS_REGION`, the profile): it is resolved now, before the
/// first step, and recorded with the run, so `resume` and `destroy` use the same region
/// whatever the shell they run in says. No region anywhere is a usage error.
fn pin_region(
    session: &Session,
    params: &mut BTreeMap<String, Value>,
    interrupt: &Interrupt,
) -> Result<()> {
    let asks = scan::params(&session.ast).is_some_and(|p| p.contains_key(config::REGION_PARAM));
    if !asks || params.contains_key(config::REGION_PARAM) {
        return Ok(());
    }
    let region = session
        .runtime
        .aws
        .region(interrupt)
        .map_err(|failure| match failure {
            Failure::Aws(error) => Error::Usage(error.message),
            Failure::Stopped(_) => Error::Interrupted("interrupted".into()),
        })?
        .ok_or_else(|| Error::Usage(crate::aws::clients::NO_REGION.into()))?;
    let value = Value::String(region);
    session
        .runtime
        .params
        .pin(config::REGION_PARAM, value.clone());
    params.insert(config::REGION_PARAM.into(), value);
    Ok(())
}

/// A script that may call AWS needs credentials: none found is one line that says what was
/// tried and how to fix it, before any run is recorded.
fn check_credentials(session: &Session, interrupt: &Interrupt) -> Result<()> {
    if !session.calls_aws() {
        return Ok(());
    }
    match session.runtime.aws.check_credentials(interrupt) {
        Ok(()) => Ok(()),
        Err(Failure::Stopped(_)) => Err(Error::Interrupted("interrupted".into())),
        Err(Failure::Aws(error)) => Err(Error::Usage(format!(
            "no AWS credentials ({}; tried the environment, the profile files, SSO, web \
             identity and container/instance metadata): run `aws configure`, set \
             AWS_PROFILE, or for the local emulator `eval \"$(scripts/local-aws up)\"`",
            crate::report::shorten(&error.message, 160)
        ))),
    }
}

/// The run's recorded params, with the given ones applied when the operator allows a change.
fn merged_params(
    meta: &RunMeta,
    given: BTreeMap<String, Value>,
    change_allowed: bool,
) -> Result<BTreeMap<String, Value>> {
    let mut merged = meta.params.clone();
    for (name, value) in given {
        if merged.get(&name) == Some(&value) {
            continue;
        }
        if !change_allowed {
            let was = merged
                .get(&name)
                .map_or("not given".to_string(), |v| v.to_string());
            return Err(Error::Usage(format!(
                "param {name} was {was} in run {}, now {value}: pass --change-params to change it",
                meta.id
            )));
        }
        merged.insert(name, value);
    }
    Ok(merged)
}

/// Lets go of a run whose holder is gone but left its lock (a process killed in the team
/// store), after asking on a terminal; the run's metadata keeps who did it.
fn unlock(env: &Env, id: &str, force: bool) -> Result<i32> {
    let (store, output) = (&env.store, &env.output);
    store.meta(id)?;
    let Some(holder) = store.holder(id)? else {
        output.progress(&format!("run {id} is not locked"));
        return Ok(exit::DONE);
    };
    if !force {
        if !std::io::stdin().is_terminal() {
            return Err(Error::Usage(format!(
                "run {id} is held by {holder}; `runbook unlock {id} --force` lets it go \
                 without asking (only once that process is gone)"
            )));
        }
        let yes = prompt::confirm(
            &format!("run {id} is held by {holder}\n"),
            "Let it go? A process still working on the run would then share it. [y/N] ",
        )
        .map_err(|e| Error::state("cannot ask on the terminal".to_string(), e))?;
        if !yes {
            output.progress(&format!("unlock of {id} cancelled: the lock is kept"));
            return Ok(exit::INTERRUPTED);
        }
    }
    store.unlock(id)?;
    let mut journal = Journal::open(store, id, "unlock")?.journal;
    journal.meta.unlocked.push(Unlocked {
        at: now_rfc3339(),
        by: journal::holder("unlock"),
        holder: holder.clone(),
    });
    journal.save_meta()?;
    output.progress(&format!("run {id} unlocked; it was held by {holder}"));
    Ok(exit::DONE)
}

fn open(store: &Store, id: &str, command: &str, output: &Output) -> Result<Opened> {
    let opened = Journal::open(store, id, command)?;
    if let Some(torn) = &opened.torn {
        output.warn(&format!(
            "run {id}: the journal's last record (line {}) was cut short by a crash and was \
             dropped; the step it recorded runs again",
            torn.line
        ));
    }
    Ok(opened)
}

fn resume(
    env: &Env,
    run: Option<&str>,
    options: ResumeOptions,
    given: BTreeMap<String, Value>,
) -> Result<i32> {
    let (store, output) = (&env.store, &env.output);
    let id = match run {
        Some(id) => id.to_string(),
        None => runs::newest_unfinished(store)?,
    };
    let Opened {
        mut journal,
        mut index,
        ..
    } = open(store, &id, "resume", output)?;
    if matches!(
        journal.meta.status,
        RunStatus::Destroying | RunStatus::Destroyed
    ) || index.destroy_started()
    {
        return Err(Error::Refused(format!(
            "run {id} is being or has been destroyed: it cannot be resumed (start a new run \
             with `runbook exec`)"
        )));
    }
    let params = merged_params(&journal.meta, given, options.change_params)?;
    let interrupt = Rc::new(Interrupt::install());
    let script = journal.meta.script.clone();
    let session = env.session(&script, params.clone(), interrupt)?;
    session.check_params()?;
    if file_hash(&session.text) != journal.meta.script_hash {
        output.detail(&format!("{} changed since run {id} started", session.name));
    }
    if let Some(from) = &options.from {
        let position = index.position_of(from).ok_or_else(|| {
            let names: Vec<String> = index.entries().iter().map(|e| e.step.label()).collect();
            Error::Usage(format!(
                "run {id} has no step {from:?} (its steps: {})",
                names.join(", ")
            ))
        })?;
        let event = Event::Rewound { position };
        index.apply(&event);
        journal.append(event)?;
    }
    let previous = journal.meta.status;
    journal.meta.params = params;
    journal.meta.status = RunStatus::Running;
    journal.meta.ended_at = None;
    journal.meta.error = None;
    journal.save_meta()?;
    journal.append(Event::Session {
        command: "resume".into(),
        pid: std::process::id(),
    })?;
    announce(output, &journal, "resume", &session);
    let started = Instant::now();
    let mode = Mode::Run {
        rerun_changed: options.rerun_changed,
    };
    let result = session.execute(journal, index, mode);
    finish(&session, result, Statuses::RUN, previous, started)
}

fn destroy(
    env: &Env,
    id: &str,
    given: BTreeMap<String, Value>,
    include_adopted: bool,
    ask: bool,
) -> Result<i32> {
    let (store, output) = (&env.store, &env.output);
    let Opened {
        mut journal, index, ..
    } = open(store, id, "destroy", output)?;
    // A destroyed run may still hold what it adopted: --include-adopted goes on to that.
    if journal.meta.status == RunStatus::Destroyed && !include_adopted {
        output.progress(&format!("run {id} is already destroyed"));
        return Ok(exit::DONE);
    }
    let params = merged_params(&journal.meta, given, false)?;
    let interrupt = Rc::new(Interrupt::install());
    let script = journal.meta.script.clone();
    let mut session = env.session(&script, params, interrupt)?;
    if ask && std::io::stdin().is_terminal() {
        let steps = scan::steps(&session.ast, &session.text);
        let teardown = teardown::preview(&index, &steps, include_adopted);
        if !teardown.undo.is_empty() {
            let yes = prompt::confirm(&teardown.describe(id), &teardown.question(id))
                .map_err(|e| Error::state("cannot ask on the terminal".to_string(), e))?;
            if !yes {
                output.progress(&format!(
                    "destroy of {id} cancelled: nothing was changed (`--yes` skips the question)"
                ));
                return Ok(exit::INTERRUPTED);
            }
        }
    }
    session.runtime.set_include_adopted(include_adopted);
    let previous = journal.meta.status;
    journal.meta.status = RunStatus::Destroying;
    journal.save_meta()?;
    journal.append(Event::Session {
        command: "destroy".into(),
        pid: std::process::id(),
    })?;
    announce(output, &journal, "destroy", &session);
    let started = Instant::now();
    let result = session
        .execute(journal, index.clone(), Mode::Destroy)
        .and_then(|()| session.undo(&index).map(drop));
    finish(&session, result, Statuses::DESTROY, previous, started)
}

fn announce(output: &Output, journal: &Journal, command: &str, session: &Session) {
    output.progress(&format!(
        "run {} ({command} {})",
        journal.id(),
        session.name
    ));
    output.detail(&format!("journal: {}", journal.location()));
    output.event(OutputEvent::RunStarted {
        run: journal.id().to_string(),
        command: command.to_string(),
        script: session.name.clone(),
    });
}

/// The statuses a command leaves behind when it succeeds and when it fails.
struct Statuses {
    done: RunStatus,
    failed: RunStatus,
    interrupted: RunStatus,
}

impl Statuses {
    const RUN: Statuses = Statuses {
        done: RunStatus::Done,
        failed: RunStatus::Failed,
        interrupted: RunStatus::Interrupted,
    };
    const DESTROY: Statuses = Statuses {
        done: RunStatus::Destroyed,
        failed: RunStatus::Destroying,
        interrupted: RunStatus::Destroying,
    };
}

/// Records how the command ended in the run's metadata and says so.
fn finish(
    session: &Session,
    result: Result<()>,
    statuses: Statuses,
    previous: RunStatus,
    started: Instant,
) -> Result<i32> {
    let Some(mut journal) = session.runtime.detach() else {
        return result.map(|()| exit::DONE);
    };
    let id = journal.id().to_string();
    let (status, error) = match &result {
        Ok(()) => (statuses.done, None),
        Err(Error::Interrupted(_)) => (statuses.interrupted, None),
        Err(Error::Script(d)) => (
            statuses.failed,
            Some(session.runtime.secrets.redact(&d.message)),
        ),
        Err(e @ (Error::Param { .. } | Error::Secret { .. } | Error::Undo(_))) => (
            statuses.failed,
            Some(session.runtime.secrets.redact(&e.to_string())),
        ),
        // The journal refused before anything ran differently: the run is as it was.
        Err(_) => (previous, journal.meta.error.clone()),
    };
    journal.meta.status = status;
    journal.meta.error = error;
    journal.meta.ended_at = Some(now_rfc3339());
    journal.save_meta()?;
    let counts = session.runtime.counts();
    let output = &session.runtime.output;
    let took = started.elapsed();
    let tally = if statuses.done == RunStatus::Destroyed {
        format!("{} undone, {} left in place", counts.undone, counts.kept)
    } else {
        format!("{} ran, {} replayed", counts.ran, counts.replayed)
    };
    output.progress(&format!(
        "run {id} {}: {tally} ({})",
        status.as_str(),
        output::duration(took)
    ));
    output.event(OutputEvent::RunFinished {
        run: id.to_string(),
        status: status.as_str(),
        ran: counts.ran,
        replayed: counts.replayed,
        undone: counts.undone,
        left_in_place: counts.kept,
        duration_ms: took.as_secs_f64() * 1000.0,
    });
    match result {
        Ok(()) => Ok(exit::DONE),
        Err(Error::Script(diagnostic)) => {
            let hint = if statuses.done == RunStatus::Destroyed {
                format!("fix the cause, then `runbook destroy {id}` goes on")
            } else {
                format!("fix the cause, then `runbook resume {id}` goes on from this step")
            };
            Err(Error::Script(Box::new(diagnostic.note(hint))))
        }
        Err(Error::Undo(mut failures)) => {
            if let Some(last) = failures.pop() {
                let hint = format!("fix the cause, then `runbook destroy {id}` goes on");
                failures.push(last.note(hint));
            }
            Err(Error::Undo(failures))
        }
        Err(Error::Interrupted(message)) => {
            // One thing to do next: the command that takes the run up where it stopped.
            let next = if statuses.done == RunStatus::Destroyed {
                "destroy"
            } else {
                "resume"
            };
            Err(Error::Interrupted(format!(
                "run {id} {message}; `runbook {next} {id}` goes on from there"
            )))
        }
        Err(other) => Err(other),
    }
}

fn plan(env: &Env, file: &Path) -> Result<i32> {
    let (store, output) = (&env.store, &env.output);
    let path = config::script_path(file)?;
    let session = env.session(&path, BTreeMap::new(), Rc::default())?;
    report::plan(store, &session, output)?;
    Ok(exit::DONE)
}

fn check(env: &Env, file: &Path) -> Result<i32> {
    let output = &env.output;
    let path = config::script_path(file)?;
    let session = env.session(&path, BTreeMap::new(), Rc::default())?;
    crate::report::check(&session, output)?;
    Ok(exit::DONE)
}

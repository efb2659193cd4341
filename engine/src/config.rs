//! Resolves the command line into what commands use: the script's path, the params and
//! secrets given, and how loud to be.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::aws::clients::{AwsOptions, READ_TIMEOUT};
use crate::cli::{Cli, ParamArgs};
use crate::dsl::params::parse_assignment;
use crate::error::{Error, Result};
use crate::output::Verbosity;

/// The AWS options, with the SDK's retry settings from the environment checked first: the
/// SDK panics on a malformed `AWS_MAX_ATTEMPTS` or `AWS_RETRY_MODE`.
pub fn aws_options(cli: &Cli) -> Result<AwsOptions> {
    if let Some(text) = std::env::var_os("AWS_MAX_ATTEMPTS") {
        let text = text.to_string_lossy();
        if !text.trim().parse::<u32>().is_ok_and(|n| n >= 1) {
            return Err(Error::Usage(format!(
                "AWS_MAX_ATTEMPTS={text:?} is not a number of attempts (1 or more)"
            )));
        }
    }
    if let Some(text) = std::env::var_os("AWS_RETRY_MODE") {
        let text = text.to_string_lossy();
        if !["standard", "adaptive"].contains(&text.trim().to_ascii_lowercase().as_str()) {
            return Err(Error::Usage(format!(
                "AWS_RETRY_MODE={text:?} is not a retry mode (standard or adaptive)"
            )));
        }
    }
    if cli.max_attempts == Some(0) {
        return Err(Error::Usage("--max-attempts must be 1 or more".into()));
    }
    let read_timeout = match cli.read_timeout {
        Some(secs) if secs > 0.0 && secs.is_finite() => Duration::from_secs_f64(secs),
        Some(_) => return Err(Error::Usage("--read-timeout must be seconds > 0".into())),
        None => READ_TIMEOUT,
    };
    let ca_bundle = match std::env::var_os("AWS_CA_BUNDLE").filter(|p| !p.is_empty()) {
        Some(path) => Some(std::fs::read(&path).map_err(|e| {
            Error::Usage(format!(
                "AWS_CA_BUNDLE={}: cannot read the certificate bundle: {e}",
                Path::new(&path).display()
            ))
        })?),
        None => None,
    };
    Ok(AwsOptions {
        profile: cli.profile.clone(),
        region: cli.region.clone(),
        endpoint_url: cli.endpoint_url.clone(),
        max_attempts: cli.max_attempts,
        read_timeout,
        ca_bundle,
        trace: verbosity(cli) >= Verbosity::Trace,
    })
}

/// The param that names the AWS region: when a run has it, the clients work in that region.
pub const REGION_PARAM: &str = "region";

/// The AWS options for a run with these params: `--param region=X` (given now or recorded
/// with the run) builds the clients for X, so the script's region and the clients' region
/// are one value. `--region` that says otherwise is refused rather than guessed between.
pub fn for_params(aws: &AwsOptions, params: &BTreeMap<String, Value>) -> Result<AwsOptions> {
    let mut aws = aws.clone();
    let Some(value) = params.get(REGION_PARAM) else {
        return Ok(aws);
    };
    let Value::String(region) = value else {
        return Err(Error::Param {
            name: REGION_PARAM.into(),
            message: format!("expected a region name such as \"ap-northeast-1\", got {value}"),
        });
    };
    match &aws.region {
        Some(cli) if cli != region => Err(Error::Usage(format!(
            "--region {cli} and param region={region} disagree: the run's region is one value \
             (give one of them)"
        ))),
        _ => {
            aws.region = Some(region.clone());
            Ok(aws)
        }
    }
}

pub fn verbosity(cli: &Cli) -> Verbosity {
    match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (false, 0) => Verbosity::Normal,
        (false, 1) => Verbosity::Verbose,
        (false, _) => Verbosity::Trace,
    }
}

/// A bare file name is looked up in the current directory, then in `./runbooks/`; one
/// without an extension also as `NAME.rhai` (`runbook exec setup`).
pub fn script_path(file: &Path) -> Result<PathBuf> {
    let dirs: &[&Path] = if file.components().count() == 1 {
        &[Path::new(""), Path::new("runbooks")]
    } else {
        &[Path::new("")]
    };
    let candidates: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|dir| {
            let path = dir.join(file);
            let with_extension = path
                .extension()
                .is_none()
                .then(|| path.with_extension("rhai"));
            std::iter::once(path).chain(with_extension)
        })
        .collect();
    for candidate in &candidates {
        if candidate.is_file() {
            return Ok(candidate.clone());
        }
    }
    let tried: Vec<String> = candidates.iter().map(|c| c.display().to_string()).collect();
    Err(Error::ReadFile {
        path: file.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no such file (looked for {})", tried.join(", ")),
        ),
    })
}

pub fn read_script(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
        path: path.into(),
        source,
    })
}

/// Params and secrets as given on the command line and in the params file.
#[derive(Debug, Default)]
pub struct Given {
    pub params: BTreeMap<String, Value>,
    pub secrets: BTreeMap<String, String>,
}

pub fn given(args: &ParamArgs) -> Result<Given> {
    let mut given = match &args.params_file {
        Some(path) => params_file(path)?,
        None => Given::default(),
    };
    for arg in &args.param {
        let (name, value) = parse_assignment(arg)
            .map_err(|message| Error::Usage(format!("--param {arg:?}: {message}")))?;
        given.params.insert(name, Value::String(value));
    }
    for (name, value) in &given.params {
        let size = value.to_string().len();
        if size > MAX_PARAM_BYTES {
            return Err(Error::Usage(format!(
                "param {name} is {:.1} MiB, over the {} MiB a param may hold (params are \
                 recorded with the run): pass a file's path instead and `read_file` it",
                size as f64 / (1 << 20) as f64,
                MAX_PARAM_BYTES >> 20
            )));
        }
    }
    Ok(given)
}

/// A param is written into the run's metadata and read back by every `status` and `runs`.
const MAX_PARAM_BYTES: usize = 1 << 20;

fn params_file(path: &Path) -> Result<Given> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
        path: path.into(),
        source,
    })?;
    let bad = |message: String| Error::Usage(format!("params file {}: {message}", path.display()));
    let is_toml = path.extension().is_some_and(|e| e == "toml");
    let value: Value = if is_toml {
        let table: toml::Table = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
        serde_json::to_value(table).map_err(|e| bad(e.to_string()))?
    } else {
        serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?
    };
    let Value::Object(mut object) = value else {
        return Err(bad("expected a table of NAME = VALUE".into()));
    };
    let mut secrets = BTreeMap::new();
    if let Some(table) = object.remove("secrets") {
        let Value::Object(table) = table else {
            return Err(bad("`secrets` must be a table of NAME = \"value\"".into()));
        };
        for (name, value) in table {
            let Value::String(value) = value else {
                return Err(bad(format!("secret {name} must be a string")));
            };
            secrets.insert(name, value);
        }
    }
    Ok(Given {
        params: object.into_iter().collect(),
        secrets,
    })
}

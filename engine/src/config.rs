//! Resolves the command line into what commands use: the script's path, the params and
//! secrets given, and how loud to be.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::aws::clients::AwsOptions;
use crate::cli::{Cli, ParamArgs};
use crate::dsl::params::parse_assignment;
use crate::error::{Error, Result};
use crate::output::Verbosity;

pub fn aws_options(cli: &Cli) -> AwsOptions {
    AwsOptions {
        profile: cli.profile.clone(),
        region: cli.region.clone(),
        endpoint_url: cli.endpoint_url.clone(),
        max_attempts: cli.max_attempts,
    }
}

pub fn verbosity(cli: &Cli) -> Verbosity {
    match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (false, 0) => Verbosity::Normal,
        (false, _) => Verbosity::Verbose,
    }
}

/// A bare file name is looked up in the current directory, then in `./runbooks/`.
pub fn script_path(file: &Path) -> Result<PathBuf> {
    let candidates = if file.components().count() == 1 {
        vec![file.to_path_buf(), Path::new("runbooks").join(file)]
    } else {
        vec![file.to_path_buf()]
    };
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
            format!("no such file (looked for {})", tried.join(" and ")),
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
    Ok(given)
}

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

//! The local AWS emulator for the tests: one per test binary, started on free loopback ports
//! on first use (moto and the CodeCommit stand-in, `tests/rig/local_aws.py`), and reset
//! before each test. Tests that use it run one at a time, since a reset clears everything.
//! A missing emulator fails the test with the command that installs it; it never skips.
//! The rig's fault proxy (`tests/rig/fault_proxy.py`) stands in front of both: tests that
//! want AWS's misbehaviour send their calls through it and set its rules.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use crate::test::Test;

pub struct Emulator {
    pub moto: String,
    pub codecommit: String,
    pub proxy: String,
    // The rig exits when this pipe closes, that is when the test binary ends, however it ends.
    _stdin: ChildStdin,
    _child: Child,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

fn start() -> Emulator {
    let python = root().join(".local-aws/venv/bin/python");
    assert!(
        python.exists(),
        "the local AWS emulator is not installed: run `scripts/local-aws install` (or \
         `scripts/test`, which installs it)"
    );
    let ready = std::env::temp_dir().join(format!("runbook-emulator-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&ready);
    let mut child = Command::new(python)
        .arg(root().join("tests/rig/local_aws.py"))
        .args([
            "--moto-port",
            "0",
            "--codecommit-port",
            "0",
            "--proxy-port",
            "0",
            "--exit-on-stdin-eof",
        ])
        .arg("--ready-file")
        .arg(&ready)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start tests/rig/local_aws.py");
    let started = Instant::now();
    let ports: serde_json::Value = loop {
        if let Ok(text) = std::fs::read_to_string(&ready) {
            break serde_json::from_str(&text).expect("the rig's ready file is JSON");
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the local AWS emulator exited at start-up ({status})");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the emulator did not start in 60 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = std::fs::remove_file(&ready);
    let stdin = child.stdin.take().expect("piped stdin");
    Emulator {
        moto: format!("http://127.0.0.1:{}", ports["moto"]),
        codecommit: format!("http://127.0.0.1:{}", ports["codecommit"]),
        proxy: format!("http://127.0.0.1:{}", ports["proxy"]),
        _stdin: stdin,
        _child: child,
    }
}

/// Clears the emulator (within a test that holds the `aws_test` guard).
pub fn reset_emulator() {
    reset(EMULATOR.get_or_init(start));
}

/// One HTTP/1.1 request to the rig; the answer's body, after checking it is a 200.
fn http(url: &str, method: &str, path: &str, body: &str) -> String {
    let address = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("connect to the emulator");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .expect("send the request");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the answer");
    assert!(
        response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200"),
        "{method} {path}: {response}"
    );
    response
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, body)| body.to_string())
}

/// `POST /moto-api/reset` through the proxy: clears moto, the stand-in and the proxy's
/// rules and log.
fn reset(emulator: &Emulator) {
    http(&emulator.proxy, "POST", "/moto-api/reset", "");
}

/// Replaces the fault proxy's rules (see tests/rig/README.md for their fields).
pub fn faults(rules: serde_json::Value) {
    let emulator = EMULATOR.get_or_init(start);
    let body = serde_json::json!({ "rules": rules, "seed": 7 }).to_string();
    http(&emulator.proxy, "POST", "/fault-proxy/rules", &body);
}

/// Every request the proxy saw since the reset: `{ service, operation, fault, code, status }`.
pub fn proxy_log() -> Vec<serde_json::Value> {
    let emulator = EMULATOR.get_or_init(start);
    let body = http(&emulator.proxy, "GET", "/fault-proxy/log", "");
    serde_json::from_str(&body).expect("the proxy's log is JSON")
}

static EMULATOR: OnceLock<Emulator> = OnceLock::new();
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A test against a freshly reset emulator: keep the guard alive for the whole test.
pub fn aws_test() -> (MutexGuard<'static, ()>, Test) {
    let guard = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let emulator = EMULATOR.get_or_init(start);
    reset(emulator);
    let test = Test::new()
        .env("AWS_ENDPOINT_URL", &emulator.moto)
        .env("AWS_ENDPOINT_URL_CODECOMMIT", &emulator.codecommit)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing-secret-key")
        .env("AWS_REGION", "ap-northeast-1")
        // moto answers an operation it lacks with an HTML 500, which the SDK would retry.
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    (guard, test)
}

/// A test whose AWS calls all go through the fault proxy, with the SDK's own retries on (as
/// users have them) for the faults the SDK is meant to absorb.
pub fn aws_test_through_proxy() -> (MutexGuard<'static, ()>, Test) {
    let (guard, test) = aws_test();
    let proxy = &EMULATOR.get_or_init(start).proxy;
    let test = test
        .env("AWS_ENDPOINT_URL", proxy)
        .env("AWS_ENDPOINT_URL_CODECOMMIT", proxy)
        .env("AWS_MAX_ATTEMPTS", "6")
        .env("RUNBOOK_READ_TIMEOUT", "2");
    (guard, test)
}

/// Runs Python with boto3 against the emulator (an outside client, to set up or check what
/// runbook did) and returns what it printed. `client("iam")` is defined for the snippet.
pub fn boto3(code: &str) -> String {
    let emulator = EMULATOR.get_or_init(start);
    let prelude = format!(
        "import boto3, json\n\
         def client(name):\n    \
             url = {codecommit:?} if name == 'codecommit' else {moto:?}\n    \
             return boto3.client(name, endpoint_url=url, region_name='ap-northeast-1',\n        \
                 aws_access_key_id='testing', aws_secret_access_key='testing')\n",
        codecommit = emulator.codecommit,
        moto = emulator.moto,
    );
    let output = Command::new(root().join(".local-aws/venv/bin/python"))
        .arg("-c")
        .arg(format!("{prelude}{code}"))
        .output()
        .expect("run the emulator's python");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "boto3 failed:\n{code}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// What the seed left in the account, as JSON (tests/rig/account_state.py, which
/// bench/chaos.py reads too): `"shape"`, the end state in counts and names, or `"left"`,
/// the seed's leftovers per service (`{}` after a complete destroy).
pub fn account(what: &str) -> String {
    let rig = root().join("tests/rig");
    boto3(&format!(
        "import sys\nsys.path.insert(0, {rig:?})\nimport account_state\n\
         print(json.dumps(account_state.{what}(client), sort_keys=True, default=str))"
    ))
}

/// A VPC with a subnet and a security group, made with boto3 (ECS services need real ones):
/// the subnet and group ids.
pub fn vpc() -> (String, String) {
    let ids = boto3(
        "ec2 = client('ec2')\n\
         vpc = ec2.create_vpc(CidrBlock='10.0.0.0/16')['Vpc']['VpcId']\n\
         subnet = ec2.create_subnet(VpcId=vpc, CidrBlock='10.0.1.0/24')['Subnet']['SubnetId']\n\
         sg = ec2.create_security_group(GroupName='web', Description='web', VpcId=vpc)['GroupId']\n\
         print(subnet, sg)",
    );
    let mut ids = ids.split_whitespace().map(str::to_string);
    (
        ids.next().expect("a subnet id"),
        ids.next().expect("a group id"),
    )
}

/// A new `vpc()` as the `--param`s a runbook takes it by: `subnet` and `group` name them.
pub fn network(subnet: &str, group: &str) -> Vec<String> {
    let (subnet_id, group_id) = vpc();
    vec![
        "--param".into(),
        format!("{subnet}={subnet_id}"),
        "--param".into(),
        format!("{group}={group_id}"),
    ]
}

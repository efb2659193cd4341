//! The local AWS emulator for the tests: one per test binary, started on free loopback ports
//! on first use (moto and the CodeCommit stand-in, `tests/rig/local_aws.py`), and reset
//! before each test. Tests that use it run one at a time, since a reset clears everything.
//! A missing emulator fails the test with the command that installs it; it never skips.

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
        _stdin: stdin,
        _child: child,
    }
}

/// Clears the emulator (within a test that holds the `aws_test` guard).
pub fn reset_emulator() {
    reset(&EMULATOR.get_or_init(start).moto);
}

/// `POST /moto-api/reset`: clears moto and the stand-in.
fn reset(url: &str) {
    let address = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("connect to the emulator");
    let request = format!(
        "POST /moto-api/reset HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .expect("send the reset");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the reset's answer");
    assert!(
        response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200"),
        "{response}"
    );
}

static EMULATOR: OnceLock<Emulator> = OnceLock::new();
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A test against a freshly reset emulator: keep the guard alive for the whole test.
pub fn aws_test() -> (MutexGuard<'static, ()>, Test) {
    let guard = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let emulator = EMULATOR.get_or_init(start);
    reset(&emulator.moto);
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

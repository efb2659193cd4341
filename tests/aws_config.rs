//! AWS configuration as AWS users have it: one region for the script and the clients,
//! pinned with the run; credentials and retry settings checked before anything is recorded.

use crate::emulator::aws_test;
use crate::test::Test;

const REGION_SCRIPT: &str = "let region = param(\"region\", aws_region());\n\
    step \"where\" { #{ param: region, clients: aws_region(),\n\
        account: sts::get_caller_identity().Account } }\n\
    step \"then\" { if file_exists(\"stop\") { fail(\"stopped\") } aws_region() }\n";

/// The value of step `position` of `run`, from `status --json`.
#[test]
fn the_region_param_and_the_clients_region_are_one_value_pinned_with_the_run() {
    let (_guard, t) = aws_test();
    t.write("where.rhai", REGION_SCRIPT);
    t.write("stop", "");
    // Not given: the chain's region (AWS_REGION here), recorded with the run.
    t.run(&["exec", "where.rhai"]).status(1);
    t.run(&["status", "where-1"])
        .status(0)
        .stdout_has("params:  region=\"ap-northeast-1\"");
    let first = serde_json::json!({ "account": "123456789012", "clients": "ap-northeast-1",
                                    "param": "ap-northeast-1" });
    assert_eq!(t.step_value("where-1", 0), first);
    // A resume in a shell set to another region still works in the run's region.
    std::fs::remove_file(t.path("stop")).expect("remove stop");
    t.run_with_env(&["resume", "where-1"], &[("AWS_REGION", "eu-west-1")])
        .status(0);
    assert_eq!(t.step_value("where-1", 1), "ap-northeast-1");

    // Given: the clients are built for it; a --region that says otherwise is refused.
    t.run(&["exec", "where.rhai", "--param", "region=us-east-1"])
        .status(0);
    assert_eq!(t.step_value("where-2", 0)["clients"], "us-east-1");
    assert_eq!(t.step_value("where-2", 0)["param"], "us-east-1");
    t.run(&[
        "--region",
        "eu-west-1",
        "exec",
        "where.rhai",
        "--param",
        "region=us-east-1",
    ])
    .status(2)
    .stderr_is(
        "error: --region eu-west-1 and param region=us-east-1 disagree: the run's region \
             is one value (give one of them)\n",
    );
}

#[test]
fn no_region_and_no_credentials_are_usage_errors_before_any_run_is_recorded() {
    let t = Test::new()
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    t.write("where.rhai", REGION_SCRIPT);
    t.run(&["exec", "where.rhai"]).status(2).stderr_is(
        "error: no AWS region is set: give --region REGION (or --param region=REGION), set \
         AWS_REGION, or put `region = ...` in your AWS profile (`aws configure`)\n",
    );
    let no_keys = t.run(&["--region", "ap-northeast-1", "exec", "where.rhai"]);
    no_keys
        .status(2)
        .stderr_has("error: no AWS credentials (")
        .stderr_has("run `aws configure`, set AWS_PROFILE, or for the local emulator");
    t.run(&["runs"]).status(0).stdout_has("no runs in ");
    // A script without AWS needs neither.
    t.write("hello.rhai", "step \"hi\" { 1 }\n");
    t.run(&["exec", "hello.rhai"]).status(0);
}

#[test]
fn malformed_retry_settings_are_usage_errors() {
    let t = Test::new().env("AWS_MAX_ATTEMPTS", "lots");
    t.write("hello.rhai", "step \"hi\" { 1 }\n");
    t.run(&["exec", "hello.rhai"])
        .status(2)
        .stderr_is("error: AWS_MAX_ATTEMPTS=\"lots\" is not a number of attempts (1 or more)\n");
    let t = Test::new().env("AWS_RETRY_MODE", "eager");
    t.write("hello.rhai", "step \"hi\" { 1 }\n");
    t.run(&["exec", "hello.rhai"])
        .status(2)
        .stderr_is("error: AWS_RETRY_MODE=\"eager\" is not a retry mode (standard or adaptive)\n");
    let t = Test::new().env("AWS_RETRY_MODE", "adaptive");
    t.write("hello.rhai", "step \"hi\" { 1 }\n");
    t.run(&["--max-attempts", "4", "exec", "hello.rhai"])
        .status(0);
}

/// A TLS front for the emulator, with a certificate from its own authority: writes `ca.pem` into
/// `dir`, listens on a free loopback port (printed on stdout), relays bytes to `upstream`
/// (host:port) until its standard input closes.
const TLS_FRONT: &str = r#"
import datetime, ipaddress, os, socket, ssl, sys, threading
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
directory, upstream = sys.argv[1], sys.argv[2].rsplit(':', 1)
now = datetime.datetime.now(datetime.timezone.utc)
def certificate(subject, key, issuer, issuer_key, ca):
    builder = (x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())
ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
authority = 'runbook test authority'
ca = certificate(authority, ca_key, authority, ca_key, True)
server = certificate('127.0.0.1', server_key, authority, ca_key, False)
pem = lambda c: c.public_bytes(serialization.Encoding.PEM)
open(os.path.join(directory, 'ca.pem'), 'wb').write(pem(ca))
open(os.path.join(directory, 'server.pem'), 'wb').write(pem(server))
open(os.path.join(directory, 'key.pem'), 'wb').write(server_key.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(os.path.join(directory, 'server.pem'), os.path.join(directory, 'key.pem'))
listener = socket.create_server(('127.0.0.1', 0))
print(listener.getsockname()[1], flush=True)
def pump(a, b):
    try:
        while (data := a.recv(65536)):
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try: s.shutdown(socket.SHUT_RDWR)
            except OSError: pass
def serve(conn):
    try:
        tls = context.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError):
        conn.close()
        return
    back = socket.create_connection((upstream[0], int(upstream[1])))
    threading.Thread(target=pump, args=(tls, back), daemon=True).start()
    pump(back, tls)
def accept():
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()
threading.Thread(target=accept, daemon=True).start()
sys.stdin.read()
"#;

#[test]
fn aws_ca_bundle_is_the_authority_tls_trusts() {
    use std::io::BufRead;
    let (_guard, t) = aws_test();
    let moto = t
        .vars()
        .iter()
        .find(|(k, _)| k == "AWS_ENDPOINT_URL")
        .map(|(_, v)| v.trim_start_matches("http://").to_string())
        .expect("the emulator's endpoint");
    let python =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.local-aws/venv/bin/python");
    let mut front = std::process::Command::new(python)
        .args(["-c", TLS_FRONT])
        .arg(&t.dir)
        .arg(&moto)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start the TLS front");
    let mut port = String::new();
    std::io::BufReader::new(front.stdout.take().expect("stdout"))
        .read_line(&mut port)
        .expect("the TLS front's port");
    let endpoint = format!("https://127.0.0.1:{}", port.trim());
    let ca = t.path("ca.pem").display().to_string();
    t.write(
        "who.rhai",
        "step \"who\" { sts::get_caller_identity().Account }\n",
    );

    t.run_with_env(
        &["exec", "who.rhai"],
        &[("AWS_ENDPOINT_URL", &endpoint), ("AWS_CA_BUNDLE", &ca)],
    )
    .status(0);
    assert_eq!(t.step_value("who-1", 0), "123456789012");
    // Without the bundle, the test authority is nobody TLS trusts.
    t.run_with_env(&["exec", "who.rhai"], &[("AWS_ENDPOINT_URL", &endpoint)])
        .status(1)
        .stderr_has("sts GetCallerIdentity: DispatchFailure: ")
        .stderr_has("UnknownIssuer");
    t.run_with_env(&["exec", "who.rhai"], &[("AWS_CA_BUNDLE", "missing.pem")])
        .status(2)
        .stderr_has("error: AWS_CA_BUNDLE=missing.pem: cannot read the certificate bundle: ");
    drop(front.stdin.take());
    let _ = front.wait();
}

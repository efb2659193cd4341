//! `runbook init`: a project to start from, whose runbook checks, runs against the emulator
//! and is destroyed clean, with the definitions editors read for every binding and builtin.

use crate::emulator::{aws_test, boto3};
use crate::test::Test;

#[test]
fn init_scaffolds_a_runbook_that_checks_with_its_params_and_editor_definitions() {
    let t = Test::new();
    t.run(&["init", "demo"]).status(0).stdout_is(
        "created runbooks/demo.rhai\n\
         created demo.params.toml\n\
         created Rhai.toml\n\
         created .gitignore\n\
         wrote 17 definition files to ./.rhai/definitions (for editors with the Rhai language server)\n\
         next: `runbook check demo`, then `runbook exec demo --params demo.params.toml`\n",
    );
    assert_eq!(t.read(".gitignore"), ".runbook/\n");
    assert!(t.read("demo.params.toml").contains("prefix = \"demo\""));
    assert!(t.read("Rhai.toml").contains(".rhai/definitions/*.d.rhai"));
    t.run(&["check", "demo"])
        .status(0)
        .stdout_has("runbooks/demo.rhai: ok (3 steps)")
        .stdout_has("prefix          required")
        .stdout_has("log group  (line ");

    let ecr = t.read(".rhai/definitions/ecr.d.rhai");
    assert!(ecr.starts_with("module ecr;"), "{ecr}");
    assert!(
        ecr.contains(
            "/// Creates a repository.\n///\n/// `ecr::create_repository(#{ registryId, \
             repositoryName*,"
        ),
        "{ecr}"
    );
    assert!(ecr.contains("fn create_repository(input: map) -> map;"));
    assert!(ecr.contains("fn create_repository(input: map, options: map) -> map;"));
    let ecs = t.read(".rhai/definitions/ecs.d.rhai");
    assert!(ecs.contains("fn wait_services_stable(input: map, options: map) -> map;"));
    let builtins = t.read(".rhai/definitions/__static__.d.rhai");
    assert!(builtins.contains("fn param(name: string, default: ?) -> ?;"));
    assert!(builtins.contains("fn claim(resource: string, existed: bool) -> bool;"));
    assert!(builtins.contains("fn aws_region() -> string;"));
    let stdlib = t.read(".rhai/definitions/aws.d.rhai");
    assert!(
        stdlib.contains("fn ensure_log_group(name: ?) -> ?;"),
        "{stdlib}"
    );
    assert!(
        !stdlib.contains("anon$"),
        "closures are not functions to complete"
    );
}

#[test]
fn init_never_overwrites_a_changed_file_without_force() {
    let t = Test::new();
    t.write(".gitignore", "target");
    t.run(&["init", "demo"]).status(0);
    assert_eq!(t.read(".gitignore"), "target\n.runbook/\n");
    // Again: nothing differs, so only the definitions are written.
    t.run(&["init", "demo"])
        .status(0)
        .stdout_has("wrote 17 definition files");
    t.write("runbooks/demo.rhai", "step \"mine\" { 1 }\n");
    t.write("demo.params.toml", "prefix = \"mine\"\n");
    t.run(&["init", "demo"]).status(2).stderr_is(
        "error: runbooks/demo.rhai, demo.params.toml already exist in .: nothing was written \
         (--force overwrites)\n",
    );
    assert_eq!(t.read("runbooks/demo.rhai"), "step \"mine\" { 1 }\n");
    t.run(&["init", "demo", "--definitions"]).status(0);
    assert_eq!(t.read("runbooks/demo.rhai"), "step \"mine\" { 1 }\n");
    t.run(&["init", "demo", "--force"])
        .status(0)
        .stdout_has("created runbooks/demo.rhai\ncreated demo.params.toml\n");
    assert!(t
        .read("runbooks/demo.rhai")
        .contains("import \"aws\" as aws;"));
    t.run(&["init", "no good"])
        .status(2)
        .stderr_has("runbook name \"no good\": use letters, digits");
}

#[test]
fn the_scaffolded_runbook_runs_on_the_emulator_and_destroys_clean() {
    let (_guard, t) = aws_test();
    t.run(&["init", "demo"]).status(0);
    t.run(&["exec", "demo", "--params", "demo.params.toml"])
        .status(0)
        .stderr_has("/runbook/demo keeps 14 days; artifacts go to demo-artifacts-ap-northeast-1");
    let check = "logs = client('logs')\n\
         groups = logs.describe_log_groups(logGroupNamePrefix='/runbook/demo')['logGroups']\n\
         buckets = [b['Name'] for b in client('s3').list_buckets()['Buckets']]\n\
         print([(g['logGroupName'], g.get('retentionInDays')) for g in groups], buckets)";
    assert_eq!(
        boto3(check).trim(),
        "[('/runbook/demo', 14)] ['demo-artifacts-ap-northeast-1']"
    );
    t.run(&["destroy", "demo-1", "--yes"]).status(0);
    assert_eq!(boto3(check).trim(), "[] []");
}

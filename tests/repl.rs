//! `runbook repl`: sessions piped on stdin (state across inputs, errors that do not end the
//! session, `:load` and `:save`), a session on a pseudo-terminal (completion, hints,
//! multi-line input, Ctrl-C, history) and `--run` over a finished setup run.

use std::process::Command;

use crate::emulator::{aws_test, boto3, reset_emulator};
use crate::pty::Pty;
use crate::seed::{network, project, setup};
use crate::test::{Test, BIN};

#[test]
fn a_piped_session_keeps_state_and_goes_on_after_errors() {
    let t = Test::new();
    let session = "let x = 40;\n\
                   fn twice(n) { n * 2 }\n\
                   x + 2\n\
                   nope + 1\n\
                   twice(x)\n\
                   let m = #{\n  a: 1,\n  b: [1, 2]\n};\n\
                   m\n\
                   let y = 1; throw \"boom\"\n\
                   y\n\
                   step \"s\" { x + 1 }\n\
                   :vars\n\
                   :nope\n";
    let ran = t.run_stdin(&["repl"], session);
    // It went on past each failed input, and a script feeding it learns that some failed.
    ran.status(1).stdout_is(
        "42\n80\n{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ]\n}\n41\n\
         let x: i64 = 40\nlet m: map = {\"a\":1,\"b\":[1,2]}\n",
    );
    ran.stderr_is(
        "error: Undefined variable: nope\n --> <input 4>:1:1\n  |\n1 | nope + 1\n  | ^\n\
         error: boom\n --> <input 8>:1:12\n  |\n1 | let y = 1; throw \"boom\"\n  |            ^\n\
         error: Undefined variable: y\n --> <input 9>:1:1\n  |\n1 | y\n  | ^\n\
         ran      s (<time>; ad hoc, not journaled)\n\
         error: unknown command :nope (:help lists them)\n\
         3 inputs failed; the session went on past each (exit 1)\n",
    );
}

#[test]
fn secrets_are_masked_in_results_and_quit_ends_the_session() {
    let t = Test::new().env("RUNBOOK_SECRET_TOKEN", "hunter2-value");
    let ran = t.run_stdin(
        &["repl"],
        "let s = secret(\"token\");\n\"pre-\" + s\n:vars\n:quit\n\"never shown\"\n",
    );
    ran.status(0)
        .stdout_is("\"pre-***\"\nlet s: string = \"***\"\n");
    assert!(!ran.stderr.contains("hunter2"), "{}", ran.stderr);
}

#[test]
fn load_runs_a_file_in_the_session_with_its_paths_relative_to_it() {
    let t = Test::new();
    t.write("sub/note.txt", "hello");
    t.write(
        "sub/read.rhai",
        "let note = read_file(\"note.txt\");\nfn shout(s) { s.to_upper() }\n",
    );
    t.run_stdin(
        &["repl"],
        ":load sub/read.rhai\nshout(note)\nfile_exists(\"note.txt\")\n:load nowhere.rhai\n",
    )
    .status(0)
    .stdout_is("\"HELLO\"\nfalse\n")
    .stderr_has("loaded sub/read.rhai\n")
    .stderr_has("error: cannot read nowhere.rhai: No such file or directory");
}

#[test]
fn help_explains_bindings_stdlib_functions_and_builtins() {
    let t = Test::new();
    crate::seed::project(&t);
    let ran = t.run_stdin(
        &["repl"],
        ":help ecr::create_repository\n:help aws::trust_policy\n:help param\n:help ecr::creat\n",
    );
    ran.status(0)
        .stdout_has(
            "ecr::create_repository(#{ registryId, repositoryName*, tags, imageTagMutability, \
             imageTagMutabilityExclusionFilters, imageScanningConfiguration, \
             encryptionConfiguration })\n    Creates a repository. (ecr CreateRepository; \
             changes the world: in a runbook it must run inside a step)\nexample:\n    \
             let repo = ecr::create_repository(",
        )
        .stdout_has(
            "aws::trust_policy(service)\n    A trust policy for one AWS service. The principal \
             is a single string, not a list:\n    moto only lets CodePipeline",
        )
        .stdout_has("param(name[, default])\n    a param of the run, typed like its default\n")
        .stderr_is("error: nothing named ecr::creat (did you mean \"ecr::create_repository\"?)\n");
}

#[test]
fn an_aws_error_mid_session_is_rendered_as_exec_renders_it_and_the_session_goes_on() {
    let (_guard, t) = aws_test();
    let ran = t.run_stdin(
        &["repl"],
        "ecr::describe_repositories(#{ repositoryNames: [\"missing\"] })\n\
         ecr::create_repository(#{ repositoryName: \"repl_demo\", imageTagMutabilty: \"X\" })\n\
         let r = ecr::create_repository(#{ repositoryName: \"repl_demo\" });\n\
         r.repository.repositoryName\n",
    );
    ran.status(1).stdout_is("\"repl_demo\"\n");
    assert_eq!(
        ran.stderr,
        "error: ecr DescribeRepositories: RepositoryNotFoundException: The repository with \
         name 'missing' does not exist in the registry with id '123456789012'\n \
         --> <input 1>:1:6\n  |\n1 | ecr::describe_repositories(#{ repositoryNames: \
         [\"missing\"] })\n  |      ^\n\
         error: ecr CreateRepository: ParamValidation: imageTagMutabilty: unknown member (did \
         you mean \"imageTagMutability\"?) (members: registryId, repositoryName, tags, \
         imageTagMutability, imageTagMutabilityExclusionFilters, imageScanningConfiguration, \
         encryptionConfiguration)\n --> <input 2>:1:56\n  |\n1 | \
         ecr::create_repository(#{ repositoryName: \"repl_demo\", imageTagMutabilty: \"X\" })\n  \
         |                                                        ^\n\
         note: ecr::create_repository ran ad hoc, not journaled (`:save` wraps it in a step)\n\
         2 inputs failed; the session went on past each (exit 1)\n"
    );
}

const SAVED: &str = "\
// Saved from `runbook repl`: each input that changed the world is a step. Review the
// step names, make the steps safe to repeat (adopt what exists), add undo blocks.

let name = \"repl_saved\";
let repo = step \"ecr::create_repository\" {
    ecr::create_repository(#{ repositoryName: name })
};
let found = ecr::describe_repositories(#{ repositoryNames: [name] });
found.repositories.len();
fn tag(name, value) {
    iam::tag_role(#{ RoleName: name, Tags: [#{ Key: \"k\", Value: value }] })
}
iam::create_role(#{ RoleName: \"repl_role\", AssumeRolePolicyDocument: \
#{ Version: \"2012-10-17\", Statement: [] } }).Role.Arn;
tag(\"repl_role\", \"v\");
";

#[test]
fn save_writes_a_runbook_that_exec_runs_and_load_brings_it_back() {
    let (_guard, t) = aws_test();
    let ran = t.run_stdin(
        &["repl"],
        "let name = \"repl_saved\";\n\
         let repo = ecr::create_repository(#{ repositoryName: name });\n\
         let found = ecr::describe_repositories(#{ repositoryNames: [name] });\n\
         found.repositories.len()\n\
         bad_call()\n\
         fn tag(name, value) {\n    iam::tag_role(#{ RoleName: name, Tags: [#{ Key: \"k\", Value: value }] })\n}\n\
         iam::create_role(#{ RoleName: \"repl_role\", AssumeRolePolicyDocument: \
         #{ Version: \"2012-10-17\", Statement: [] } }).Role.Arn\n\
         tag(\"repl_role\", \"v\")\n\
         :save saved.rhai\n",
    );
    ran.status(1)
        .stdout_is("1\n\"arn:aws:iam::123456789012:role/repl_role\"\n{}\n")
        .stderr_has("error: unknown function bad_call\n --> <input 5>:1:1\n")
        .stderr_has("wrote saved.rhai: 7 inputs, 3 steps");
    let saved = t.read("saved.rhai");
    // The statements that change the world are steps, so `exec` takes the file as it is.
    let expected = SAVED
        .replace(
            "iam::create_role(#{ RoleName: \"repl_role\", AssumeRolePolicyDocument: \
         #{ Version: \"2012-10-17\", Statement: [] } }).Role.Arn;",
            "step \"iam::create_role\" {\n    iam::create_role(#{ RoleName: \"repl_role\", \
         AssumeRolePolicyDocument: #{ Version: \"2012-10-17\", Statement: [] } }).Role.Arn\n};",
        )
        .replace(
            "tag(\"repl_role\", \"v\");",
            "step \"tag\" {\n    tag(\"repl_role\", \"v\")\n};",
        );
    assert_eq!(saved, expected);

    reset_emulator();
    t.run(&["exec", "saved.rhai"])
        .status(0)
        .stderr_has("done     ecr::create_repository")
        .stderr_has("done     iam::create_role")
        .stderr_has("done     tag")
        .stderr_has("run saved-1 done: 3 ran, 0 replayed");
    let made = boto3(
        "print(client('ecr').describe_repositories()['repositories'][0]['repositoryName'], \
         client('iam').list_role_tags(RoleName='repl_role')['Tags'])",
    );
    assert_eq!(made.trim(), "repl_saved [{'Key': 'k', 'Value': 'v'}]");

    reset_emulator();
    let loaded = t.run_stdin(
        &["repl"],
        ":load saved.rhai\nrepo.repository.repositoryName\n:save again.rhai\n",
    );
    loaded
        .status(0)
        .stdout_is("\"repl_saved\"\n")
        .stderr_has("ran      ecr::create_repository (")
        .stderr_has("ran      tag (")
        .stderr_has("loaded saved.rhai\n");
    let again = t.read("again.rhai");
    assert!(
        again.contains(&format!(
            "// :load saved.rhai\n{}",
            SAVED.lines().next().unwrap()
        )),
        "{again}"
    );
    t.run(&["check", "again.rhai"]).status(0);
}

#[test]
fn run_attaches_a_finished_setup_runs_params_and_step_values() {
    let (_guard, t) = aws_test();
    project(&t);
    let network = network();
    setup(&t, &network, &[]);
    let ran = t.run_stdin(
        &["repl", "--run", "setup-1"],
        ":steps\ncodecommit_repository.Arn\necr_repository.repositoryArn\nsubnets\n\
         param(\"repo\", \"other\")\n\
         let first = subnets.split(\",\")[0]; // a read\n\
         :save attached.rhai\n",
    );
    ran.status(0)
        .stdout_has("run setup-1 (done): step -> variable\n")
        .stdout_has("  account_id               \"account id\" (line 67, done)\n")
        .stdout_has("params as variables: region, security_groups, stand_in_push, subnets\n");
    let arns = boto3(
        "print(client('codecommit').get_repository(repositoryName='example_2022_1126')\
         ['repositoryMetadata']['Arn'])\n\
         print(client('ecr').describe_repositories()['repositories'][0]['repositoryArn'])",
    );
    let arns: Vec<&str> = arns.lines().collect();
    let subnet = network[1].trim_start_matches("subnets=");
    assert!(
        ran.stdout.ends_with(&format!(
            "\"{}\"\n\"{}\"\n\"{subnet}\"\n\"other\"\n",
            arns[0], arns[1]
        )),
        "{}",
        ran.stdout
    );
    // The run's values the inputs read come first, params as params, so the file stands
    // alone; those they do not read (account_id) stay out.
    let saved = t.read("attached.rhai");
    let values = saved
        .split_once("// Values from run setup-1:\n")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("{saved}"));
    let defined: Vec<&str> = values
        .lines()
        .filter_map(|line| line.strip_prefix("let "))
        .map(|line| line.split(' ').next().unwrap_or(line))
        .collect();
    assert_eq!(
        defined,
        [
            "subnets",
            "codecommit_repository",
            "ecr_repository",
            "first"
        ],
        "{saved}"
    );
    assert!(
        saved.contains(&format!("let subnets = param(\"subnets\", \"{subnet}\");")),
        "{saved}"
    );
    assert!(
        saved.ends_with("let first = subnets.split(\",\")[0];\n// a read\n"),
        "{saved}"
    );
    t.run(&["exec", "attached.rhai"])
        .status(0)
        .stderr_has("run attached-1 done: 0 ran, 0 replayed");
}

fn terminal(t: &Test, args: &[&str]) -> Pty {
    let mut command = Command::new(BIN);
    command.args(args).current_dir(&t.dir);
    for (key, value) in t.vars() {
        command.env(key, value);
    }
    Pty::spawn(command)
}

/// Waits for a new prompt. Rustyline reprints the prompt with each redraw of the line, so
/// only one after a line break is new; a control key sent before it can reach the terminal
/// while it is not in raw mode, where the line discipline swallows ^D and turns ^C into a
/// signal.
fn fresh_prompt(pty: &mut Pty) {
    pty.expect("\nrunbook> ");
}

/// A hint is dimmed, unless NO_COLOR asks for plain text.
#[test]
fn hints_are_dimmed_unless_no_color_is_set() {
    let t = Test::new();
    for no_color in [false, true] {
        let mut command = Command::new(BIN);
        command
            .arg("repl")
            .current_dir(&t.dir)
            .env_remove("NO_COLOR");
        for (key, value) in t.vars() {
            command.env(key, value);
        }
        if no_color {
            command.env("NO_COLOR", "1");
        }
        let mut pty = Pty::spawn(command);
        fresh_prompt(&mut pty);
        pty.send("ecr::describe_repositori");
        pty.expect("es(#{ registryId, repositoryNames");
        assert_eq!(
            pty.raw().contains("\x1b[2mes(#{"),
            !no_color,
            "NO_COLOR set: {no_color}"
        );
        pty.send("\x03");
        fresh_prompt(&mut pty);
        pty.send("\x04");
        assert_eq!(pty.wait(), Some(0));
    }
}

/// Members below the top level of a binding's input come from the models' shapes: a
/// container definition inside `containerDefinitions`, a port mapping inside it.
#[test]
fn tab_completes_members_of_maps_nested_in_a_bindings_input() {
    let t = Test::new();
    let mut pty = terminal(&t, &["repl"]);
    fresh_prompt(&mut pty);
    pty.send("let input = ecs::register_task_definition(#{ family: \"f\", containerDefinitions: [#{ portM\t");
    pty.expect("portMappings: ");
    // containerPort and containerPortRange: Tab completes what they share.
    pty.send("[#{ containerP\t");
    pty.expect("[#{ containerPort");
    pty.send(": 80, hostP\t");
    pty.expect("containerPort: 80, hostPort: ");
    pty.send("\x03");
    fresh_prompt(&mut pty);
    // A member that holds no map has nothing below it to offer.
    pty.send("ecs::register_task_definition(#{ family: #{ na\t\t");
    pty.send("\x03");
    fresh_prompt(&mut pty);
    assert!(!pty.raw().contains("family: #{ name"), "{}", pty.raw());
    pty.send("\x04");
    assert_eq!(pty.wait(), Some(0));
}

#[test]
fn on_a_terminal_tab_completes_modules_functions_members_and_resource_names() {
    let (_guard, t) = aws_test();
    boto3(
        "client('ecr').create_repository(repositoryName='pty_repo')\n\
         client('ecs').create_cluster(clusterName='pty_cluster')",
    );
    let mut pty = terminal(&t, &["repl"]);
    pty.expect("Tab completes");
    fresh_prompt(&mut pty);

    // A module: unique, then ambiguous (the second Tab lists the candidates).
    pty.send("codeco\t");
    pty.expect("codecommit::");
    pty.send("\x03");
    fresh_prompt(&mut pty);
    pty.send("ec\t\t");
    pty.expect("ecr::");
    pty.expect("ecs::");
    // A function, with its signature as a hint; a member name; a resource name.
    pty.send("r::describe_repositori");
    pty.expect("es(#{ registryId, repositoryNames, nextToken, maxResults");
    pty.send("\t#{ repositoryN\t[\"pty_\t] }).repositories[0].repositoryName\r");
    pty.expect("ecr::describe_repositories(#{ repositoryNames: [\"pty_repo\"] })");
    pty.expect("\"pty_repo\"");
    fresh_prompt(&mut pty);

    // ECS lists clusters by ARN; completion offers the names calls take.
    pty.send("ecs::describe_clusters(#{ clusters: [\"pty\t] }).clusters.len()\r");
    pty.expect("[\"pty_cluster\"] }).clusters.len()");
    pty.expect("1");
    fresh_prompt(&mut pty);

    // Multi-line input while the parser wants more.
    pty.send("let m = #{\r");
    pty.send("  a: 1 + 1\r");
    pty.send("};\r");
    fresh_prompt(&mut pty);
    pty.send("m.a * 21\r");
    pty.expect("42");
    fresh_prompt(&mut pty);

    // Ctrl-C cancels a call in flight, and the session goes on.
    pty.send("print(\"zz\" + \"z\"); sleep(600)\r");
    pty.expect("zzz");
    pty.send("\x03");
    pty.expect("interrupted: the call in flight was cancelled");
    fresh_prompt(&mut pty);
    pty.send("1 + 1\r");
    pty.expect("2");
    fresh_prompt(&mut pty);
    pty.send("\x04");
    assert_eq!(pty.wait(), Some(0));
    let history = t.read("state/runbook/repl_history");
    assert!(history.contains("m.a * 21"), "{history}");
}

/// `:region` and `:profile` rebuild the bindings: a repository made in one region is not
/// seen from another.
#[test]
fn region_switches_the_clients_for_the_inputs_that_follow() {
    let (_guard, t) = aws_test();
    let session = ":region\n\
                   :region us-east-1\n\
                   aws_region()\n\
                   ecr::create_repository(#{ repositoryName: \"east\" }).repository.repositoryArn\n\
                   :region ap-northeast-1\n\
                   ecr::describe_repositories().repositories.len()\n\
                   :region us-east-1\n\
                   ecr::describe_repositories().repositories[0].repositoryName\n";
    let ran = t.run_stdin(&["repl"], session);
    ran.status(0);
    assert_eq!(
        ran.stdout,
        "profile default, region ap-northeast-1\nprofile default, region us-east-1\n\
         \"us-east-1\"\n\"arn:aws:ecr:us-east-1:123456789012:repository/east\"\n\
         profile default, region ap-northeast-1\n0\nprofile default, region us-east-1\n\
         \"east\"\n"
    );
}

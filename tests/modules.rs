//! `import`: modules next to the script and in the project's `stdlib/`.

use crate::test::Test;

#[test]
fn a_runbook_imports_from_its_directory_and_the_stdlib() {
    let t = Test::new();
    t.write(
        "stdlib/names.rhai",
        "fn role_name(project) { `codebuild-${project}-service-role` }\n",
    );
    t.write("runbooks/local.rhai", "fn twice(x) { x * 2 }\n");
    t.write(
        "runbooks/setup.rhai",
        "import \"names\" as names;\nimport \"local\" as local;\n\
         step \"names\" { #{ role: names::role_name(\"example\"), n: local::twice(21) } }\n",
    );
    t.run(&["exec", "setup.rhai"]).status(0);
    t.run(&["status", "setup-1"])
        .status(0)
        .stdout_has(r#"= {"n":42,"role":"codebuild-example-service-role"}"#);
}

/// A module is read and run once, however many imports name it: its top-level code runs
/// once, and every importer sees the same functions.
#[test]
fn a_module_imported_twice_runs_once() {
    let t = Test::new();
    t.write("once.rhai", "print(\"once loaded\");\nfn n() { 7 }\n");
    t.write(
        "user.rhai",
        "import \"once\" as once;\nfn m() { once::n() * 6 }\n",
    );
    t.write(
        "main.rhai",
        "import \"once\" as once;\nimport \"user\" as user;\n\
         step \"both\" { [once::n(), user::m()] }\n",
    );
    let ran = t.run(&["exec", "main.rhai"]);
    ran.status(0);
    assert_eq!(
        ran.stdout.matches("once loaded").count(),
        1,
        "{}",
        ran.stdout
    );
    t.run(&["status", "main-1"])
        .status(0)
        .stdout_has("= [7,42]");
}

#[test]
fn an_error_inside_a_module_points_into_the_module() {
    let t = Test::new();
    t.write(
        "stdlib/checks.rhai",
        "fn positive(n) {\n    if n <= 0 { throw `not positive: ${n}`; }\n    n\n}\n",
    );
    t.write(
        "runbooks/use.rhai",
        "import \"checks\" as checks;\nstep \"check\" { checks::positive(-1) }\n",
    );
    t.run(&["exec", "use.rhai"])
        .status(1)
        .stderr_has("error: not positive: -1\n")
        .stderr_has("checks.rhai:2:17\n")
        .stderr_has("2 |     if n <= 0 { throw `not positive: ${n}`; }\n")
        .stderr_has("= step: check\n");
}

/// A module's call to a function that exists nowhere is refused before the first step, as
/// the script's own is, pointing into the module: not when a step gets to it.
#[test]
fn an_unknown_function_in_a_module_exits_3_before_any_step_runs() {
    let t = Test::new();
    t.write(
        "stdlib/net.rhai",
        "fn subnets(vpc) {\n    ec2::describe_subnetz(#{ Filters: [] })\n}\n",
    );
    t.write(
        "runbooks/use.rhai",
        "import \"net\" as net;\nstep \"first\" { append_file(\"ran\", \"x\") }\n\
         step \"nets\" { net::subnets(\"vpc-1\") }\n",
    );
    t.run(&["exec", "use.rhai"])
        .status(3)
        .stderr_has(
            "error: unknown function ec2::describe_subnetz (did you mean \"describe_subnets\"?)\n",
        )
        .stderr_has(" --> stdlib/net.rhai:2:10\n")
        .stderr_has("2 |     ec2::describe_subnetz(#{ Filters: [] })\n");
    assert_eq!(t.read("runbooks/ran"), "");
    t.run(&["check", "use.rhai"])
        .status(3)
        .stderr_has("unknown function ec2::describe_subnetz");
}

#[test]
fn list_files_walks_a_directory_relative_to_the_script() {
    let t = Test::new();
    t.write("runbooks/assets/buildspec.yml", "version: 0.2\n");
    t.write("runbooks/assets/nginx/Dockerfile", "FROM nginx\n");
    t.write(
        "runbooks/files.rhai",
        "step \"files\" { list_files(\"assets\") }\n",
    );
    t.run(&["exec", "files.rhai"]).status(0);
    t.run(&["status", "files-1"])
        .status(0)
        .stdout_has(r#"= ["buildspec.yml","nginx/Dockerfile"]"#);
}

/// A runbook copied out of the repository still finds the stdlib: it is built into the
/// binary, and `check` and `exec` agree; a module file of the same name still wins.
#[test]
fn the_stdlib_travels_with_the_binary() {
    // The stdlib calls AWS, so a run that imports it checks for credentials first.
    let t = Test::new()
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing");
    t.write(
        "elsewhere/x.rhai",
        "import \"aws\" as aws;\nimport \"seed\" as seed;\n\
         step \"names\" { #{ trust: aws::trust_policy(\"codebuild.amazonaws.com\").Statement[0].Principal.Service,\n\
                           role: seed::codebuild_role_name(\"p\") } }\n",
    );
    t.write(
        "elsewhere/setup.rhai",
        include_str!("../runbooks/setup.rhai"),
    );
    t.run(&["check", "elsewhere/setup.rhai"]).status(0);
    t.run(&["check", "elsewhere/x.rhai"]).status(0);
    t.run(&["exec", "elsewhere/x.rhai"]).status(0);
    t.run(&["status", "x-1"])
        .status(0)
        .stdout_has(r#"= {"role":"codebuild-p-service-role","trust":"codebuild.amazon..."#);

    t.write(
        "elsewhere/aws.rhai",
        "fn trust_policy(s) { #{ Statement: [#{ Principal: #{ Service: `mine ${s}` } }] } }\n",
    );
    t.write(
        "elsewhere/y.rhai",
        "import \"aws\" as aws;\nprint(aws::trust_policy(\"z\").Statement[0].Principal.Service);\n",
    );
    t.run(&["exec", "elsewhere/y.rhai"])
        .status(0)
        .stdout_is("mine z\n");
}

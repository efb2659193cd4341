//! Bad input gets a documented exit code and a message pointing at the place; never a panic
//! (the `Test` fixture fails any run whose stderr says "panicked").

use crate::test::Test;

fn quiet(t: &Test, script: &str, args: &[&str]) -> crate::test::Ran {
    t.write("bad.rhai", script);
    let mut all = vec!["-q", "exec", "bad.rhai"];
    all.extend_from_slice(args);
    t.run(&all)
}

#[test]
fn a_syntax_error_exits_3_pointing_at_the_place() {
    let t = Test::new();
    quiet(&t, "let x = 1;\nstep \"a\" { x + }\n", &[])
        .status(3)
        .stderr_is(
            "error: Unexpected '}'\n --> bad.rhai:2:16\n  |\n\
         2 | step \"a\" { x + }\n  |                ^\n",
        );
    assert!(
        !t.path(".runbook").exists(),
        "nothing is recorded for a script that does not compile"
    );
}

/// A byte the terminal would not show is named: Rhai alone says "Unexpected ' '".
#[test]
fn a_nul_byte_in_the_script_is_named_as_such() {
    let t = Test::new();
    quiet(&t, "step \"a\" { 1 }\n\0\n", &[])
        .status(3)
        .stderr_has(
            "error: unexpected NUL byte (\\0) where code was expected (is the file text?)\n \
             --> bad.rhai:2:1\n",
        );
}

#[test]
fn an_unknown_function_exits_3_before_any_step_runs() {
    let t = Test::new();
    let script = "step \"a\" { append_file(\"ran\", \"x\") }\nstep \"b\" { sleeep(1) }\n";
    quiet(&t, script, &[]).status(3).stderr_is(
        "error: unknown function sleeep (did you mean \"sleep\"?)\n --> bad.rhai:2:12\n  |\n\
         2 | step \"b\" { sleeep(1) }\n  |            ^\n",
    );
    assert_eq!(t.read("ran"), "");
    t.run(&["check", "bad.rhai"])
        .status(3)
        .stderr_has("unknown function sleeep");
}

#[test]
fn an_unknown_function_called_as_a_whole_statement_is_caught_too() {
    // Rhai keeps a call that is a statement of its own apart from calls in expressions.
    let t = Test::new();
    t.write("bad.rhai", "let a = 1;\nsleeep(a);\n");
    t.run(&["check", "bad.rhai"]).status(3).stderr_is(
        "error: unknown function sleeep (did you mean \"sleep\"?)\n --> bad.rhai:2:1\n  |\n\
         2 | sleeep(a);\n  | ^\n",
    );
}

#[test]
fn an_undefined_variable_exits_3() {
    let t = Test::new();
    quiet(&t, "step \"a\" { reigon }\n", &[])
        .status(3)
        .stderr_has("error: Undefined variable: reigon\n --> bad.rhai:1:12\n");
}

#[test]
fn a_missing_param_exits_2_naming_where_it_is_asked_for() {
    let t = Test::new();
    quiet(
        &t,
        "let repo = param(\"repo\");\nstep \"a\" { repo }\n",
        &[],
    )
    .status(2)
    .stderr_is(
        "error: param repo: missing (asked for at bad.rhai:1:12): give it with --param \
         repo=VALUE or in the params file\n",
    );
}

#[test]
fn an_unknown_param_exits_2_with_a_suggestion() {
    let t = Test::new();
    quiet(
        &t,
        "let repo = param(\"repo\", \"r\");\n",
        &["--param", "rep=x"],
    )
    .status(2)
    .stderr_is("error: unknown param rep (did you mean \"repo\"?): bad.rhai uses repo\n");
}

#[test]
fn a_param_of_the_wrong_type_exits_2() {
    let t = Test::new();
    quiet(
        &t,
        "let n = param(\"count\", 1);\nstep \"a\" { n }\n",
        &["--param", "count=many"],
    )
    .status(2)
    .stderr_has("error: param count: expected i64 (like the default), got \"many\"\n");
}

#[test]
fn a_malformed_param_exits_2() {
    let t = Test::new();
    quiet(&t, "step \"a\" { 1 }\n", &["--param", "novalue"])
        .status(2)
        .stderr_is("error: --param \"novalue\": expected NAME=VALUE, got \"novalue\"\n");
}

/// A param too large to record with the run is refused before the run is recorded.
#[test]
fn a_param_too_large_to_record_exits_2_before_the_run_starts() {
    let t = Test::new();
    let big = serde_json::json!({ "blob": "x".repeat(50 << 20) });
    t.write("params.json", &big.to_string());
    quiet(
        &t,
        "step \"a\" { param(\"blob\").len() }\n",
        &["--params", "params.json"],
    )
    .status(2)
    .stderr_is(
        "error: param blob is 50.0 MiB, over the 1 MiB a param may hold (params are \
             recorded with the run): pass a file's path instead and `read_file` it\n",
    );
    assert!(!t.path(".runbook/runs").exists(), "no run is recorded");
}

#[test]
fn an_unreadable_file_exits_2() {
    let t = Test::new();
    t.run(&["exec", "missing.rhai"]).status(2).stderr_is(
        "error: cannot read missing.rhai: no such file (looked for missing.rhai, \
         runbooks/missing.rhai)\n",
    );
    t.write("p.json", "{ not json");
    t.write("ok.rhai", "step \"a\" { 1 }\n");
    t.run(&["exec", "ok.rhai", "--params", "p.json"])
        .status(2)
        .stderr_has("error: params file p.json: key must be a string at line 1 column 3\n");
}

#[test]
fn a_bare_name_is_found_in_runbooks() {
    let t = Test::new();
    t.write("runbooks/hello.rhai", "step \"hi\" { 1 }\n");
    t.run(&["exec", "hello.rhai"])
        .status(0)
        .stderr_has("run hello-1 (exec runbooks/hello.rhai)");
}

#[test]
fn an_unknown_command_or_flag_exits_2() {
    let t = Test::new();
    t.run(&["frobnicate"])
        .status(2)
        .stderr_has("unrecognized subcommand 'frobnicate'");
    t.run(&["status"])
        .status(2)
        .stderr_has("required arguments were not provided");
    t.run(&["status", "nope-1"])
        .status(2)
        .stderr_has("error: no run named \"nope-1\"");
    t.run(&["resume"])
        .status(2)
        .stderr_has("error: no unfinished run in .runbook");
}

#[test]
fn a_runtime_error_in_a_step_points_at_the_line_and_names_the_step() {
    let t = Test::new();
    let script =
        "fn check(x) {\n    x.len() + 1 + true\n}\nstep \"validate\" {\n    check(\"abc\")\n}\n";
    quiet(&t, script, &[]).status(1).stderr_is(
        "error: Function not found: + (i64, bool)\n --> bad.rhai:2:17\n  |\n\
         2 |     x.len() + 1 + true\n  |                 ^\n  \
         = step: validate\n  = note: in function check, called at line 5\n  \
         = note: fix the cause, then `runbook resume bad-1` goes on from this step\n",
    );
}

/// The text given to `eval` is in no file: the error points at the `eval` call and says
/// where in the text it happened, not at the same line and column of the script.
#[test]
fn an_error_inside_eval_points_at_the_eval_call() {
    // An `eval` may call AWS, so the run resolves credentials first (none is sent).
    let t = Test::new()
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "example")
        .env("AWS_REGION", "us-east-1");
    let script = "let n = 1;\nstep \"e\" {\n    eval(\"let a = 1;\\nsleeep(a)\")\n}\n";
    quiet(&t, script, &[]).status(1).stderr_is(
        "error: Function not found: sleeep (i64)\n --> bad.rhai:3:10\n  |\n\
         3 |     eval(\"let a = 1;\\nsleeep(a)\")\n  |          ^\n  \
         = step: e\n  = note: in the text given to eval, at line 2, column 1\n  \
         = note: in function eval, called at line 3\n  \
         = note: fix the cause, then `runbook resume bad-1` goes on from this step\n",
    );
}

#[test]
fn a_value_that_json_cannot_hold_fails_the_step() {
    let t = Test::new();
    quiet(&t, "step \"f\" { #{ f: Fn(\"len\") } }\n", &[])
        .status(1)
        .stderr_has(
            "error: step \"f\" returned a value that `f` is a Fn, which cannot be recorded",
        );
}

#[test]
fn nested_steps_and_changes_outside_steps_are_refused() {
    let t = Test::new();
    quiet(&t, "step \"outer\" { step \"inner\" { 1 } }\n", &[])
        .status(1)
        .stderr_has("error: step \"inner\" is inside step \"outer\": steps cannot be nested");
    quiet(&t, "append_file(\"x\", \"y\");\n", &[])
        .status(1)
        .stderr_has(
            "error: append_file changes the world, so it must run inside a step: code outside \
         steps runs again on every resume\n --> bad.rhai:1:1\n",
        );
}

#[test]
fn bad_step_syntax_and_options_are_explained() {
    let t = Test::new();
    quiet(&t, "step \"a\" 42\n", &[])
        .status(3)
        .stderr_has("expected '{' to open the step's body");
    quiet(&t, "step \"a\", #{ retrys: 2 } { 1 }\n", &[])
        .status(1)
        .stderr_has("unknown step option \"retrys\" (did you mean \"retries\"?)");
    quiet(&t, "step 42 { 1 }\n", &[])
        .status(1)
        .stderr_has("a step's name must be a string, not i64");
}

#[test]
fn binding_inputs_written_in_the_script_are_checked_against_the_models_before_a_run() {
    let t = Test::new();
    t.write(
        "typo.rhai",
        "let name = \"web\";\n\
         step \"a\" { append_file(\"ran\", \"x\") }\n\
         step \"b\" {\n    \
             ecs::create_service(#{ cluster: name, serviceName: name, desiredCount: \"1\" });\n    \
             ecs::create_service(#{ serviceName: name,\n        \
                 deploymentConfiguration: #{ maximumPercnt: 200 } });\n    \
             ecr::create_repository(#{ imageTagMutability: \"MUTABLE\" });\n    \
             ecr::put_image_tag_mutability(#{ repositoryName: name, imageTagMutability: \"IMUTABLE\" });\n    \
             ecs::wait_services_stable(#{ clustr: name, services: [name] });\n    \
             ecr::create_repository(#{ repositoryName: name, tags: [#{ Key: \"k\", Value: name }] });\n    \
             ecs::describe_services(#{ cluster: name, services: name });\n\
         }\n",
    );
    for args in [&["check", "typo.rhai"][..], &["-q", "exec", "typo.rhai"]] {
        t.run(args)
            .status(3)
            // The first, where the member is written, in the words the call would use.
            .stderr_has(
                "error: ecs CreateService: ParamValidation: desiredCount: expected an integer, \
                 got a string\n --> typo.rhai:4:62\n",
            )
            .stderr_has(
                "= note: also at line 6: ecs CreateService: ParamValidation: \
                 deploymentConfiguration.maximumPercnt: unknown member (did you mean \
                 \"maximumPercent\"?)",
            )
            .stderr_has(
                "= note: also at line 7: ecr CreateRepository: ParamValidation: repositoryName: \
                 required member is missing",
            )
            .stderr_has(
                "= note: also at line 8: ecr PutImageTagMutability: ParamValidation: \
                 imageTagMutability: \"IMUTABLE\" is not one of",
            )
            .stderr_has("(did you mean \"IMMUTABLE\"?)")
            // A wait takes the input of the operation it polls.
            .stderr_has(
                "= note: also at line 9: ecs DescribeServices: ParamValidation: clustr: unknown \
                 member (did you mean \"cluster\"?)",
            );
    }
    let ran = t.run(&["check", "typo.rhai"]);
    // Members given by variables may be right once known: lines 10 and 11 are not refused.
    assert!(
        !ran.stderr.contains("line 10") && !ran.stderr.contains("line 11"),
        "{}",
        ran.stderr
    );
    assert!(!t.path("ran").exists(), "nothing ran");
}

#[test]
fn the_seed_runbooks_and_the_stdlib_pass_the_static_checks() {
    let t = Test::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace");
    for file in [
        "runbooks/setup.rhai",
        "runbooks/verify.rhai",
        "runbooks/hello.rhai",
        "stdlib/aws.rhai",
        "stdlib/seed.rhai",
    ] {
        let path = root.join(file);
        t.run(&["check", path.to_str().expect("a UTF-8 path")])
            .status(0);
    }
}

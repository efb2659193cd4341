//! An edited script against its run: `plan` shows what changed, `resume` refuses what it
//! cannot replay safely.

use crate::test::Test;

const ORIGINAL: &str = r#"let tag = param("tag", "v1");
step "one" { append_file("count-one", "x"); 1 }
step "two" { append_file("count-two", "x"); 2 }
for i in 0..2 {
    step `item ${i}` { i }
}
step "three" { append_file("count-three", "x"); 3 }
"#;

#[test]
fn plan_lists_steps_without_running_them() {
    let t = Test::new();
    t.write("edit.rhai", ORIGINAL);
    t.run(&["plan", "edit.rhai"]).status(0).stdout_is(
        "plan for edit.rhai (no run yet)\n   \
         1  pending  one  (line 2)\n   \
         2  pending  two  (line 3)\n   \
         3  pending  `item ${i}` (computed name)  (line 5)\n   \
         4  pending  three  (line 7)\n",
    );
    assert_eq!(t.read("count-one"), "", "plan runs nothing");
    assert!(!t.path(".runbook/runs").exists(), "plan records nothing");
}

#[test]
fn a_changed_body_shows_in_plan_is_refused_by_resume_and_reruns_when_asked() {
    let t = Test::new();
    t.write("edit.rhai", ORIGINAL);
    t.run(&["exec", "edit.rhai"]).status(0);
    // Re-indenting and moving a step is not a change; editing its code is.
    let edited = ORIGINAL
        .replace(
            "append_file(\"count-two\", \"x\"); 2",
            "append_file(\"count-two\", \"x\"); 22",
        )
        .replace("let tag", "\n\nlet tag");
    t.write("edit.rhai", &edited);
    t.run(&["plan", "edit.rhai"]).status(0).stdout_is(
        "plan for edit.rhai (against run edit-1)\n   \
         1  done     one  (line 4)\n   \
         2  changed  two  (line 5)\n   \
         3  done     `item ${i}` (computed name) x2  (line 7)\n   \
         4  done     three  (line 9)\n",
    );
    t.run(&["-q", "resume", "edit-1"]).status(4).stderr_is(
        "error: step \"two\" changed since the run recorded it (line 3 then, line 5 now)\n \
         --> edit.rhai:5:6\n  |\n5 | step \"two\" { append_file(\"count-two\", \"x\"); 22 }\n  \
         |      ^\n  = note: resume with --rerun-changed to run changed steps again, or start \
         a new run with `runbook exec`\n",
    );
    t.run(&["resume", "edit-1", "--rerun-changed"]).status(0);
    assert_eq!(t.read("count-one"), "x");
    assert_eq!(t.read("count-two"), "xx");
    assert_eq!(t.read("count-three"), "x");
    t.run(&["plan", "edit.rhai"])
        .status(0)
        .stdout_has("2  done     two  (line 5)");
}

#[test]
fn a_renamed_step_is_a_divergence_naming_both_steps_and_lines() {
    let t = Test::new();
    t.write("edit.rhai", ORIGINAL);
    t.run(&["exec", "edit.rhai"]).status(0);
    t.write(
        "edit.rhai",
        &ORIGINAL.replace("step \"two\"", "step \"deux\""),
    );
    t.run(&["-q", "resume", "edit-1"]).status(4).stderr_is(
        "error: the script no longer matches the run: step 2 of the run is \"two\" (line 3), \
         but the script now has \"deux\" here\n \
         --> edit.rhai:3:6\n  |\n3 | step \"deux\" { append_file(\"count-two\", \"x\"); 2 }\n  \
         |      ^\n  = note: a step was renamed, added or removed before this one\n  \
         = note: run `runbook plan` to compare, or start a new run with `runbook exec`\n",
    );
    assert_eq!(
        t.read("count-three"),
        "x",
        "nothing after the divergence ran"
    );
    t.run(&["status", "edit-1"])
        .status(0)
        .stdout_has("run edit-1: done");
}

#[test]
fn check_compiles_without_running() {
    let t = Test::new();
    t.write("edit.rhai", ORIGINAL);
    t.run(&["check", "edit.rhai"]).status(0).stdout_is(
        "edit.rhai: ok (4 steps)\n\
             params:\n  \
             tag  default   (line 1)\n\
             secrets: none\n\
             steps:\n    \
             1  one  (line 2)\n    \
             2  two  (line 3)\n    \
             3  `item ${i}` (computed name)  (line 5)\n    \
             4  three  (line 7)\n\
             aws:     none\n",
    );
    assert_eq!(t.read("count-one"), "");

    t.write(
        "asks.rhai",
        "let token = secret(\"api_token\");\nlet repo = param(\"repo\");\n\
         step \"make\" { ecr::create_repository(#{ repositoryName: repo }) } \
         undo |r| { ecr::delete_repository(#{ repositoryName: repo }) };\n\
         let me = sts::get_caller_identity();\n",
    );
    let asks: serde_json::Value =
        serde_json::from_str(&t.run(&["--json", "check", "asks.rhai"]).stdout).expect("JSON");
    assert_eq!(
        asks,
        serde_json::json!({
            "script": "asks.rhai", "secrets": ["api_token"], "secrets_computed": false,
            "params": [{ "name": "repo", "required": true }],
            "steps": [{ "name": "make", "line": 3, "function": null, "undo": true }],
            "aws": { "ecr": ["create_repository", "delete_repository"],
                     "sts": ["get_caller_identity"] },
        })
    );
    // What a policy for the role that runs it has to allow, by service.
    t.run(&["check", "asks.rhai"]).status(0).stdout_has(
        "aws:     3 functions\n  ecr  create_repository, delete_repository\n  \
         sts  get_caller_identity\n",
    );
    t.write("evaluates.rhai", "eval(\"1\");\n");
    t.run(&["check", "evaluates.rhai"])
        .status(0)
        .stdout_has("aws:     any function (an `eval` or a computed import)\n");
}

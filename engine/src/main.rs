fn main() {
    std::process::exit(runbook::run::run(std::env::args_os()));
}

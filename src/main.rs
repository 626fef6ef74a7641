//! The `jianbao` command line: a thin layer over the library. Parses
//! arguments, runs a command, prints errors with their cause chain and maps
//! them to the documented exit codes.

// The command line is where output is printed (the library never prints).
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(err) if cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("jianbao: 错误：{}", cli::chinese_chain(&err));
            for hint in cli::hints_of(&err) {
                eprintln!("  可以：{hint}");
            }
            ExitCode::from(cli::exit_code(&err))
        }
    }
}

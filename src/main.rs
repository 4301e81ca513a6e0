//! The `tradewind` binary: all of it lives in the library; see `tradewind --help`.

fn main() -> std::process::ExitCode {
    tradewind::cli::main()
}

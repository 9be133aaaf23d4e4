use std::process::ExitCode;

fn main() -> ExitCode {
    // The app starts itself with `--choose-file` for the file dialog: that
    // process asks and ends here, before `run` opens the store, the log
    // file or anything of Tauri (see file_chooser.rs).
    if let Some(code) = till_desktop::file_chooser::answer(std::env::args_os().skip(1)) {
        till_desktop::file_chooser::quit(code);
    }
    till_desktop::run();
    ExitCode::SUCCESS
}

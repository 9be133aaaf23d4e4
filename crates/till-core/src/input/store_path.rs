//! Which store file to open: the one named (the CLI's `--db`, the
//! desktop's `--db PATH` argument), else Till's one default, the same for
//! every front end, so the app and `till` always open the same shop.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::error::{Error, Field, Result};

/// The environment variable naming the store file.
pub const ENV: &str = "TILL_DB";

/// The store file inside the user's data folder.
pub const IN_DATA_DIR: [&str; 2] = ["till", "till.db"];

/// The default store: `$TILL_DB` when set and not empty, else
/// `till/till.db` in the user's data folder (`$XDG_DATA_HOME`, else
/// `~/.local/share` on Linux; `~/Library/Application Support` on macOS;
/// `%APPDATA%` on Windows).
pub fn default_path() -> Result<PathBuf> {
    resolve(std::env::var_os(ENV), dirs::data_dir())
}

/// `default_path` with the environment passed in: the variable's value and
/// the user's data folder, either possibly missing.
pub fn resolve(till_db: Option<OsString>, data_dir: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(p) = till_db.filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let dir = data_dir.ok_or_else(|| {
        Error::invalid(
            Field::Db,
            format!("this system has no user data folder: set {ENV} to the store file, or name the file"),
        )
    })?;
    Ok(IN_DATA_DIR.iter().fold(dir, |p, part| p.join(part)))
}

/// The store to open: `named` when given, else [`default_path`].
pub fn store_path(named: Option<PathBuf>) -> Result<PathBuf> {
    match named {
        Some(p) => Ok(p),
        None => default_path(),
    }
}

/// The store named among a program's arguments as `--db PATH` or
/// `--db=PATH`, for a front end that does not parse its arguments with a
/// full parser (the desktop app: the WebDriver host may pass arguments of
/// its own, so it looks for this one flag and leaves the rest alone).
pub fn db_argument(args: impl IntoIterator<Item = OsString>) -> Result<Option<PathBuf>> {
    let invalid = |message: &str| Error::invalid(Field::Db, message);
    let mut args = args.into_iter();
    let mut found = None;
    while let Some(arg) = args.next() {
        let value = if arg == "--db" {
            args.next()
        } else if arg.to_string_lossy().starts_with("--db=") {
            let text = arg
                .to_str()
                .ok_or_else(|| invalid("the path is not valid UTF-8"))?;
            Some(OsString::from(&text["--db=".len()..]))
        } else {
            continue;
        };
        let path = value
            .filter(|v| !v.is_empty())
            .ok_or_else(|| invalid("needs the path of the store file"))?;
        if found.replace(PathBuf::from(path)).is_some() {
            return Err(invalid("given twice; name one store"));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<PathBuf>, String> {
        db_argument(args.iter().map(OsString::from)).map_err(|e| e.to_string())
    }

    #[test]
    fn the_store_comes_from_db_in_either_form() {
        assert_eq!(parse(&[]), Ok(None));
        assert_eq!(parse(&["--db", "/tmp/a.db"]), Ok(Some("/tmp/a.db".into())));
        assert_eq!(parse(&["--db=/tmp/b.db"]), Ok(Some("/tmp/b.db".into())));
    }

    #[test]
    fn other_arguments_are_left_alone() {
        assert_eq!(
            parse(&["--automation", "--db", "/tmp/a.db", "x"]),
            Ok(Some("/tmp/a.db".into()))
        );
        assert_eq!(parse(&["--dbx", "--automation"]), Ok(None));
    }

    #[test]
    fn a_missing_empty_or_second_path_is_refused_in_words() {
        for args in [&["--db"][..], &["--db="], &["--db", ""]] {
            let err = db_argument(args.iter().map(OsString::from)).unwrap_err();
            assert!(
                matches!(&err, Error::Invalid { field: Field::Db, message } if message.contains("needs the path")),
                "{args:?}: {err}"
            );
        }
        let err = parse(&["--db", "a.db", "--db=b.db"]).unwrap_err();
        assert!(err.contains("given twice"), "{err}");
    }

    #[test]
    fn a_named_store_comes_before_the_default() {
        assert_eq!(
            store_path(Some("/srv/x.db".into())).unwrap(),
            PathBuf::from("/srv/x.db")
        );
    }

    #[test]
    fn till_db_wins_when_set() {
        let p = resolve(
            Some("/srv/shop.db".into()),
            Some("/home/ann/.local/share".into()),
        );
        assert_eq!(p.unwrap(), PathBuf::from("/srv/shop.db"));
    }

    #[test]
    fn else_the_file_in_the_data_folder() {
        for till_db in [None, Some(OsString::new())] {
            let p = resolve(till_db, Some("/home/ann/.local/share".into()));
            assert_eq!(
                p.unwrap(),
                PathBuf::from("/home/ann/.local/share/till/till.db")
            );
        }
    }

    #[test]
    fn no_data_folder_and_no_till_db_says_what_to_set() {
        let e = resolve(None, None).unwrap_err();
        assert!(e.to_string().contains("TILL_DB"), "{e}");
    }
}

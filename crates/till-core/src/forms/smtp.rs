//! The mail server as the front ends take it: host, port, security, user
//! and sender address as typed.

use serde::Deserialize;

use crate::email::{SmtpSecurity, SmtpSettings};
use crate::error::{Error, Field, Result};
use crate::input::{email_address, opt_text, text, TextKind};

#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct SmtpForm {
    pub host: String,
    pub port: String,
    /// starttls, tls or none.
    pub security: String,
    /// Blank: the server takes mail without signing in.
    pub user: Option<String>,
    pub from: String,
}

impl SmtpForm {
    pub fn parse(&self) -> Result<SmtpSettings> {
        let host = text(Field::SmtpHost, &self.host, TextKind::Reference)?;
        // A host name or an address: letters, digits, dots, dashes, and the
        // colons and brackets of an IPv6 address.
        if !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        {
            return Err(Error::invalid(
                Field::SmtpHost,
                format!("{host:?} is not a host name (like smtp.example.com)"),
            ));
        }
        let port = match self.port.trim().parse::<u16>() {
            Ok(p) if p > 0 => p,
            _ => {
                return Err(Error::invalid(
                    Field::SmtpPort,
                    format!(
                        "{:?} is not a port number from 1 to 65535 (587 for starttls, 465 for tls)",
                        self.port
                    ),
                ))
            }
        };
        Ok(SmtpSettings {
            host,
            port,
            security: SmtpSecurity::parse(&self.security)?,
            user: opt_text(Field::SmtpUser, self.user.as_deref(), TextKind::Email)?,
            from: email_address(Field::From, &self.from)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SmtpForm {
        SmtpForm {
            host: "smtp.example.com".into(),
            port: "587".into(),
            security: "starttls".into(),
            user: Some("shop".into()),
            from: "shop@example.com".into(),
        }
    }

    #[test]
    fn each_bad_value_names_its_field() {
        assert_eq!(form().parse().unwrap().port, 587);
        let bad = |f: SmtpForm, field: Field| match f.parse() {
            Err(Error::Invalid { field: got, .. }) => assert_eq!(got, field),
            other => panic!("{other:?}"),
        };
        bad(
            SmtpForm {
                host: "smtp example".into(),
                ..form()
            },
            Field::SmtpHost,
        );
        bad(
            SmtpForm {
                port: "0".into(),
                ..form()
            },
            Field::SmtpPort,
        );
        bad(
            SmtpForm {
                port: "70000".into(),
                ..form()
            },
            Field::SmtpPort,
        );
        bad(
            SmtpForm {
                security: "ssl3".into(),
                ..form()
            },
            Field::SmtpSecurity,
        );
        bad(
            SmtpForm {
                from: "shop".into(),
                ..form()
            },
            Field::From,
        );
        assert_eq!(
            SmtpForm {
                user: Some(" ".into()),
                ..form()
            }
            .parse()
            .unwrap()
            .user,
            None
        );
    }
}

//! `spnkt wizard` in a pseudo-terminal (rexpect): prompts matched by their text,
//! keys sent as a user types them. Shared by tests/wizard_pty.rs and
//! tests/delegated_admin_samba.rs.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use nix::sys::wait::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

use super::samba_lab::Lab;
use super::{path_str, spnkt_bin};

/// The arrow keys as a terminal sends them.
pub const DOWN: &str = "\x1b[B";
pub const UP: &str = "\x1b[A";

/// The wizard in a pseudo-terminal, with a transcript for failure messages.
pub struct Wizard {
    /// The pty session (for keys the helpers do not cover, such as Ctrl-C).
    pub session: PtySession,
    transcript: String,
}

impl Wizard {
    /// `spnkt wizard` with the lab's krb5.conf, CA (SPNKT_CA_CERT) and `ccache`.
    pub fn start(lab: &Lab, ccache: &Path) -> Wizard {
        Wizard::start_with(lab, ccache, true, &[])
    }

    /// Like [`Wizard::start`], telling spnkt the lab's CA only when `ca` is set, with
    /// `env` on top.
    pub fn start_with(lab: &Lab, ccache: &Path, ca: bool, env: &[(&str, &str)]) -> Wizard {
        let mut c = Command::new(spnkt_bin());
        for (k, _) in std::env::vars() {
            if k.starts_with("SPNKT_") || k.starts_with("KRB5") {
                c.env_remove(k);
            }
        }
        c.arg("wizard")
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .env("SPNKT_DNS_SERVER", super::NO_NAMESERVER)
            .env("KRB5_CONFIG", &lab.krb5_conf)
            .env("KRB5CCNAME", format!("FILE:{}", path_str(ccache)))
            .current_dir(lab.work());
        if ca {
            c.env("SPNKT_CA_CERT", &lab.ca_cert);
        }
        c.envs(env.iter().copied());
        // Generous: two cores, PBKDF2, a DC shared with other suites.
        let session = spawn_command(c, Some(60_000)).expect("spawn spnkt wizard in a pty");
        Wizard {
            session,
            transcript: String::new(),
        }
    }

    /// Wait for `needle` on the terminal (prompts are matched by their text).
    pub fn expect(&mut self, needle: &str) {
        match self.session.exp_string(needle) {
            Ok(before) => {
                self.transcript.push_str(&before);
                self.transcript.push_str(needle);
            }
            Err(e) => panic!(
                "waiting for {needle:?}: {e}\n--- transcript so far ---\n{}",
                self.transcript
            ),
        }
    }

    /// Type `keys` once the prompt is up (after a pause: a password prompt switches
    /// echo off with TCSAFLUSH, which would drop keys typed before it).
    pub fn send(&mut self, keys: &str) {
        std::thread::sleep(Duration::from_millis(300));
        self.session.send(keys).expect("send keys");
        self.session.flush().expect("flush keys");
    }

    /// `prompt` appears, then `answer` + Enter.
    pub fn answer(&mut self, prompt: &str, answer: &str) {
        self.expect(prompt);
        self.send(&format!("{answer}\r"));
    }

    /// Everything up to the end, and the exit code.
    pub fn finish(mut self) -> (i32, String) {
        match self.session.exp_eof() {
            Ok(rest) => self.transcript.push_str(&rest),
            Err(e) => panic!(
                "waiting for the end: {e}\n--- transcript ---\n{}",
                self.transcript
            ),
        }
        let status = self.session.process().wait().expect("wait for spnkt");
        let code = match status {
            WaitStatus::Exited(_, code) => code,
            other => panic!("spnkt ended with {other:?}\n{}", self.transcript),
        };
        (code, self.transcript)
    }

    /// The directory questions, answered with the lab's settings.
    pub fn connect(&mut self, lab: &Lab) {
        self.connect_as(lab, &lab.admin_user, &lab.admin_password);
    }

    /// The directory questions, answered with the lab's URL and `user`'s password.
    pub fn connect_as(&mut self, lab: &Lab, user: &str, password: &str) {
        self.answer("Domain controller URL", &lab.ldaps_url);
        self.answer("Bind user", user);
        self.answer("Password for", password);
        self.expect(&format!("connected: realm {}", lab.realm));
    }
}
